"""`GET /`: the start page, where a participant learns what this is and where to begin.

It names the course and the session (title, date, guest), lists the day's reflection questions
by set with what each builds on and a link to its path, the texts with their authors and the
themes, and opens two doors: the map and the day's guided tour. Read from the projection and the
store, once per language; a link that carries map parameters (an old `/?focus=…` link) still
opens that map view.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from conceptgraph.graph.describe import label, text_of
from conceptgraph.graph.listing import of_class, question_sets, texts, themes
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.tours import read_tours
from conceptgraph.graph.views import view_arguments
from conceptgraph.server.i18n import language, translate
from conceptgraph.store.interface import GraphStore

bp = Blueprint("start", __name__)


@bp.route("/")
def home() -> ResponseReturnValue:
    """The start page; with map parameters (other than lang), that map view."""
    args = view_arguments(request.args)
    if set(args) - {"lang"}:
        return redirect(url_for("explore.map_view", **cast(dict[str, Any], args)))
    service = current_app.extensions["conceptgraph"]
    lang = language()
    content = service.memo(("start", lang), lambda: start_content(service, lang))
    return Response(render_template("start/index.html", **content), mimetype="text/html")


def tours_of(service: Any) -> dict[str, Any]:
    """The service's tours by slug, read from its store once (until its data changes)."""
    return cast(dict[str, Any], service.memo(("tours",), lambda: read_tours(service.store, service.base)))


def start_content(service: Any, lang: str) -> dict[str, Any]:
    """What the start page shows, in `lang`."""
    projection: Projection = service.projection
    lang_arg = {"lang": "en"} if lang == "en" else {}
    sets = question_sets(projection, lang)
    for question_set in sets:
        for item in question_set["questions"]:
            item["path_url"] = "/map?" + urlencode({"path": item["slug"], **lang_arg})
    courses = of_class(projection, "Course")
    tours = [
        {"slug": t.slug, "label": text_of(t.label, lang), "steps": len(t.steps), "session": t.session}
        for t in tours_of(service).values()
    ]
    return {
        "course": label(projection, courses[0], lang) if courses else "",
        "sessions": [_session(projection, service.store, s, lang) for s in of_class(projection, "Session")],
        "sets": sets,
        "texts": texts(projection, lang),
        "themes": themes(projection, lang),
        "tours": tours,
        "lang_query": "?" + urlencode(lang_arg) if lang_arg else "",
    }


def _session(projection: Projection, store: GraphStore, slug: str, lang: str) -> dict[str, Any]:
    graph = projection.graph
    guests = sorted(v for _, v, k in graph.out_edges(slug, keys=True) if k == "cg:guest")
    return {
        "slug": slug,
        "label": label(projection, slug, lang),
        "date": _date(store, graph.nodes[slug]["iri"], lang),
        "guests": [{"slug": g, "label": label(projection, g, lang)} for g in guests],
    }


def _date(store: GraphStore, iri: str, lang: str) -> str:
    """The session's date as the slides give it (day and month, no year), e.g. "8. september"."""
    rows = list(store.select(f"SELECT ?d WHERE {{ <{iri}> <http://purl.org/dc/terms/date> ?d }}"))
    if not rows:
        return ""
    value = rows[0]["d"].value  # xsd:gMonthDay, "--09-08"
    month, day = int(value[2:4]), int(value[5:7])
    name = translate("months", lang).split()[month - 1]
    return f"{day}. {name}" if lang == "da" else f"{day} {name}"
