"""`/sparql` for browsers (the query page) and `/update`, the token-guarded SPARQL Update.

Programs' protocol requests never reach this blueprint: `protocol.ProtocolLayer` answers them in
front of Flask. What arrives here asked for HTML first: a GET shows the query page (running the
query it carries), a POST from a plain form runs the query, with errors as HTML pages.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, render_template, request

from conceptgraph.errors import QueryError, QueryNotAllowed, QuerySyntaxError
from conceptgraph.server.http import ApiError
from conceptgraph.server.protocol import FORM, UPDATE_OFF, answer, finish, read_request
from conceptgraph.sparql.examples import examples
from conceptgraph.sparql.formats import SHORT_NAMES
from conceptgraph.sparql.guard import QueryTooLarge, check_update
from conceptgraph.sparql.worker import UpdateTask
from conceptgraph.vocab import sparql_prologue

bp = Blueprint("sparql", __name__)
bp.after_request(finish)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """The query page, or the answer to a query posted from a browser."""
    asked = read_request(request)
    if request.method == "GET" or asked.query is None:
        return _query_page(asked.query or "")
    reply = answer(
        current_app.extensions["conceptgraph"], request, asked, current_app.extensions["conceptgraph.outbox"]
    )
    body = reply.body  # held until sent: werkzeug's close() passes to its close()
    headers = {**reply.headers, "Content-Length": str(len(body))}
    return Response(body, content_type=reply.content_type, headers=headers)


@bp.route("/update", methods=["GET", "POST"])
def update() -> Response:
    """SPARQL Update, only with the configured token (`Authorization: Bearer …`); 403 otherwise.

    Applied once, in the sandboxed engine, for every worker and the views at once, or not at all;
    kept in memory (a rebuild starts afresh).
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
            415,
            f"unsupported Content-Type '{request.content_type or '(none)'}'; send {FORM} or application/sparql-update",
        )
    if len(texts) != 1:
        raise ApiError(400, "send exactly one 'update'")
    settings = service.settings
    try:
        normal = check_update(
            texts[0], max_bytes=settings["max_query_bytes"], max_depth=settings["max_nesting"], prefixes=()
        )
    except QueryTooLarge as exc:
        raise ApiError(413, str(exc)) from None
    except (QuerySyntaxError, QueryNotAllowed) as exc:
        raise ApiError(400, str(exc)) from None
    try:
        reply = service.update(UpdateTask(normal))
    except QueryError as exc:  # busy, overran or crashed: nothing changed
        raise ApiError(503, str(exc), {"Retry-After": "2"}) from None
    if "error" in reply:
        raise ApiError(400, reply["message"])
    return Response(status=204)


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
