"""Writing, editing and deleting one's reflection in the browser (no script needed).

`/questions/<slug>/reflect` offers the question's own `cg:addresses` links as suggestions, each
with an empty reason for the participant to write; `/id/<slug>/reflect` starts a reflection from
any course resource (a concept, a text), offering what the course links it to that a reflection
can draw on (`course_refs.DRAWN_ON`); `/reflections/<id>/edit` the same form filled in. Before
saving, text or a link's reason that looks like a CPR or phone number is shown back with a warning
and saved only when the participant confirms that very text (a changed text is checked again).
Someone else's reflection is a 404 on these forms, shared or not: only its author edits it here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for

from conceptgraph.reflections.errors import CohortClosed, Invalid, LimitReached, NotAllowed, NotFound, VersionConflict
from conceptgraph.reflections.model import Draft, Link, Reflection
from conceptgraph.reflections.reading import get_reflection
from conceptgraph.reflections.visibility import Viewer
from conceptgraph.reflections.writing import create_reflection, delete_reflection, update_reflection
from conceptgraph.server import people
from conceptgraph.server.course_refs import iri_of, is_question, label_of, projection, slug_of, suggestions
from conceptgraph.server.http import ApiError
from conceptgraph.server.i18n import language
from conceptgraph.server.me import require_session
from conceptgraph.server.personal_numbers import confirmation_for, is_confirmed, warning_for
from conceptgraph.server.signin import lang_args, see_other

bp = Blueprint("reflect", __name__)


@bp.route("/questions/<slug>/reflect", methods=["GET", "POST"])
def write(slug: str) -> Any:
    """A new reflection on the question `slug`."""
    return _new(slug, is_question(slug))


@bp.route("/id/<slug>/reflect", methods=["GET", "POST"])
def write_about(slug: str) -> Any:
    """A new reflection that starts from any course resource `slug` (a concept, a text, a question)."""
    return _new(slug, slug in projection().graph)


def _new(slug: str, known: bool) -> Any:
    """The writing form for `slug`, or its saving; 404 unless `known`."""
    people.require_csrf()
    session = require_session()
    if not known:
        abort(404)
    form = _form_values(None) if request.method == "GET" else _posted()
    if request.method == "GET":
        return _form_page(slug, form)
    return _save(slug, form, lambda draft: create_reflection(people.database(), session.account.viewer, draft))


@bp.route("/reflections/<reflection_id>/edit", methods=["GET", "POST"])
def edit(reflection_id: str) -> Any:
    """Change my reflection; the earlier version stays in its history."""
    people.require_csrf()
    session = require_session()
    viewer = session.account.viewer
    old = _own(viewer, reflection_id)
    slug = slug_of(old.target) or ""
    if request.method == "GET":
        return _form_page(slug, _form_values(old), reflection=old)
    version = _version()
    return _save(
        slug,
        _posted(),
        lambda draft: update_reflection(people.database(), viewer, old.id, draft, expected_version=version),
        reflection=old,
    )


@bp.route("/reflections/<reflection_id>/delete", methods=["POST"])
def delete(reflection_id: str) -> Response:
    """Delete my reflection, its links and its history."""
    people.require_csrf()
    session = require_session()
    viewer = session.account.viewer
    old = _own(viewer, reflection_id)
    try:
        delete_reflection(people.database(), viewer, old.id, expected_version=_version())
    except VersionConflict as exc:
        raise ApiError(412, str(exc), text=_conflict_text(exc)) from None
    return see_other(url_for("me.me", **lang_args()))


def _own(viewer: Viewer, reflection_id: str) -> Reflection:
    """My reflection of that id; a 404 for anyone else's, shared or not."""
    try:
        found = get_reflection(people.database(), viewer, reflection_id)
    except NotFound:
        abort(404)
    if found.author_id != viewer.account_id:
        abort(404)
    return found


def _version() -> int | None:
    """The version the form was filled from; None without one. Only ASCII digits, and few: "²"
    passes isdigit() and no int(), as do 5,000 digits."""
    given = request.form.get("version", "")
    return int(given) if given.isascii() and given.isdigit() and len(given) <= 9 else None


