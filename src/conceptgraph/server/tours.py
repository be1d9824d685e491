"""`GET /tour/<slug>?step=N`: a guided tour, one step per URL, the map beside the text.

Each step is the map page in embed mode (the same view a `/map` URL gives, so what the tour shows
is what the map shows) in a frame beside the step's text, with links to the previous and next
step (and the arrow keys, web/static/js/tour.js). `?print=1` gives every step on one page for
print. `/tour` is the first tour, so a menu can link to it without knowing its name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue

from conceptgraph.graph.describe import text_of
from conceptgraph.graph.tours import Step, Tour
from conceptgraph.graph.views import ViewError, parse_view
from conceptgraph.server.http import ApiError
from conceptgraph.server.i18n import language
from conceptgraph.server.mistakes import unknown_name, view_mistake
from conceptgraph.server.start import tours_of

bp = Blueprint("tours", __name__)


def _lang_arg() -> dict[str, str]:
    return {"lang": "en"} if language() == "en" else {}


def step_url(slug: str, rank: int | None = None, **extra: str) -> str:
    """The URL of a tour's step (its first when `rank` is None), in the request's language."""
    args = {**({"step": str(rank)} if rank is not None else {}), **extra, **_lang_arg()}
    return f"/tour/{slug}" + ("?" + urlencode(args) if args else "")


@bp.route("/tour")
def first_tour() -> ResponseReturnValue:
    """The first tour (the day's, while the course has one)."""
    tours = tours_of(current_app.extensions["conceptgraph"])
    if not tours:
        raise ApiError(404, "the course has no guided tour", text="unknown_tour", values={"name": ""})
    return redirect(step_url(next(iter(tours))))


@bp.route("/tour/<slug>/<step>")
def step_iri(slug: str, step: str) -> ResponseReturnValue:
    """A step's IRI (`<base>tour/<slug>/<step>`) dereferences to its page."""
    tour = _tour(slug)
    for found in tour.steps:
        if found.slug == step:
            return redirect(step_url(slug, found.rank))
    known = {s.slug: [s.slug, *s.title.values()] for s in tour.steps}
    labels = {s.slug: text_of(s.title, language()) for s in tour.steps}
    message = f"tour '{slug}' has no step '{step}'"
    raise unknown_name(message, "not_found_name", step, known, lambda s: f"/tour/{slug}/{s}", labels)


@bp.route("/tour/<slug>")
def tour(slug: str) -> Response:
    """One step of the tour (`step`, from 1), or the whole tour for print (`print=1`)."""
    found = _tour(slug)
    lang = language()
    if request.args.get("print") in ("1", "true"):
        steps = [_step_content(found, step, lang) for step in found.steps]
        body = render_template("tour/print.html", tour=_tour_content(found, lang), steps=steps)
        return Response(body, mimetype="text/html")
    step = _chosen(found, request.args.get("step"))
    body = render_template("tour/step.html", tour=_tour_content(found, lang), step=_step_content(found, step, lang))
    return Response(body, mimetype="text/html")


def _tour(slug: str) -> Tour:
    """The tour named `slug`; raises a 404 offering the nearest tours."""
    tours = tours_of(current_app.extensions["conceptgraph"])
    if slug in tours:
        return tours[slug]
    known = {s: [s, *t.label.values()] for s, t in tours.items()}
    labels = {s: text_of(t.label, language()) for s, t in tours.items()}
    query = "?" + urlencode(_lang_arg()) if _lang_arg() else ""
    message = f"no tour '{slug}'; the tours are: {', '.join(tours)}"
    raise unknown_name(message, "unknown_tour", slug, known, lambda s: f"/tour/{s}{query}", labels)


def _chosen(tour: Tour, asked: str | None) -> Step:
    """The step `?step=` names (1 when absent); 400 when it is no number, 404 when out of range."""
    last = len(tour.steps)
    if asked is None or asked == "":
        return tour.steps[0]
    values = {"value": asked, "last": str(last)}
    message = f"step: '{asked}' is not a step number from 1 to {last}"
    if not asked.isdigit():
        raise ApiError(400, message, text="bad_step", values=values)
    if not 1 <= int(asked) <= last:
        links = [
            {
                "href": step_url(tour.slug, n),
                "label": text_of(tour.steps[n - 1].title, language()),
                "kind": "",
            }
            for n in sorted({1, last})
        ]
        raise ApiError(404, message, text="bad_step", values=values, suggestions=links)
    return tour.steps[int(asked) - 1]


def _tour_content(tour: Tour, lang: str) -> dict[str, Any]:
    return {
        "slug": tour.slug,
        "label": text_of(tour.label, lang),
        "total": len(tour.steps),
        "steps": [{"rank": s.rank, "title": text_of(s.title, lang)} for s in tour.steps],
    }


def _step_content(tour: Tour, step: Step, lang: str) -> dict[str, Any]:
    """A step with the URLs of its view (full map and embedded) and of its neighbours."""
    service = current_app.extensions["conceptgraph"]
    view = {**step.view, **_lang_arg()}
    try:
        parse_view(view, service.projection)  # the data may have changed under a remote store
    except ViewError as exc:
        raise view_mistake(service.projection, exc, view) from None
    total = len(tour.steps)
    return {
        "rank": step.rank,
        "title": text_of(step.title, lang),
        "text": text_of(step.text, lang),
        "section": step.section,
        "map_url": "/map?" + urlencode(view) if view else "/map",
        "embed_url": "/map?" + urlencode({**view, "embed": "1"}),
        "previous": step_url(tour.slug, step.rank - 1) if step.rank > 1 else "",
        "next": step_url(tour.slug, step.rank + 1) if step.rank < total else "",
        "url": step_url(tour.slug, step.rank),
    }
