"""`GET /me/map-layer`: the "Mine refleksioner" layer of the map, for a signed-in viewer only.

Their own reflections and their cohort's shared ones as extra nodes, each linked to the question
it answers and to the resources it draws on (with the reason as the edge's tooltip), and the page
that shows it (`page`), which the map opens for it instead of a map view. The map script draws
them only when the participant turns the layer on; a visitor gets a 401 and the page loads no
layer script at all.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from conceptgraph.reflections.reading import load_reflections
from conceptgraph.server import people
from conceptgraph.server.http import ApiError
from conceptgraph.server.i18n import language, translate
from conceptgraph.server.reflections_shown import shown

bp = Blueprint("map_layer", __name__)

LABEL_CHARS = 40


@bp.route("/me/map-layer")
def map_layer() -> Response:
    """The layer's nodes and edges as JSON (text, never markup: the script sets textContent)."""
    viewer = people.viewer()
    if viewer is None:
        raise ApiError(401, "sign in first: the reflections layer shows a signed-in participant's reflections")
    lang = language()
    with people.database().read() as connection:
        found = [shown(r, viewer, lang) for r in load_reflections(connection, viewer)]
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for item in found:
        node = f"reflection:{item['id']}"
        text = item["text"]
        nodes.append(
            {
                "id": node,
                "label": text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…",
                "text": text,
                "mine": item["mine"],
                "shared": item["visibility"] == "cohort",
                "page": _page(item),
            }
        )
        if item["target"]:
            edges.append({"from": node, "to": item["target"], "label": translate("reflect_title", lang)})
        edges += [
            {"from": node, "to": link["slug"], "label": link["rationale"]} for link in item["links"] if link["slug"]
        ]
    return jsonify(label=translate("nav_me", lang), kind=translate("reflections_here", lang), nodes=nodes, edges=edges)


def _page(item: dict[str, Any]) -> str | None:
    """Where the reflection is shown: on /me for its author, else on the page of the course
    resource it answers (or the first it links to); None when it touches no course resource."""
    anchor = f"#reflection-{item['id']}"
    if item["mine"]:
        return f"/me{anchor}"
    shown_on = [item["target"], *(link["slug"] for link in item["links"])]
    return next((f"/id/{slug}{anchor}" for slug in shown_on if slug), None)
