"""Every setting conceptgraph reads, declared once with its default and help.

Values come from CONCEPTGRAPH_<NAME> environment variables (or the CLI option of the same name);
a bad value fails at start-up naming the setting, what was given and what is expected.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conceptgraph.errors import ConceptGraphError
from conceptgraph.vocab import DEFAULT_BASE


class SettingError(ConceptGraphError):
    """A setting has a value it cannot take."""


def _base_iri(value: str) -> str:
    if not value.startswith(("http://", "https://")) or not value.endswith("/") or " " in value:
        raise ValueError("an http(s) IRI ending in '/', like https://example.org/course/")
    return value


@dataclass(frozen=True)
class Setting:
    """A named setting with its default, a one-line help and a parser that validates it."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any]


SETTINGS = {
    s.name: s
    for s in [
        Setting("base_iri", DEFAULT_BASE, "Base of resource IRIs: <base>id/<slug>.", _base_iri),
    ]
}


def setting(name: str, given: str | None = None) -> Any:
    """The value of a setting: `given` (a CLI option), else the environment, else the default."""
    spec = SETTINGS[name]
    env = f"CONCEPTGRAPH_{name.upper()}"
    raw = given if given is not None else os.environ.get(env)
    if raw is None:
        return spec.default
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise SettingError(f"setting {name} ({env}) = {raw!r} is not valid: expected {exc}") from None
