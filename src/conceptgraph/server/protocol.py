"""The SPARQL 1.1 Protocol's query operation on `/sparql`, answered in front of Flask.

Researchers' tools send thousands of small queries, and Flask's per-request machinery (contexts,
routing, hooks) costs several times what the engine needs to answer one. So `ProtocolLayer`
answers protocol requests with werkzeug's request and response alone; browsers (which ask for
HTML first) pass through to the Flask view, which shows the query page and HTML errors and runs
a query posted from it with the same functions. Every query passes the guard, runs under the time
limit and row cap, and comes back in the negotiated media type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request

from conceptgraph.config import public_url
from conceptgraph.server.http import (
    HANDLED,
    SECURITY_HEADERS,
    AnyResponse,
    ApiError,
    describe_error,
    error_body,
    explicit_quality,
    prefers_html,
    secure,
)
from conceptgraph.server.limits import HeldAnswer, Outbox
from conceptgraph.sparql.formats import GRAPH_TYPES, SHORT_NAMES, content_type, offered
from conceptgraph.sparql.guard import QueryTooLarge, check_size
from conceptgraph.sparql.pool import PoolBusy, QueryTimeout, WorkerCrashed
from conceptgraph.sparql.service_description import describe_service
from conceptgraph.sparql.share import OverShare
from conceptgraph.sparql.worker import Dataset, Task
from conceptgraph.vocab import query_prefixes

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from conceptgraph.server.service import CourseService

PATH = "/sparql"
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
SENT = (*CORS.items(), ("Vary", "Accept"), *SECURITY_HEADERS.items())
MAX_CACHED_ACCEPT = 1024
REPLY_STATUS = {"too-large": 413, "not-acceptable": 406}
MIN_TIMEOUT = 0.1
ENGINE_FAILED = "the query engine could not evaluate this query; check the functions and values it uses"
R = TypeVar("R")


@dataclass(frozen=True)
class ProtocolRequest:
    """What a protocol request asks: the query (if any) and the graphs it names."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """A response before any framework sees it: status, body, media type, extra headers."""

    body: str | bytes | HeldAnswer
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200


def per_header(function: Callable[..., R]) -> Callable[..., R]:
    """Cache `function` by the Accept header it is given first: a client sends the same header
    with every query, and parsing and matching it costs more than a cheap query does. Very long
    headers are not cached, so a hostile client cannot fill memory with header text."""
    cached = lru_cache(maxsize=512)(function)

    def call(accept: str, *args: str) -> R:
        return (cached if len(accept) <= MAX_CACHED_ACCEPT else function)(accept, *args)

    return call


class ProtocolLayer:
    """WSGI middleware: protocol requests to `/sparql` are answered here, the rest go to `app`.

    Responses are written as plain header lists: werkzeug's Response costs more per request than
    the engine spends on a label lookup.
    """

    def __init__(self, app: WSGIApplication, service: CourseService, max_body: int, outbox: Outbox) -> None:
        self._app = app
        self._service = service
        self._max_body = max_body
        self._outbox = outbox

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") not in ("GET", "HEAD", "POST", "OPTIONS"):
            return self._app(environ, start_response)
        request = Request(environ)
        if request.method != "OPTIONS" and _for_browser(request.headers.get("Accept", "")):
            return self._app(environ, start_response)
        request.max_content_length = self._max_body
        try:
            reply = self._respond(request)
        except HANDLED as exc:
            status, message, extra = describe_error(exc, request.method)
            reply = Answer(error_body(status, message), "application/json", extra, status)
        body = reply.body.encode() if isinstance(reply.body, str) else reply.body
        headers = (
            [("Content-Type", reply.content_type), ("Content-Length", str(len(body)))] if reply.content_type else []
        )
        headers += reply.headers.items()
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", [*headers, *SENT])
        if request.method == "HEAD" and isinstance(body, HeldAnswer):
            body.close()
        if request.method == "HEAD":
            return []
        return body if isinstance(body, HeldAnswer) else [body]

    def _respond(self, request: Request) -> Answer:
        if request.method == "OPTIONS":
            return Answer(b"", "", status=204)
        asked = read_request(request)
        if asked.query is not None:
            return answer(self._service, request, asked, self._outbox)
        if any(explicit_quality(request.accept_mimetypes, t) > 0 for t in GRAPH_TYPES):
            return service_description(self._service, request)
        raise ApiError(400, "no query: send one in the 'query' parameter or as an application/sparql-query body")


@per_header
def _for_browser(accept: str) -> bool:
    """Whether this Accept header puts HTML first."""
    return prefers_html(parse_accept_header(accept, MIMEAccept))


def finish(response: AnyResponse) -> AnyResponse:
    """CORS (any site's scripts may query), `Vary: Accept` and the security headers."""
    response.headers.update(CORS)
    response.vary.add("Accept")
    return secure(response)


def read_request(request: Request) -> ProtocolRequest:
    """The query and graph parameters, from a GET, a form POST or a direct POST."""
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/sparql-update" or (mimetype == FORM and "update" in request.form):
            raise ApiError(403, UPDATE_OFF)
        if mimetype == FORM:
            queries = request.args.getlist("query") + request.form.getlist("query")
        elif mimetype == DIRECT:
            queries = request.args.getlist("query") + [request.get_data(as_text=True)]
        else:
            raise ApiError(
                415, f"unsupported Content-Type '{request.content_type or '(none)'}'; send {FORM} or {DIRECT}"
            )
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


def answer(service: CourseService, request: Request, asked: ProtocolRequest, outbox: Outbox) -> Answer:
    """Run and write one query; raises ApiError (or a store error) with the reason.

    The answer is held in `outbox` until it has been sent (its body's `close()`), so a caller must
    send or close it; over the outbox's budget it is dropped (503).

    Only the size is checked here: the guard reads the query in the worker that runs it, under
    its time limit (see `worker.run_task`), so no query text costs the web process more than this.
    """
    settings = service.settings
    text = asked.query or ""
    try:
        check_size(text, max_bytes=settings["max_query_bytes"])
    except QueryTooLarge as exc:
        raise ApiError(413, str(exc)) from None
    table_type, graph_type = _negotiate(request)
    task = Task(
        query=text,
        table_type=table_type,
        graph_type=graph_type,
        max_rows=settings["max_rows"],
        max_bytes=settings["max_query_bytes"],
        max_depth=settings["max_nesting"],
        dataset=_dataset(asked),
        prefixes=_prefixes(service.base),
        base_iri=f"{public_url(settings)}{PATH}",
    )
    client = request.remote_addr or ""
    reply = _run(service, task, _time_limit(request, settings["query_timeout"]), client)
    body = reply.pop("body")
    held = outbox.hold(body.encode() if isinstance(body, str) else body, client)
    return Answer(held, content_type(reply["media_type"]), reply["headers"])


def service_description(service: CourseService, request: Request) -> Answer:
    """The SPARQL 1.1 Service Description, for a request without a query that asks for RDF."""
    media_type = request.accept_mimetypes.best_match(list(GRAPH_TYPES)) or "text/turtle"
    endpoint = f"{public_url(service.settings)}{PATH}"  # never the Host header a client sent
    return Answer(describe_service(endpoint, service.graphs, media_type), content_type(media_type))


@lru_cache(maxsize=8)
def _prefixes(base: str) -> tuple[tuple[str, str], ...]:
    """The predeclared prefixes as the worker takes them (computed once per base IRI)."""
    return tuple(sorted(query_prefixes(base).items()))


def _dataset(asked: ProtocolRequest) -> Dataset | None:
    """The protocol's graph parameters, which override the query's own FROM / FROM NAMED (the
    worker reads those, see `worker.dataset_of`); None when it sends none.

    A name the dataset does not hold is an empty graph, as in SPARQL's semantics; it is only a
    name: no engine of ours loads or fetches anything for it (a remote server never sees it).
    Raises ApiError (400) for a name that is not an absolute IRI, which no engine can take.
    """
    if not (asked.default_graphs or asked.named_graphs):
        return None
    dataset, where = Dataset(asked.default_graphs, asked.named_graphs), "default-graph-uri / named-graph-uri"
    for iri in (*dataset.default_graphs, *dataset.named_graphs):
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise ApiError(
                400, f"the graph name <{iri}> in {where} is not an absolute IRI ({exc}); name graphs by their full IRI"
            ) from None
    return dataset


def _negotiate(request: Request) -> tuple[str | None, str | None]:
    """The media types for a table result and for a graph result, None where none is accepted
    (the worker answers 406 once the guard has read the query's form, after any syntax error)."""
    accept, fmt = request.headers.get("Accept", ""), request.values.get("format", "")
    return negotiate(accept, fmt, "SELECT"), negotiate(accept, fmt, "CONSTRUCT")


@per_header
def negotiate(accept: str, fmt: str, form: str) -> str | None:
    """The result's media type for `form`: `format=` if given, else the best the Accept header
    allows; None when neither names a type that form comes in."""
    types = offered(form)
    if fmt:
        media_type = SHORT_NAMES.get(fmt, fmt)
        return media_type if media_type in types else None
    if not accept:
        return types[0]
    return parse_accept_header(accept, MIMEAccept).best_match(types)


def _time_limit(request: Request, configured: float) -> float:
    """The configured limit, or a lower one the request asks for with `timeout=` (seconds)."""
    asked = request.values.get("timeout")
    if asked is None:
        return configured
    try:
        value = float(asked)
    except ValueError:
        raise ApiError(400, f"timeout={asked!r} is not a number of seconds") from None
    if not value >= MIN_TIMEOUT:  # a tinier limit only kills a worker for nothing (and NaN is no limit)
        raise ApiError(400, f"timeout={asked!r} must be at least {MIN_TIMEOUT:g} seconds")
    return min(value, configured)


def _run(service: CourseService, task: Task, timeout: float, client: str) -> dict[str, Any]:
    """Run `task` within `client`'s share of the pool: the reply, with its result headers.

    Nothing hostile gets a 500: over its share, 429; stopped, crashed or busy, 503 with
    Retry-After; an engine error is answered without the engine's own words (it is logged)."""
    settings = service.settings
    retry = {"Retry-After": "2"}
    try:
        with service.share.hold(client):
            reply: dict[str, Any] = service.pool.run(task, timeout=timeout, wait=settings["pool_wait"])
    except OverShare as exc:
        raise ApiError(429, str(exc), retry) from None
    except (QueryTimeout, PoolBusy, WorkerCrashed) as exc:
        raise ApiError(503, str(exc), retry) from None
    if reply.get("error") == "syntax":
        raise ApiError(400, reply["message"])
    if "error" in reply:
        message = reply.get(
            "message", "the query engine could not evaluate this query; check the functions and values it uses"
        )
        raise ApiError(REPLY_STATUS.get(reply["error"], 400), message)
    headers = {"X-Conceptgraph-Rows": str(reply["rows"])}
    if reply["truncated"] == "rows":
        headers["X-Conceptgraph-Truncated"] = f"true; limit={settings['max_rows']}"
    elif reply["truncated"]:
        headers["X-Conceptgraph-Truncated"] = f"true; bytes={settings['max_result_bytes']}"
    reply["headers"] = headers
    return reply
