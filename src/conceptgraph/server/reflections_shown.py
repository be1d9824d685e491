"""Reflections as the pages show them, and the ones a page about a course resource lists.

`shown` turns a stored reflection into what a template needs (labels, slugs, whose it is);
templates of `/id/<slug>` and `/questions` call `reflections_about(slug)`, which loads what the
signed-in viewer may see once per request (their own and their cohort's shared ones) and is
empty for a visitor. Text goes to templates as plain strings: Jinja escapes it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

from conceptgraph.reflections.model import Reflection
from conceptgraph.reflections.reading import load_reflections
from conceptgraph.reflections.visibility import Viewer
from conceptgraph.server import people
from conceptgraph.server.course_refs import is_question, label_of, slug_of
from conceptgraph.server.i18n import language

bp = Blueprint("reflections_shown", __name__)


def shown(reflection: Reflection, viewer: Viewer | None, lang: str) -> dict[str, Any]:
    """What a page shows of one reflection."""
    return {
        "id": reflection.id,
        "text": reflection.text,
        "language": reflection.language,
        "visibility": reflection.visibility,
        "version": reflection.version,
        "mine": viewer is not None and reflection.author_id == viewer.account_id,
        "created": reflection.created_at.strftime("%Y-%m-%d %H:%M"),
        "target": slug_of(reflection.target),
        "target_label": label_of(reflection.target, lang),
        "links": [
            {"slug": slug_of(link.resource), "label": label_of(link.resource, lang), "rationale": link.rationale}
            for link in reflection.links
        ],
    }


def _visible() -> list[dict[str, Any]]:
    """Everything the request's viewer may see, loaded once per request; [] for a visitor."""
    if "cg_visible_reflections" not in g:
        viewer = people.viewer()
        found: list[Reflection] = []
        if viewer is not None:
            with people.database().read() as connection:
                found = load_reflections(connection, viewer)
        g.cg_visible_reflections = [shown(r, viewer, language()) for r in found]
    visible: list[dict[str, Any]] = g.cg_visible_reflections
    return visible


def reflections_about(slug: str, *, answers_only: bool = False) -> dict[str, Any]:
    """The viewer's reflections and the cohort's shared ones on `slug` (its target or a link).

    `answers_only` keeps those answering `slug`: a page listing many resources (`/questions`)
    shows each reflection once, under the question it answers, and not again under every
    question it links, which let one participant's 30 links multiply the page for the cohort."""
    about = [
        r
        for r in _visible()
        if r["target"] == slug or (not answers_only and any(link["slug"] == slug for link in r["links"]))
    ]
    mine = [r for r in about if r["mine"]]
    return {"items": about, "mine": len(mine), "shared": len(about) - len(mine)}


def my_reflections_on(slug: str) -> list[dict[str, Any]]:
    """The viewer's own reflections answering `slug` (its target), for a question's path view."""
    return [r for r in _visible() if r["mine"] and r["target"] == slug]


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"reflections_about": reflections_about, "my_reflections_on": my_reflections_on, "is_question": is_question}


@bp.after_app_request
def _private_when_signed_in(response: Any) -> Any:
    """A page that may show someone's reflections is never kept by a shared cache."""
    if "cg_session" in g and g.cg_session is not None:
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
    return response
