"""`GET /me`: a participant's own page — their reflections by question, what they have not
answered yet, and the ways to take their data with them or erase it. JSON when asked (name,
cohort, role and the CSRF token a script needs for unsafe requests)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from conceptgraph.reflections.reading import own_reflections
from conceptgraph.reflections.sessions import Session
from conceptgraph.server import people
from conceptgraph.server.course_refs import questions
from conceptgraph.server.http import ApiError, explicit_quality
from conceptgraph.server.i18n import language
from conceptgraph.server.reflections_shown import shown
from conceptgraph.server.signin import lang_args, see_other

bp = Blueprint("me", __name__)


def wants_json() -> bool:
    """Whether the client prefers JSON to HTML."""
    accept = request.accept_mimetypes
    return explicit_quality(accept, "application/json") > explicit_quality(accept, "text/html")


def require_session() -> Session:
    """The request's session; otherwise aborts with a redirect to /signin (a browser) or a 401 (a program)."""
    found = people.current_session()
    if found is not None:
        return found
    if wants_json() or request.method != "GET":
        raise ApiError(401, "sign in first: this page is a signed-in participant's own")
    abort(see_other(url_for("signin.signin", **lang_args())))


@bp.route("/me")
def me() -> Any:
    """My reflections by question and the questions I have not answered."""
    session = require_session()
    account = session.account
    if wants_json():
        return jsonify(name=account.name, cohort=account.cohort_slug, role=account.role, csrf_token=session.csrf_token)
    lang = language()
    viewer = account.viewer
    mine = [shown(r, viewer, lang) for r in own_reflections(people.database(), viewer)]
    course = questions(lang)
    answered = {r["target"] for r in mine}
    by_question = [(q, [r for r in mine if r["target"] == q["slug"]]) for q in course]
    known = {q["slug"] for q in course}
    body = render_template(
        "people/me.html",
        account=account,
        by_question=[(q, items) for q, items in by_question if items],
        other=[r for r in mine if r["target"] not in known],
        unanswered=[q for q in course if q["slug"] not in answered],
        total=len(mine),
    )
    return Response(body, mimetype="text/html")
