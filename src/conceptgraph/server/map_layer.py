"""`GET /me/map-layer`: the "Mine refleksioner" layer of the map, for a signed-in viewer only.

Their own reflections and their cohort's shared ones as extra nodes, each linked to the question
it answers and to the resources it draws on (with the reason as the edge's tooltip), and the page
that shows it (`page`), which the map opens for it instead of a map view. The map script draws
them only when the participant turns the layer on; a visitor gets a 401 and the page loads no
layer script at all.

A view draws only part of the course (the overview 18 nodes), so the layer also carries every
course resource a reflection links to (`resources`), drawn as the map draws its own nodes; the
script adds the ones the view lacks. `?overview=1` asks for them, and for the reflections'
labels, as the overview draws them (boxes, narrower lines).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from conceptgraph.graph.describe import details
from conceptgraph.graph.render import course_node, line_width, wrap
from conceptgraph.reflections.reading import load_reflections
from conceptgraph.server import people
from conceptgraph.server.course_refs import projection
from conceptgraph.server.http import ApiError
from conceptgraph.server.i18n import language, translate
from conceptgraph.server.reflections_shown import shown

bp = Blueprint("map_layer", __name__)

LABEL_CHARS = 40


@bp.route("/me/map-layer")
def map_layer() -> Response:
    """The layer's nodes, edges and linked course resources as JSON (text, never markup: the
    script sets textContent)."""
    viewer = people.viewer()
    if viewer is None:
        raise ApiError(401, "sign in first: the reflections layer shows a signed-in participant's reflections")
    lang = language()
    overview = request.args.get("overview") in ("1", "true")
    with people.database().read() as connection:
        found = [shown(r, viewer, lang) for r in load_reflections(connection, viewer)]
    nodes = [_node(item, overview) for item in found]
    edges: list[dict[str, Any]] = []
    for item in found:
        node = f"reflection:{item['id']}"
        if item["target"]:
            edges.append({"from": node, "to": item["target"], "label": translate("reflect_title", lang)})
        edges += [
            {"from": node, "to": link["slug"], "label": link["rationale"]} for link in item["links"] if link["slug"]
        ]
    return jsonify(
        label=translate("nav_me", lang),
        kind=translate("reflections_here", lang),
        nodes=nodes,
        edges=edges,
        resources=_resources(sorted({e["to"] for e in edges}), lang, overview),
    )


def _node(item: dict[str, Any], overview: bool) -> dict[str, Any]:
    """One reflection as a node: its start as the label, wrapped as the view wraps labels."""
    text = item["text"]
    start = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return {
        "id": f"reflection:{item['id']}",
        "label": wrap(start, line_width(overview=overview)),
        "text": text,
        "mine": item["mine"],
        "shared": item["visibility"] == "cohort",
        "page": _page(item),
    }


def _resources(slugs: list[str], lang: str, overview: bool) -> dict[str, dict[str, Any]]:
    """Each linked course resource as the map draws it (`node`: vis-network's options without a
    position) and what its tooltip and side panel show (`details`)."""
    course = projection()
    return {
        slug: {
            "node": course_node(course.graph, slug, lang, overview=overview),
            "details": details(course, slug, lang),
        }
        for slug in slugs
    }


def _page(item: dict[str, Any]) -> str | None:
    """Where the reflection is shown: on /me for its author, else on the page of the course
    resource it answers (or the first it links to); None when it touches no course resource."""
    anchor = f"#reflection-{item['id']}"
    if item["mine"]:
        return f"/me{anchor}"
    shown_on = [item["target"], *(link["slug"] for link in item["links"])]
    return next((f"/id/{slug}{anchor}" for slug in shown_on if slug), None)
