"""The values a course file may hold, checked against their kind and put in normal form.

Each function returns (normal form, None) or (None, (where, message)), so the loader can report
every problem of a run with its position.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from conceptgraph.course.read import LocatedDict, LocatedList, Pos
from conceptgraph.course.schema import ADDRESS_KEYS, CROSS_LINK_KEYS, CROSS_RELATIONS, EXPECTED, LANGUAGES, SLUG


def unknown_key(key: Any, allowed: tuple[str, ...], what: str) -> str:
    hint = difflib.get_close_matches(str(key), allowed, n=1)
    suggestion = f" — did you mean '{hint[0]}'?" if hint else f" (allowed: {', '.join(allowed)})"
    return f"unknown key '{key}' in {what}{suggestion}"


_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_MONTHDAY = re.compile(r"^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def normalise(kind: str, value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    """Check a value against its kind; return (normal form, None) or (None, (where, message))."""
    wrong = (None, (pos, f"expected {EXPECTED[kind]}, got {value!r}"))
    if kind == "langmap":
        return _normalise_langmap(value, pos)
    if kind in ("text", "plain"):
        return (value.strip(), None) if isinstance(value, str) and value.strip() else wrong
    if kind == "texts":
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        return (list(value), None) if ok else wrong
    if kind == "ref":
        return (value, None) if isinstance(value, str) and SLUG.match(value) else wrong
    if kind == "refs":
        ok = isinstance(value, list) and all(isinstance(v, str) and SLUG.match(v) for v in value)
        return (list(value), None) if ok else wrong
    if kind == "int":
        return (value, None) if isinstance(value, int) and not isinstance(value, bool) and value > 0 else wrong
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else wrong
    if kind == "time":
        match = _TIME.match(value) if isinstance(value, str) else None
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return (f"{int(match[1]):02d}:{match[2]}:00", None)
        return wrong
    if kind == "monthday":
        return (value, None) if isinstance(value, str) and _MONTHDAY.match(value) else wrong
    if kind == "crosslinks":
        return _normalise_cross_links(value, pos)
    return _normalise_addresses(value, pos)


def _normalise_langmap(value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    if not isinstance(value, LocatedDict):
        return None, (pos, f"expected {EXPECTED['langmap']}, got {value!r}")
    for lang, text in value.items():
        if lang not in LANGUAGES:
            return None, (
                value.key_pos[lang],
                f"unknown language '{lang}' (expected one of {', '.join(LANGUAGES)})",
            )
        if not (isinstance(text, str) and text.strip()):
            return None, (
                value.value_pos[lang],
                f"the '{lang}' text must be a non-empty string, got {text!r}",
            )
    if "da" not in value:
        return None, (pos, "the Danish text is missing: add 'da: \"…\"' (Danish comes first)")
    return {lang: text.strip() for lang, text in value.items()}, None


def _normalise_addresses(value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    if not isinstance(value, LocatedList) or not value:
        return None, (pos, f"expected {EXPECTED['addresses']}, got {value!r}")
    links = []
    for item, item_pos in zip(value, value.item_pos, strict=True):
        if not isinstance(item, LocatedDict):
            return None, (item_pos, f"each link must be a mapping {{to: id, why: …}}, got {item!r}")
        for key in item:
            if key not in ADDRESS_KEYS:
                return None, (item.key_pos[key], unknown_key(key, ADDRESS_KEYS, "a link"))
        target = item.get("to")
        if not (isinstance(target, str) and SLUG.match(target)):
            return None, (
                item.value_pos.get("to", item_pos),
                f"'to' expects {EXPECTED['ref']}, got {target!r}",
            )
        if "why" not in item:
            return None, (item_pos, f"the link to '{target}' has no 'why': say in one sentence why it holds")
        why, error = _normalise_langmap(item["why"], item.value_pos["why"])
        if error is not None:
            return None, error
        links.append({"to": target, "why": why, "pos": item_pos})
    return links, None


def _normalise_cross_links(value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    """A link the slides draw themselves: its target, its relation and the slide's own sentence."""
    if not isinstance(value, LocatedList) or not value:
        return None, (pos, f"expected {EXPECTED['crosslinks']}, got {value!r}")
    links = []
    for item, item_pos in zip(value, value.item_pos, strict=True):
        if not isinstance(item, LocatedDict):
            return None, (item_pos, f"each cross-link must be a mapping {{to, relation, source_text}}, got {item!r}")
        for key in item:
            if key not in CROSS_LINK_KEYS:
                return None, (item.key_pos[key], unknown_key(key, CROSS_LINK_KEYS, "a cross-link"))
        target, relation, text = item.get("to"), item.get("relation"), item.get("source_text")
        if not (isinstance(target, str) and SLUG.match(target)):
            return None, (item.value_pos.get("to", item_pos), f"'to' expects {EXPECTED['ref']}, got {target!r}")
        if relation not in CROSS_RELATIONS:
            return None, (
                item.value_pos.get("relation", item_pos),
                f"'relation' of the cross-link to '{target}' must be one of "
                f"{', '.join(CROSS_RELATIONS)}, got {relation!r}",
            )
        if not (isinstance(text, str) and text.strip()):
            return None, (
                item_pos,
                f"the cross-link to '{target}' needs 'source_text': the slide sentence that draws it",
            )
        links.append({"to": target, "relation": relation, "source_text": text.strip(), "pos": item_pos})
    return links, None
