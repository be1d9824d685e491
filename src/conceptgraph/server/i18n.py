"""The UI language of a request: Danish unless `?lang=en`."""

from __future__ import annotations

from flask import request

from conceptgraph.texts import translate

__all__ = ["language", "translate"]


def language() -> str:
    """The UI language of this request: `?lang=en` for English, Danish otherwise."""
    return "en" if request.args.get("lang") == "en" else "da"
