"""`/map`, `/questions` and `/api/search`: where participants explore the course.

Every view is rendered on the server from its URL parameters, so a pasted link or the back
button restores it exactly; the page's script only draws and navigates.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from conceptgraph.graph.describe import details, label, neighbour_summary, text_of
from conceptgraph.graph.listing import question_sets
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.render import class_name, legend, network_data
from conceptgraph.graph.views import (
    View,
    ViewError,
    ViewParams,
    belonging,
    parse_view,
    search,
    select,
    view_arguments,
)
from conceptgraph.server.http import CSP
from conceptgraph.server.i18n import language
from conceptgraph.server.mistakes import no_match, view_mistake
from conceptgraph.vocab import sparql_prologue

bp = Blueprint("explore", __name__)

EXPORT_NAMES = {
    "da": [
        ("png", "Billede (PNG) til slides"),
        ("pdf", "PDF til print"),
        ("svg", "SVG"),
        ("html", "Interaktivt kort i én fil (HTML)"),
        ("handout", "Handout med spørgsmålene (PDF)"),
        ("handout-md", "Handout (Markdown)"),
        ("gexf", "Gephi (GEXF)"),
        ("graphml", "yEd/Gephi (GraphML)"),
        ("csv", "Regneark (CSV i zip)"),
        ("json", "JSON"),
        ("ttl", "RDF (Turtle)"),
        ("jsonld", "RDF (JSON-LD)"),
        ("nt", "RDF (N-Triples)"),
    ],
    "en": [
        ("png", "Picture (PNG) for slides"),
        ("pdf", "PDF for print"),
        ("svg", "SVG"),
        ("html", "Interactive map in one file (HTML)"),
        ("handout", "Handout of the questions (PDF)"),
        ("handout-md", "Handout (Markdown)"),
        ("gexf", "Gephi (GEXF)"),
        ("graphml", "yEd/Gephi (GraphML)"),
        ("csv", "Spreadsheet (CSV in a zip)"),
        ("json", "JSON"),
        ("ttl", "RDF (Turtle)"),
        ("jsonld", "RDF (JSON-LD)"),
        ("nt", "RDF (N-Triples)"),
    ],
}


def _projection() -> Projection:
    projection: Projection = current_app.extensions["conceptgraph"].projection
    return projection


@bp.route("/map")
def map_view() -> Response | Any:
    """The concept map for the view the URL describes."""
    projection = _projection()
    args = view_arguments(request.args)
    if request.args.getlist("type"):  # the filter form's checkboxes
        args["types"] = ",".join([*request.args.getlist("type"), args.get("types", "")]).strip(",")
    if request.args.get("q") and not request.args.get("focus"):
        return _search_redirect(projection, request.args["q"], args)
    named = _resolve_ends(projection, args)
    if named != args:  # "Hvordan hænger X og Y sammen?" typed by name, without the page's script
        return redirect(url_for("explore.map_view", **cast(dict[str, Any], named)))
    try:
        params = parse_view(args, projection, default_overview=True)
    except ViewError as exc:
        raise view_mistake(projection, exc, args) from None
    service = current_app.extensions["conceptgraph"]
    view, data = service.memo(("map", params), lambda: _map_data(projection, params, service.settings))
    lang = params.lang
    body = render_template(
        "explore/map.html",
        data=data,
        view=view,
        params=params,
        legend=legend(view, projection),
        explanations=_explanations(projection, view),
        filters=_filters(projection, lang),
        sparql=view_query(view, projection.base),
        node_labels={s: label(projection, s, lang) for s in view.nodes},
        export_formats=EXPORT_NAMES[lang],
        course_size=len(projection.graph),
    )
    response = Response(body, mimetype="text/html")
    if params.embed:  # the course platform and slide tools frame embedded views
        ancestors = service.settings["embed_ancestors"]
        response.headers["Content-Security-Policy"] = CSP.replace(
            "frame-ancestors 'self'", f"frame-ancestors {ancestors}"
        )
    return response


def _map_data(projection: Projection, params: ViewParams, settings: dict[str, Any]) -> tuple[View, dict[str, Any]]:
    """The selected view and everything the page's script needs to draw it."""
    view = select(projection, params, max_nodes=settings["map_max_nodes"])
    lang = params.lang
    data = network_data(projection, view)
    data["details"] = {slug: details(projection, slug, lang) for slug in view.nodes}
    data["summaries"] = {slug: neighbour_summary(projection, slug, lang) for slug in view.nodes}
    data["focus"] = params.focus or params.path or params.source or ""
    data["view"] = params.query_args()
    if params.overview:
        data["open"] = _openings(projection, view, lang)
    return view, data


