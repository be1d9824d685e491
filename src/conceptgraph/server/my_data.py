"""A participant's own data: `GET /me/export` (JSON-LD, or `?format=md` Markdown) and erasure,
`DELETE /me` for programs and `GET`/`POST /me/delete` for a browser (a confirmation page first).

Erasure removes the account and everything they wrote (the storage layer's cascades) and clears
the session cookie. Every unsafe request carries the session's CSRF token (header or form field).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request

from conceptgraph.reflections.accounts import erase_account
from conceptgraph.reflections.annotation_json import CONTEXT, MEDIA_TYPE, creator_iri, timestamp, to_annotation
from conceptgraph.reflections.markdown_export import account_markdown
from conceptgraph.reflections.reading import export_account, own_reflections
from conceptgraph.reflections.sessions import Session
from conceptgraph.server import people
from conceptgraph.server.annotation_view import iris
from conceptgraph.server.http import ApiError
from conceptgraph.server.i18n import language
from conceptgraph.server.reflection_errors import answer_refusals

bp = Blueprint("my_data", __name__)
answer_refusals(bp)
FORMATS = ("jsonld", "md")
# The W3C context and ours, and what only the export says: when an earlier version was replaced,
# typed as the W3C context types `created` and `modified`.
EXPORT_CONTEXT: list[Any] = [*CONTEXT, {"cg:replacedAt": {"@type": "xsd:dateTime"}}]


@bp.get("/me/export")
def export() -> Response:
    """Everything stored about the signed-in person, as a download: JSON-LD or Markdown."""
    session = _session()
    wanted = request.args.get("format", "jsonld")
    if wanted not in FORMATS:
        raise ApiError(400, f"format: expected one of {', '.join(FORMATS)}, not {wanted[:20]!r}")
    data = export_account(people.database(), session.account.id)
    day = datetime.now(UTC).date().isoformat()
    if wanted == "md":
        body, media, name = account_markdown(data, language(), datetime.now(UTC)), "text/markdown", "md"
    else:
        body, media, name = json.dumps(_collection(session, data), ensure_ascii=False, indent=1), MEDIA_TYPE, "jsonld"
    answer = Response(body, content_type=f"{media}; charset=utf-8" if wanted == "md" else media)
    answer.headers["Content-Disposition"] = f'attachment; filename="conceptgraph-mine-data-{day}.{name}"'
    answer.headers["Cache-Control"] = "private, no-store"
    return answer


@bp.delete("/me")
def erase() -> Response:
    """Erase the account and all their writing: 204, and the session cookie cleared."""
    people.require_csrf()
    erase_account(people.database(), _session().account.id)
    answer = Response(status=204)
    people.clear_session_cookie(answer)
    return answer


@bp.get("/me/delete")
def confirm() -> str:
    """The page that asks before erasing (Danish, `?lang=en`)."""
    _session()
    return render_template("erasure/confirm.html")


@bp.post("/me/delete")
def erase_from_form() -> Response:
    """The confirmation form's erasure; a page saying it is done, the browser signed out."""
    people.require_csrf()
    erase_account(people.database(), _session().account.id)
    answer = Response(render_template("erasure/done.html"), mimetype="text/html")
    people.clear_session_cookie(answer)
    return answer


def _session() -> Session:
    """The signed-in session; 401 for a visitor (a browser gets the page in its language)."""
    found = people.current_session()
    if found is None:
        message = "sign in first: your data is shown to you only when you are signed in"
        raise ApiError(401, message, {"WWW-Authenticate": 'Cookie realm="conceptgraph"'}, text="erase_signed_out")
    return found


def _collection(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """Their reflections as an AnnotationCollection (earlier versions on each), and their account."""
    history = {entry["id"]: entry["history"] for entry in data["reflections"]}
    items = []
    for reflection in own_reflections(people.database(), session.account.viewer):
        item = to_annotation(reflection, iris(), author_name=session.account.name, context=False)
        item["cg:earlierVersions"] = [_earlier(row) for row in history.get(reflection.id, [])]
        items.append(item)
    return {
        "@context": EXPORT_CONTEXT,
        "id": f"{iris().root}/me/export",
        "type": "AnnotationCollection",
        "label": f"Everything conceptgraph stores about {session.account.name}",
        "cg:account": _account(session.account.id, data),
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def _account(account_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The account in terms a JSON-LD processor keeps: the same person as the annotations' creator
    (foaf:Person, foaf:name), cg:role, dcterms:created, and the cohort as a foaf:Group with its
    title (foaf:name) and slug (dcterms:identifier)."""
    account, cohort = data["account"], data["cohort"]
    return {
        "id": creator_iri(account_id),
        "type": "Person",
        "name": account["name"],
        "cg:role": account["role"],
        "created": timestamp(datetime.fromisoformat(account["created_at"])),
        "cg:cohort": {"type": "foaf:Group", "name": cohort["title"], "dcterms:identifier": cohort["slug"]},
    }


def _earlier(row: dict[str, Any]) -> dict[str, Any]:
    """One earlier version as it was: text, target, visibility, links, and when it was replaced."""
    links = json.loads(row["links"]) if isinstance(row["links"], str) else row["links"]
    return {
        "cg:version": row["version"],
        "cg:replacedAt": timestamp(datetime.fromisoformat(row["edited_at"])),
        "target": row["target"],
        "cg:visibility": row["visibility"],
        "body": [
            {"type": "TextualBody", "value": row["body"], "language": row["language"], "format": "text/plain"},
            *[
                {
                    "type": "SpecificResource",
                    "purpose": "linking",
                    "source": link["resource"],
                    "cg:rationale": link["rationale"],
                }
                for link in links
            ],
        ],
    }
