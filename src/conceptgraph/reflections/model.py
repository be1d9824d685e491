"""A reflection as callers pass it in (`Draft`, checked) and get it back (`Reflection`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from conceptgraph.reflections.errors import Invalid
from conceptgraph.reflections.schema import VISIBILITIES
from conceptgraph.texts import LANGUAGES

MAX_TEXT = 20_000
MAX_RATIONALE = 500
MAX_LINKS = 30
_IRI = re.compile(r"^(https?://[^\s<>\"{}|\\^`]+|urn:[^\s<>\"]+)$")
# NUL (PostgreSQL refuses it in text) and lone surrogates (not UTF-8): no database stores them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Link:
    """A course resource the reflection draws on, with the one-sentence reason (`cg:rationale`)."""

    resource: str
    rationale: str


@dataclass(frozen=True)
class Draft:
    """What the author writes: the question (or concept, text) it answers, the text, its links."""

    target: str
    text: str
    language: str = "da"
    visibility: str = "private"
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Reflection:
    id: str
    author_id: str
    cohort_id: str
    target: str
    language: str
    text: str
    visibility: str
    created_at: datetime
    modified_at: datetime
    version: int
    links: tuple[Link, ...] = field(default=())

    @property
    def etag(self) -> str:
        """The strong ETag of this version (what If-Match must repeat)."""
        return f'"{self.id}.{self.version}"'


def check_draft(draft: Draft) -> Draft:
    """The draft, trimmed; Invalid names the first field that breaks a rule (`links[2].rationale`)."""
    _check_iri("target", draft.target)
    text = draft.text.strip()
    if not text or len(text) > MAX_TEXT or _UNSTORABLE.search(text):
        raise Invalid("text", f"write 1 to {MAX_TEXT} characters of text (no NUL, no lone surrogates)")
    if draft.language not in LANGUAGES:
        raise Invalid("language", f"{draft.language!r} is not one of {', '.join(LANGUAGES)}")
    if draft.visibility not in VISIBILITIES:
        raise Invalid("visibility", f"{draft.visibility!r} is not one of {', '.join(VISIBILITIES)}")
    if len(draft.links) > MAX_LINKS:
        raise Invalid("links", f"at most {MAX_LINKS} links")
    links = []
    for number, link in enumerate(draft.links):
        _check_iri(f"links[{number}].resource", link.resource)
        rationale = link.rationale.strip()
        if not rationale or len(rationale) > MAX_RATIONALE or _UNSTORABLE.search(rationale):
            raise Invalid(f"links[{number}].rationale", f"give a reason of 1 to {MAX_RATIONALE} characters of text")
        links.append(Link(link.resource, rationale))
    return Draft(draft.target, text, draft.language, draft.visibility, tuple(links))


def _check_iri(name: str, value: str) -> None:
    if len(value) > 2000 or not _IRI.match(value) or _UNSTORABLE.search(value):
        raise Invalid(name, "expected an absolute http(s) or urn: IRI of a course resource")
