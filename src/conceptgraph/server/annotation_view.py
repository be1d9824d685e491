"""`/annotations/`: participants' reflections over the W3C Web Annotation Protocol.

An LDP basic container of Annotations (`annotation_json` does the mapping). Every read goes
through the reflections' visibility rule, so the container holds exactly what the caller may see
(a visitor: nothing), and a reflection they may not see is a 404 — never a 403, which would say it
exists. Writing needs a session and its CSRF token (`X-CSRF-Token`); PUT and DELETE need
`If-Match` with the ETag last read (428 without, 412 when someone changed it first). Errors are
JSON naming the field that was wrong. Answers are personal: never cached by anyone else.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, request

from conceptgraph.config import public_url
from conceptgraph.reflections.annotation_json import (
    CONTEXT,
    LDP,
    MEDIA_TYPE,
    Iris,
    collection,
    from_annotation,
    page,
    to_annotation,
)
from conceptgraph.reflections.model import Reflection
from conceptgraph.reflections.reading import get_reflection, list_reflections
from conceptgraph.reflections.visibility import Viewer
from conceptgraph.reflections.writing import create_reflection, delete_reflection, update_reflection
from conceptgraph.server import people
from conceptgraph.server.http import ApiError
from conceptgraph.server.reflection_errors import answer_refusals

bp = Blueprint("annotations", __name__)
answer_refusals(bp)

PAGE_SIZE = 50
CONTAINER_ALLOW = "GET, HEAD, OPTIONS, POST"
ITEM_ALLOW = "GET, HEAD, OPTIONS, PUT, DELETE"
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
PREFER_MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
CONSTRAINED_BY = "https://www.w3.org/TR/annotation-protocol/"
JSON_TYPES = ("application/ld+json", "application/json")


def iris() -> Iris:
    """The IRIs of this service's annotations, from its public URL (never the Host header)."""
    return Iris(public_url(current_app.extensions["conceptgraph"].settings).rstrip("/"))


@bp.get("/annotations/")
def container() -> Response:
    """The container (its first page embedded), or `?page=N` of it; `?iris=1` or the Prefer
    header's PreferContainedIRIs lists IRIs instead of annotations."""
    prefer = request.headers.get("Prefer", "")
    iris_only = request.args.get("iris") == "1" or PREFER_IRIS in prefer
    number = _page_number()
    found = list_reflections(
        people.database(), people.viewer(), limit=PAGE_SIZE, offset=max(number or 0, 0) * PAGE_SIZE
    )
    items = [_item(r, iris_only) for r in found.items]
    if number is not None and number > 0 and not items:
        raise ApiError(404, f"page: there is no page {number} (the container has {found.total} annotations)")
    shaped = page(iris(), items, number=number or 0, total=found.total, page_size=PAGE_SIZE, iris_only=iris_only)
    if number is not None:
        return ld_response({"@context": CONTEXT, **shaped})
    embedded = None if PREFER_MINIMAL in prefer else shaped
    document = collection(iris(), total=found.total, page_size=PAGE_SIZE, first=embedded, iris_only=iris_only)
    answer = ld_response(document)
    if PREFER_MINIMAL in prefer or PREFER_IRIS in prefer:
        answer.headers["Preference-Applied"] = "return=representation"
    return answer


@bp.post("/annotations/")
def create() -> Response:
    """A new reflection from an Annotation: 201 with its Location and ETag."""
    viewer = _writer()
    reflection = create_reflection(people.database(), viewer, from_annotation(_document()))
    answer = ld_response(_annotation(reflection), status=201, etag=reflection.etag)
    answer.headers["Location"] = iris().annotation(reflection.id)
    return answer


@bp.get("/annotations/<reflection_id>")
def read(reflection_id: str) -> Response:
    """One annotation the caller may see (404 for any other, whether it exists or not)."""
    reflection = get_reflection(people.database(), people.viewer(), reflection_id)
    return ld_response(_annotation(reflection), etag=reflection.etag)


@bp.put("/annotations/<reflection_id>")
def replace(reflection_id: str) -> Response:
    """The author's new version of their reflection, given the ETag they last read."""
    viewer = _writer()
    expected = _if_match(reflection_id)
    draft = from_annotation(_document())
    reflection = update_reflection(people.database(), viewer, reflection_id, draft, expected_version=expected)
    return ld_response(_annotation(reflection), etag=reflection.etag)