def _form_values(reflection: Reflection | None) -> dict[str, Any]:
    if reflection is None:
        return {"text": "", "language": language(), "visibility": "private", "reasons": {}, "confirm": ""}
    reasons = {slug_of(link.resource) or link.resource: link.rationale for link in reflection.links}
    return {
        "text": reflection.text,
        "language": reflection.language,
        "visibility": reflection.visibility,
        "reasons": reasons,
        "confirm": "",
    }


def _posted() -> dict[str, Any]:
    """The form as posted: the checked links with the reasons written for them."""
    form = request.form
    return {
        "text": form.get("text", ""),
        "language": form.get("language", "da"),
        "visibility": form.get("visibility", "private"),
        "reasons": {slug: form.get(f"reason-{slug}", "") for slug in form.getlist("link")},
        "confirm": form.get("confirm", ""),
    }


def _draft(slug: str, values: dict[str, Any]) -> Draft:
    graph = projection().graph
    links = []
    for linked, reason in values["reasons"].items():
        if linked not in graph:
            raise Invalid("links", f"{linked!r} is not a course resource")
        links.append(Link(iri_of(linked), reason))
    return Draft(iri_of(slug), values["text"], values["language"], values["visibility"], tuple(links))


def _written(values: dict[str, Any]) -> str:
    """All the participant wrote on the form: the text and the reason of every checked link,
    each of which is stored and shown like the text, so each is checked for personal numbers."""
    return "\n".join([values["text"], *values["reasons"].values()])


def _save(slug: str, values: dict[str, Any], store: Any, reflection: Reflection | None = None) -> Response:
    written = _written(values)
    warning = warning_for(written)
    if warning and not is_confirmed(written, values["confirm"]):
        confirm = confirmation_for(written)
        return _form_page(slug, values, reflection=reflection, warning=warning, confirm=confirm, status=422)
    try:
        saved = store(_draft(slug, values))
    except Invalid as exc:
        key = "invalid_links" if exc.field.startswith("links") else f"invalid_{exc.field}"
        return _form_page(slug, values, reflection=reflection, error=key, status=422)
    except VersionConflict as exc:
        return _form_page(slug, values, reflection=reflection, error=_conflict_text(exc), status=412)
    except LimitReached as exc:
        key, limit = LIMIT_TEXTS[exc.setting], {"limit": _readable(exc.setting, exc.limit)}
        return _form_page(slug, values, reflection=reflection, error=key, error_values=limit, status=409)
    except CohortClosed:
        raise ApiError(409, "the cohort is closed", text="cohort_closed") from None
    except NotAllowed:
        abort(404)
    return see_other(url_for("me.me", **lang_args()) + f"#reflection-{saved.id}")


# The message each of the account's limits gives on the form (texts.py), which keeps the text.
LIMIT_TEXTS = {"max_reflections_per_account": "reflection_limit", "max_account_bytes": "storage_limit"}


def _readable(setting: str, limit: int) -> str:
    """A limit as the form says it: a number of reflections, or of bytes in kB or MB."""
    if setting != "max_account_bytes":
        return str(limit)
    for unit, size in (("MB", 1024 * 1024), ("kB", 1024)):
        if limit >= size:
            return f"{round(limit / size)} {unit}"
    return f"{limit} bytes"


def _conflict_text(conflict: VersionConflict) -> str:
    """Changed meanwhile, or deleted meanwhile: the message that is true."""
    return "version_gone" if conflict.current is None else "version_conflict"


def _form_page(slug: str, values: dict[str, Any], *, status: int = 200, **extra: Any) -> Response:
    lang = language()
    offered_links = suggestions(slug, lang) if slug in projection().graph else []
    offered = {s["slug"] for s in offered_links}
    offered_links += [
        {"slug": s, "label": label_of(iri_of(s), lang), "kind": "", "rationale": ""}
        for s in values["reasons"]
        if s not in offered and s in projection().graph
    ]
    body = render_template(
        "people/reflect.html",
        question={"slug": slug, "label": label_of(iri_of(slug), lang)},
        values=values,
        suggestions=offered_links,
        **{"reflection": None, "warning": None, "confirm": None, "error": None, "error_values": {}, **extra},
    )
    return Response(body, status=status, mimetype="text/html")
