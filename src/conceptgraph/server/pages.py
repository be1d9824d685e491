"""`/id/<slug>`: one page per resource, and the same URL as RDF for machines.

The HTML page shows the resource with its links and reasons and a small map; `Accept:
text/turtle`, `application/ld+json` or `application/n-triples` gets the resource's description as
RDF (as do the `.ttl`, `.jsonld`, `.json` and `.nt` twins), so the dataset's IRIs dereference.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from conceptgraph.describe import details, links
from conceptgraph.render import legend, network_data
from conceptgraph.server.http import ApiError, explicit_quality
from conceptgraph.server.i18n import language
from conceptgraph.sparql.formats import GRAPH_TYPES, content_type
from conceptgraph.store import serialised
from conceptgraph.views import parse_view, search, select

bp = Blueprint("pages", __name__)

RDF_TYPES = ("text/turtle", "application/ld+json", "application/n-triples")
TWINS = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".nt": "application/n-triples",
}


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
        hints = search(projection, slug.replace("-", " "), limit=5)
        raise ApiError(
            404,
            f"no resource '{slug}' in the course" + (f"; perhaps: {', '.join(s for s, _ in hints)}" if hints else ""),
        )
    media_type = media_type or _negotiate()
    if media_type is not None:
        response = Response(_describe(service, slug, media_type), content_type=content_type(media_type))
    else:
        response = Response(_page(projection, slug), mimetype="text/html")
    response.vary.add("Accept")
    return response


def _negotiate() -> str | None:
    """An RDF media type when the client prefers one to HTML, else None (the page)."""
    accept = request.accept_mimetypes
    html = max(explicit_quality(accept, "text/html"), explicit_quality(accept, "application/xhtml+xml"))
    best = max(RDF_TYPES, key=lambda t: explicit_quality(accept, t))
    return best if explicit_quality(accept, best) > html else None


def _describe(service: Any, slug: str, media_type: str) -> bytes:
    iri = f"<{service.base}id/{slug}>"
    query = f"""CONSTRUCT {{ {iri} ?p ?o . ?s ?q {iri} . ?st ?sp ?so }} WHERE {{
        {{ {iri} ?p ?o }} UNION {{ ?s ?q {iri} }}
        UNION {{ ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> {iri} ; ?sp ?so }} }}"""
    return serialised(ox.serialize(list(service.store.construct(query)), format=GRAPH_TYPES[media_type]))


def _page(projection: Any, slug: str) -> str:
    lang = language()
    args = {"focus": slug, "depth": "1", **({"lang": "en"} if lang == "en" else {})}
    view = select(projection, parse_view(args, projection), max_nodes=60)
    data = network_data(projection, view)
    data["details"] = {s: details(projection, s, lang) for s in view.nodes}
    data["summaries"] = {}
    data["focus"] = slug
    data["view"] = view.params.query_args()
    twins = [(suffix, twin) for suffix, twin in TWINS.items() if suffix != ".json"]
    return render_template(
        "explore/resource.html",
        item=details(projection, slug, lang),
        links=links(projection, slug, lang),
        data=data,
        legend=legend(view, projection),
        twins=twins,
        map_args=args,
    )
