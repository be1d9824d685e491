"""Reflections as W3C Web Annotations (JSON-LD) and back: the exchange format of `/annotations/`
and of every export of reflections.

A reflection is an `Annotation` whose `target` is the question (or concept, text) it answers. Its
first body is a `TextualBody` (the text, `language`, `format` text/plain); each link to a course
resource is one more body, a `SpecificResource` with `purpose: "linking"`, the resource as `source`
and the reason as `cg:rationale` (the shape of the course's own `cg:addresses` + `cg:rationale`).
`cg:visibility` is `private` or `cohort`. The creator (an opaque IRI and the display name) is
there only when the caller passes the name, because the viewer may know who wrote it.

The W3C context (`http://www.w3.org/ns/anno.jsonld`) is named, never fetched: the app serves a
copy at `/static/ns/anno.jsonld` (taken unchanged from the w3c/web-annotation repository,
admin/ns/anno.jsonld) for processors that must stay offline. This module knows no HTTP: callers
pass the IRIs of the container (`Iris`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from conceptgraph.reflections.errors import Invalid
from conceptgraph.reflections.model import Draft, Link, Reflection, check_draft
from conceptgraph.vocab import CG

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
LDP = "http://www.w3.org/ns/ldp#"
# The W3C context plus our own terms; `BasicContainer` is defined here so no LDP context is needed.
CONTEXT: list[Any] = [ANNO_CONTEXT, {"cg": str(CG), "ldp": LDP, "BasicContainer": "ldp:BasicContainer"}]
RATIONALE, VISIBILITY = "cg:rationale", "cg:visibility"


@dataclass(frozen=True)
class Iris:
    """Where annotations live: `root` is the service's public URL, without a trailing slash."""

    root: str

    @property
    def container(self) -> str:
        return f"{self.root}/annotations/"

    def annotation(self, reflection_id: str) -> str:
        return f"{self.container}{reflection_id}"

    def page(self, number: int, *, iris_only: bool = False) -> str:
        return f"{self.container}?{'iris=1&' if iris_only else ''}page={number}"


def creator_iri(account_id: str) -> str:
    """The opaque IRI of an account: it tells nothing about the person, and no page answers it."""
    return f"urn:conceptgraph:account:{account_id}"


def to_annotation(
    reflection: Reflection, iris: Iris, *, author_name: str | None = None, context: bool = True
) -> dict[str, Any]:
    """The reflection as an Annotation; `context=False` inside a page or collection that has it.

    The creator is said only with `author_name`, i.e. to someone who may know who wrote it (the
    author, a facilitator who asked for names): a stable creator IRI on its own would let readers
    of shared reflections group them by person, which showing no names promises not to allow.
    """
    text = {"type": "TextualBody", "value": reflection.text, "language": reflection.language, "format": "text/plain"}
    links = [
        {"type": "SpecificResource", "purpose": "linking", "source": link.resource, RATIONALE: link.rationale}
        for link in reflection.links
    ]
    annotation: dict[str, Any] = {
        "id": iris.annotation(reflection.id),
        "type": "Annotation",
        "motivation": "commenting",
        "created": timestamp(reflection.created_at),
        "modified": timestamp(reflection.modified_at),
        VISIBILITY: reflection.visibility,
        "body": [text, *links],
        "target": reflection.target,
    }
    if author_name is not None:
        annotation["creator"] = {"id": creator_iri(reflection.author_id), "type": "Person", "name": author_name}
    return {"@context": CONTEXT, **annotation} if context else annotation


