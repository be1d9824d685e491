"""`/id/<slug>`: one page per resource, and the same URL as RDF for machines.

The HTML page shows the resource with its links and reasons and a small map; `Accept:
text/turtle`, `application/ld+json` or `application/n-triples` gets the resource's description as
RDF (as do the `.ttl`, `.jsonld`, `.json` and `.nt` twins), so the dataset's IRIs dereference.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from conceptgraph.graph.describe import details, links
from conceptgraph.graph.render import legend, network_data
from conceptgraph.graph.views import parse_view, select
from conceptgraph.server.http import explicit_quality
from conceptgraph.server.i18n import language
from conceptgraph.server.mistakes import unknown_resource
from conceptgraph.sparql.formats import GRAPH_TYPES, content_type
from conceptgraph.store.interface import bounded, serialised

bp = Blueprint("pages", __name__)

RDF_TYPES = ("text/turtle", "application/ld+json", "application/n-triples")
TWINS = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".nt": "application/n-triples",
}
PAGE_MAP_NODES = 60  # the small map on a resource page


@bp.route("/id/<path:slug>")
def resource(slug: str) -> Response:
    """The resource page, or its RDF description when the client asks for RDF."""
    service = current_app.extensions["conceptgraph"]
    media_type = None
    for suffix, twin in TWINS.items():
        if slug.endswith(suffix):
            slug, media_type = slug[: -len(suffix)], twin
            break
    projection = service.projection
    if slug not in projection.graph:
        raise unknown_resource(projection, slug)
    media_type = media_type or _negotiate()
    if media_type is not None:
        body, truncated = _describe(service, slug, media_type)
        response = Response(body, content_type=content_type(media_type))
        if truncated:
            response.headers["X-Conceptgraph-Truncated"] = f"true; {truncated}"
    else:
        response = Response(_page(service, slug), mimetype="text/html")
    response.vary.add("Accept")
    return response


def _negotiate() -> str | None:
    """An RDF media type when the client prefers one to HTML, else None (the page)."""
    accept = request.accept_mimetypes
    html = max(explicit_quality(accept, "text/html"), explicit_quality(accept, "application/xhtml+xml"))
    best = max(RDF_TYPES, key=lambda t: explicit_quality(accept, t))
    return best if explicit_quality(accept, best) > html else None


def _describe(service: Any, slug: str, media_type: str) -> tuple[bytes, str]:
    """The resource's triples (bounded like the endpoint's answers: MAX_ROWS and MAX_RESULT_BYTES,
    read lazily), and what cut them short ("" when nothing did)."""
    iri = f"<{service.base}id/{slug}>"
    query = f"""CONSTRUCT {{ {iri} ?p ?o . ?s ?q {iri} . ?st ?sp ?so }} WHERE {{
        {{ {iri} ?p ?o }} UNION {{ ?s ?q {iri} }}
        UNION {{ ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> {iri} ; ?sp ?so }} }}"""
    settings = service.settings
    triples, truncated = bounded(
        service.store.construct(query), max_rows=settings["max_rows"], max_bytes=settings["max_result_bytes"]
    )
    return serialised(ox.serialize(triples, format=GRAPH_TYPES[media_type])), truncated


def _page(service: Any, slug: str) -> str:
    """The resource page; what it draws is computed once per resource and language (a hub's
    neighbourhood costs half a second), the template is filled for each request."""
    lang = language()
    args = {"focus": slug, "depth": "1", **({"lang": "en"} if lang == "en" else {})}
    content = service.memo(("resource", slug, lang), lambda: _page_content(service.projection, slug, lang, args))
    twins = [(suffix, twin) for suffix, twin in TWINS.items() if suffix != ".json"]
    return render_template("explore/resource.html", **content, twins=twins, map_args=args)


def _page_content(projection: Any, slug: str, lang: str, args: dict[str, str]) -> dict[str, Any]:
    view = select(projection, parse_view(args, projection), max_nodes=PAGE_MAP_NODES)
    data = network_data(projection, view)
    data["details"] = {s: details(projection, s, lang) for s in view.nodes}
    data["summaries"] = {}
    data["focus"] = slug
    data["view"] = view.params.query_args()
    return {
        "item": details(projection, slug, lang),
        "links": links(projection, slug, lang),
        "data": data,
        "legend": legend(view, projection),
    }