def _openings(projection: Projection, view: View, lang: str) -> dict[str, dict[str, Any]]:
    """For each theme and text of the overview: the view it opens into and how much that holds."""
    graph = projection.graph
    found = {}
    for slug in view.nodes:
        cls = graph.nodes[slug]["cls"]
        if cls in ("Theme", "Text"):
            name = "theme" if cls == "Theme" else "text"
            args = {name: slug, **_lang_arg(lang)}
            found[slug] = {
                "url": url_for("explore.map_view", **cast(dict[str, Any], args)),
                "count": len(belonging(graph, slug)),
            }
    return found


def _resolve_ends(projection: Projection, args: dict[str, str]) -> dict[str, str]:
    """`from=` and `to=` as slugs: a name that is not a slug becomes its best search match."""
    resolved = dict(args)
    for name in ("from", "to"):
        value = args.get(name, "").strip()
        if value and value not in projection.graph:
            found = search(projection, value, limit=1)
            if found:
                resolved[name] = found[0][0]
    return resolved


def _search_redirect(projection: Projection, query: str, args: dict[str, str]) -> ResponseReturnValue:
    """To the best match, keeping the view's parameters (only those: see `view_arguments`)."""
    found = search(projection, query, limit=1)
    if not found:
        raise no_match(projection, query)
    target: dict[str, Any] = {"depth": "1", **args, "focus": found[0][0]}
    return redirect(url_for("explore.map_view", **target))


def _explanations(projection: Projection, view: Any) -> list[list[dict[str, str]]]:
    """Each explained path as readable steps: subject, relation, object, reason and source."""
    lang = view.params.lang
    graph = projection.graph
    paths = []
    for path in view.paths:
        steps = []
        for step in path:
            data = graph.edges[step.subject, step.object, step.relation]
            subject_attrs = graph.nodes[step.subject]
            steps.append(
                {
                    "subject": step.subject,
                    "subject_label": label(projection, step.subject, lang),
                    "relation": text_of(data["label"], lang),
                    "object": step.object,
                    "object_label": label(projection, step.object, lang),
                    "rationale": text_of(step.rationale, lang),
                    "source": subject_attrs.get("section", ""),
                }
            )
        paths.append(steps)
    return paths


def _lang_arg(lang: str) -> dict[str, str]:
    """The URL parameter that keeps English pages English (Danish needs none)."""
    return {"lang": "en"} if lang == "en" else {}


def _filters(projection: Projection, lang: str) -> dict[str, list[tuple[str, str]]]:
    graph = projection.graph
    by_class: dict[str, list[str]] = {}
    for slug, attrs in graph.nodes(data=True):
        by_class.setdefault(attrs["cls"], []).append(slug)

    def ranked(cls: str) -> list[tuple[str, str]]:
        slugs = sorted(by_class.get(cls, []), key=lambda s: (graph.nodes[s].get("rank", 0), label(projection, s, lang)))
        return [(s, label(projection, s, lang)) for s in slugs]

    return {
        "types": sorted(((c, class_name(c, lang, 2)) for c in by_class), key=lambda item: item[1]),
        "texts": ranked("Text") + ranked("Person") + ranked("Organisation"),
        "themes": ranked("Theme"),
        "questions": ranked("ReflectionQuestion"),
    }


def view_query(view: Any, base: str) -> str:
    """The SPARQL query that selects exactly the links the map shows."""
    values = " ".join(f"id:{slug}" for slug in view.nodes)
    return (
        sparql_prologue()
        + f"PREFIX id: <{base}id/>\n"
        + "SELECT ?s ?p ?o WHERE {\n"
        + f"  VALUES ?s {{ {values} }}\n"
        + f"  VALUES ?o {{ {values} }}\n"
        + "  ?s ?p ?o .\n"
        + "  FILTER(?p != cg:contrastsWith || STR(?s) < STR(?o))\n"
        + "}\nORDER BY ?s ?p ?o\n"
    )


@bp.route("/api/search")
def api_search() -> Response:
    """Suggestions for the search box: case and Danish letters do not matter."""
    projection = _projection()
    lang = language()
    results = []
    for slug, _ in search(projection, request.args.get("q", ""), limit=10):
        results.append(
            {
                "slug": slug,
                "label": label(projection, slug, lang),
                "kind": class_name(projection.graph.nodes[slug]["cls"], lang),
                "url": url_for("explore.map_view", focus=slug, depth=1, **cast(dict[str, Any], _lang_arg(lang))),
            }
        )
    return jsonify(results)


@bp.route("/questions")
def questions() -> Response:
    """Every reflection question in course order with the theory it addresses and why."""
    lang = language()
    listing = question_sets(_projection(), lang)
    for question_set in listing:
        for item in question_set["questions"]:
            item["path_url"] = "/map?" + urlencode({"path": item["slug"], **_lang_arg(lang)})
    return Response(render_template("explore/questions.html", sets=listing), mimetype="text/html")