def timestamp(when: datetime) -> str:
    """An xsd:dateTime in UTC with `Z`, to the second."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def from_annotation(document: Any) -> Draft:
    """The draft an Annotation describes, checked. Raises Invalid naming the JSON field
    (`body[2].cg:rationale`). Server-assigned fields (id, creator, created, modified) are ignored."""
    if not isinstance(document, dict):
        raise Invalid("(document)", "expected a JSON object: one Annotation")
    _check_context(document.get("@context"))
    kinds = document.get("type")
    if "Annotation" not in (kinds if isinstance(kinds, list) else [kinds]):
        raise Invalid("type", 'expected "Annotation"')
    target = _target(document.get("target"))
    visibility = document.get(VISIBILITY, "private")
    if not isinstance(visibility, str):
        raise Invalid(VISIBILITY, 'expected "private" or "cohort"')
    bodies = document.get("body")
    bodies = [bodies] if isinstance(bodies, dict) else bodies
    if not isinstance(bodies, list):
        raise Invalid("body", "expected a TextualBody, and one SpecificResource per link, as a list")
    text, links = _bodies(bodies)
    value, language = _text(bodies[text], text)
    draft = Draft(target, value, language, visibility, tuple(link for _, link in links))
    try:
        return check_draft(draft)
    except Invalid as error:
        raise _renamed(error, text, [n for n, _ in links]) from None


def _check_context(context: Any) -> None:
    if ANNO_CONTEXT not in (context if isinstance(context, list) else [context]):
        raise Invalid("@context", f'expected "{ANNO_CONTEXT}" (alone or first in a list)')


def _target(target: Any) -> str:
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if isinstance(target, dict):
        target = target.get("source", target.get("id"))
    if not isinstance(target, str):
        raise Invalid("target", "expected the IRI of one course resource (a question, concept or text)")
    return target


def _bodies(bodies: list[Any]) -> tuple[int, list[tuple[int, Link]]]:
    """The position of the one TextualBody, and each link with its position."""
    texts, links = [], []
    for number, body in enumerate(bodies):
        kind = body.get("type") if isinstance(body, dict) else None
        if kind == "TextualBody":
            texts.append(number)
        elif kind == "SpecificResource":
            links.append((number, _link(body, f"body[{number}]")))
        else:
            raise Invalid(f"body[{number}].type", 'expected "TextualBody" or "SpecificResource"')
    if len(texts) != 1:
        raise Invalid("body", f"expected exactly one TextualBody (the reflection's text), found {len(texts)}")
    return texts[0], links


def _link(body: dict[str, Any], name: str) -> Link:
    if body.get("purpose") != "linking":
        raise Invalid(f"{name}.purpose", 'expected "linking"')
    source, rationale = body.get("source"), body.get(RATIONALE)
    if not isinstance(source, str):
        raise Invalid(f"{name}.source", "expected the IRI of the course resource the reflection draws on")
    if not isinstance(rationale, str):
        raise Invalid(f"{name}.{RATIONALE}", "expected a one-sentence reason for the link, as a string")
    return Link(source, rationale)


def _text(body: dict[str, Any], number: int) -> tuple[str, str]:
    value, language = body.get("value"), body.get("language", "da")
    if not isinstance(value, str):
        raise Invalid(f"body[{number}].value", "expected the reflection's text, as a string")
    if not isinstance(language, str):
        raise Invalid(f"body[{number}].language", 'expected a language tag: "da" or "en"')
    if body.get("format", "text/plain") != "text/plain":
        raise Invalid(f"body[{number}].format", 'expected "text/plain" (reflections are plain text)')
    return value, language


def _renamed(error: Invalid, text: int, links: list[int]) -> Invalid:
    """The storage layer's field name (`links[1].rationale`) as the JSON field it came from."""
    names = {"text": f"body[{text}].value", "language": f"body[{text}].language", "visibility": VISIBILITY}
    for position, number in enumerate(links):
        names[f"links[{position}].resource"] = f"body[{number}].source"
        names[f"links[{position}].rationale"] = f"body[{number}].{RATIONALE}"
    field = names.get(error.field, error.field)
    return Invalid(field, str(error).split(": ", 1)[1])


def collection(
    iris: Iris, *, total: int, page_size: int, first: dict[str, Any] | None = None, iris_only: bool = False
) -> dict[str, Any]:
    """The container as an AnnotationCollection: `total`, and `first`/`last` page IRIs (the first
    page embedded when given). An empty collection has no pages."""
    found: dict[str, Any] = {
        "@context": CONTEXT,
        "id": iris.container + ("?iris=1" if iris_only else ""),
        "type": ["BasicContainer", "AnnotationCollection"],
        "label": "Reflections",
        "total": total,
    }
    if total:
        found["first"] = first if first is not None else iris.page(0, iris_only=iris_only)
        found["last"] = iris.page((total - 1) // page_size, iris_only=iris_only)
    return found


def page(
    iris: Iris, items: list[Any], *, number: int, total: int, page_size: int, iris_only: bool = False
) -> dict[str, Any]:
    """One AnnotationPage of the container: its items (annotations, or their IRIs), `startIndex`,
    `next`/`prev` where there are such pages, and `partOf` the collection (without context)."""
    part_of = collection(iris, total=total, page_size=page_size, iris_only=iris_only)
    del part_of["@context"]
    found: dict[str, Any] = {
        "id": iris.page(number, iris_only=iris_only),
        "type": "AnnotationPage",
        "partOf": part_of,
        "startIndex": number * page_size,
        "items": items,
    }
    if number > 0:
        found["prev"] = iris.page(number - 1, iris_only=iris_only)
    if (number + 1) * page_size < total:
        found["next"] = iris.page(number + 1, iris_only=iris_only)
    return found
