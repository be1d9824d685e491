"""`/sparql`: the SPARQL 1.1 Protocol query operation, the query page and the service description.

Every query passes the guard, runs in a worker process under the time limit and row cap, and
comes back in the negotiated media type. Updates are refused: the endpoint is read-only.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError
from conceptgraph.server.http import ApiError, explicit_quality, prefers_html
from conceptgraph.sparql.examples import examples
from conceptgraph.sparql.formats import GRAPH_TYPES, SHORT_NAMES, content_type, offered
from conceptgraph.sparql.guard import QueryTooLarge, Verdict, check_query, check_update
from conceptgraph.sparql.pool import PoolBusy, QueryTimeout, WorkerCrashed
from conceptgraph.sparql.service_description import describe_service
from conceptgraph.sparql.worker import Dataset, Task, UpdateTask
from conceptgraph.vocab import query_prefixes, sparql_prologue

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE_OFF = (
    "SPARQL Update is switched off: this endpoint is read-only unless the operator sets "
    "CONCEPTGRAPH_UPDATE_TOKEN and the request brings it"
)
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "X-Conceptgraph-Truncated, X-Conceptgraph-Rows",
    "Access-Control-Max-Age": "86400",
}


@dataclass(frozen=True)
class ProtocolRequest:
    """What a protocol request asks: the query (if any) and the graphs it names."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS)
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """The endpoint; see the module docstring."""
    if request.method == "OPTIONS":
        return Response(status=204)
    asked = _read_request()
    if asked.query is None:
        if prefers_html():
            return _query_page("")
        if any(explicit_quality(t) > 0 for t in GRAPH_TYPES):
            return _service_description()
        raise ApiError(400, "no query: send one in the 'query' parameter or as an application/sparql-query body")
    if request.method == "GET" and prefers_html():
        return _query_page(asked.query)
    return _answer(asked)


@bp.route("/update", methods=["GET", "POST"])
def update() -> Response:
    """SPARQL Update, only with the configured token (`Authorization: Bearer …`); 403 otherwise.

    Applied to every worker and the views at once; kept in memory (a rebuild starts afresh).
    """
    service = current_app.extensions["conceptgraph"]
    token = service.settings["update_token"]
    if not token or request.method != "POST":
        raise ApiError(403, UPDATE_OFF)
    if not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        raise ApiError(403, "SPARQL Update needs the configured credential: send 'Authorization: Bearer <token>'")
    if request.mimetype == FORM:
        texts = request.form.getlist("update")
    elif request.mimetype == "application/sparql-update":
        texts = [request.get_data(as_text=True)]
    else:
        raise ApiError(
            415, f"unsupported Content-Type '{request.content_type}'; send {FORM} or application/sparql-update"
        )
    if len(texts) != 1:
        raise ApiError(400, "send exactly one 'update'")
    settings = service.settings
    try:
        check_update(texts[0], max_bytes=settings["max_query_bytes"], max_depth=settings["max_nesting"])
    except QueryTooLarge as exc:
        raise ApiError(413, str(exc)) from None
    except (QuerySyntaxError, QueryNotAllowed) as exc:
        raise ApiError(400, str(exc)) from None
    try:
        replies = service.pool.broadcast(
            UpdateTask(texts[0]), timeout=settings["query_timeout"], wait=settings["pool_wait"]
        )
    except (QueryTimeout, PoolBusy) as exc:
        raise ApiError(503, str(exc)) from None
    failed = [r for r in replies if "error" in r]
    if failed:
        raise ApiError(400, failed[0]["message"])
    service.applied_update(texts[0])
    return Response(status=204)


def _read_request() -> ProtocolRequest:
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/sparql-update" or (mimetype == FORM and "update" in request.form):
            raise ApiError(403, UPDATE_OFF)
        if mimetype == FORM:
            queries = request.args.getlist("query") + request.form.getlist("query")
        elif mimetype == DIRECT:
            queries = request.args.getlist("query") + [request.get_data(as_text=True)]
        else:
            raise ApiError(415, f"unsupported Content-Type '{request.content_type}'; send {FORM} or {DIRECT}")
    else:
        if "update" in request.args:
            raise ApiError(403, UPDATE_OFF)
        queries = request.args.getlist("query")
    if len(queries) > 1:
        raise ApiError(400, "two queries in one request; send exactly one 'query'")
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(request.values.getlist("default-graph-uri")),
        named_graphs=tuple(request.values.getlist("named-graph-uri")),
    )