@bp.delete("/annotations/<reflection_id>")
def remove(reflection_id: str) -> Response:
    """Delete the author's reflection with its links and history: 204."""
    viewer = _writer()
    delete_reflection(people.database(), viewer, reflection_id, expected_version=_if_match(reflection_id))
    return Response(status=204)


@bp.after_request
def _protocol_headers(response: Response) -> Response:
    """The LDP headers the protocol asks for, on every answer (errors and OPTIONS too)."""
    if request.path == "/annotations/":
        response.headers["Allow"] = CONTAINER_ALLOW
        response.headers["Accept-Post"] = MEDIA_TYPE
        response.headers["Link"] = f'<{LDP}BasicContainer>; rel="type", <{CONSTRAINED_BY}>; rel="{LDP}constrainedBy"'
    else:
        response.headers["Allow"] = ITEM_ALLOW
        response.headers["Link"] = f'<{LDP}Resource>; rel="type"'
    response.headers["Vary"] = "Accept, Prefer, Cookie"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def ld_response(document: dict[str, Any], *, status: int = 200, etag: str | None = None) -> Response:
    """The document as the protocol's JSON-LD, with a strong ETag (`etag`, or one of its bytes)."""
    body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    answer = Response(body, status=status, content_type=MEDIA_TYPE)
    answer.headers["ETag"] = etag or f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if status == 200:
        answer.make_conditional(request)  # 304 for a matching If-None-Match
    return answer


def _annotation(reflection: Reflection) -> dict[str, Any]:
    """The annotation as the caller sees it: with a name only on their own."""
    session = people.current_session()
    own = session is not None and session.account.id == reflection.author_id
    return to_annotation(reflection, iris(), author_name=session.account.name if own and session else None)


def _item(reflection: Reflection, iris_only: bool) -> Any:
    if iris_only:
        return iris().annotation(reflection.id)
    item = _annotation(reflection)
    del item["@context"]
    return item


def _page_number() -> int | None:
    given = request.args.get("page")
    if given is None:
        return None
    if not (given.isascii() and given.isdigit()) or len(given) > 9:  # "²".isdigit(), yet no int
        raise ApiError(400, f"page: expected a page number 0, 1, 2 …, not {given[:40]!r}")
    return int(given)


def _writer() -> Viewer:
    """The signed-in viewer of an unsafe request that carries its CSRF token; 401 for a visitor."""
    people.require_csrf()
    viewer = people.viewer()
    if viewer is None:
        raise ApiError(
            401,
            "sign in first: writing reflections needs a session (the cg_session cookie)",
            {"WWW-Authenticate": 'Cookie realm="conceptgraph"'},
        )
    return viewer


def _if_match(reflection_id: str) -> int | None:
    """The version If-Match names for this reflection; None for `*`. A tag of another
    reflection or a malformed one can never match (the storage layer answers 404 or 412)."""
    if "If-Match" not in request.headers:
        raise ApiError(428, "If-Match: send the ETag you last read of this annotation (GET it first)")
    if request.if_match.star_tag:
        return None
    for tag in request.if_match.as_set():
        found, _, version = tag.rpartition(".")
        if found == reflection_id and version.isdigit():
            return int(version)
    return -1


def _document() -> Any:
    """The request's JSON document; 415 for another media type, 400 when it is not JSON."""
    if request.mimetype not in JSON_TYPES:
        raise ApiError(415, f"Content-Type: expected {MEDIA_TYPE}, not {request.mimetype or 'none'!r}")
    body = request.get_data(cache=False)
    if request.content_length is None and len(body) >= (request.max_content_length or len(body) + 1):
        # a chunked body is cut off at the limit, not refused: say so rather than "not JSON"
        raise ApiError(413, f"body: larger than the {request.max_content_length} bytes this server accepts")
    try:
        return json.loads(body)
    except RecursionError:
        raise ApiError(400, "body: JSON nested too deeply (an Annotation needs a few levels)") from None
    except ValueError as error:  # not UTF-8, not JSON, or a number of more than 4300 digits
        raise ApiError(400, f"body: not JSON ({error})") from None