def _answer(asked: ProtocolRequest) -> Response:
    service = current_app.extensions["conceptgraph"]
    settings = service.settings
    try:
        verdict = check_query(
            asked.query or "", max_bytes=settings["max_query_bytes"], max_depth=settings["max_nesting"]
        )
    except QueryTooLarge as exc:
        raise ApiError(413, str(exc)) from None
    except (QuerySyntaxError, QueryNotAllowed) as exc:
        raise ApiError(400, str(exc)) from None
    dataset = _dataset(verdict, asked, service.graphs)
    media_type = _negotiate(verdict.form)
    prefixes = tuple(sorted(query_prefixes(service.base).items()))
    task = Task(asked.query or "", media_type, settings["max_rows"], dataset, prefixes)
    reply = _run(task, _time_limit(settings["query_timeout"]), settings["pool_wait"])
    response = Response(reply["body"], status=200, content_type=content_type(media_type))
    response.headers["X-Conceptgraph-Rows"] = str(reply["rows"])
    if reply["truncated"]:
        response.headers["X-Conceptgraph-Truncated"] = f"true; limit={settings['max_rows']}"
    return response


def _dataset(verdict: Verdict, asked: ProtocolRequest, graphs: dict[str, int]) -> Dataset | None:
    """The protocol's graph parameters, which override FROM clauses; None when it sends none.

    Every graph named, by the protocol or by FROM / FROM NAMED, must be one of the dataset's.
    """
    for iri in (*asked.default_graphs, *asked.named_graphs, *verdict.default_graphs, *verdict.named_graphs):
        if iri not in graphs:
            raise ApiError(
                400,
                f"<{iri}> is not a graph of this dataset; queries never load outside data. "
                f"The graphs are: {', '.join(sorted(graphs))}",
            )
    if not (asked.default_graphs or asked.named_graphs):
        return None
    return Dataset(asked.default_graphs, asked.named_graphs)


def _negotiate(form: str) -> str:
    types = offered(form)
    fmt = request.values.get("format")
    if fmt:
        media_type = SHORT_NAMES.get(fmt, fmt)
        if media_type not in types:
            raise ApiError(406, f"format '{fmt}' is not offered for {form} queries; offered: {', '.join(types)}")
        return media_type
    if not request.headers.get("Accept"):
        return types[0]
    best = request.accept_mimetypes.best_match(types)
    if best is None:
        raise ApiError(406, f"none of the accepted media types can carry a {form} result; offered: {', '.join(types)}")
    return best


def _time_limit(configured: float) -> float:
    """The configured limit, or a lower one the request asks for with `timeout=` (seconds)."""
    asked = request.values.get("timeout")
    if asked is None:
        return configured
    try:
        value = float(asked)
    except ValueError:
        raise ApiError(400, f"timeout={asked!r} is not a number of seconds") from None
    if not value > 0:
        raise ApiError(400, f"timeout={asked!r} must be more than 0 seconds")
    return min(value, configured)


def _run(task: Task, timeout: float, wait: float) -> dict[str, Any]:
    service = current_app.extensions["conceptgraph"]
    try:
        reply: dict[str, Any] = service.pool.run(task, timeout=timeout, wait=wait)
    except QueryTimeout as exc:
        raise ApiError(503, str(exc)) from None
    except PoolBusy as exc:
        raise ApiError(503, str(exc), {"Retry-After": "2"}) from None
    except WorkerCrashed as exc:
        raise ApiError(500, str(exc)) from None
    if "error" in reply:
        raise ApiError(400 if reply["error"] == "syntax" else 500, reply["message"])
    return reply


def _query_page(query: str) -> Response:
    service = current_app.extensions["conceptgraph"]
    body = render_template(
        "sparql/query.html",
        query=query or examples()[0].query,
        autorun=bool(query),
        examples=examples(),
        prefixes=sparql_prologue() + f"PREFIX id: <{service.base}id/>\n",
        resource_base=f"{service.base}id/",
        formats=[(name, SHORT_NAMES[name]) for name in ("json", "xml", "csv", "tsv", "turtle", "jsonld")],
    )
    return Response(body, mimetype="text/html")


def _service_description() -> Response:
    service = current_app.extensions["conceptgraph"]
    media_type = request.accept_mimetypes.best_match(list(GRAPH_TYPES)) or "text/turtle"
    endpoint = request.base_url
    body = describe_service(endpoint, service.graphs, media_type)
    return Response(body, content_type=content_type(media_type))
