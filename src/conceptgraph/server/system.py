"""`/healthz` and `/openapi.json`: what operators and API clients need to know about the service."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from conceptgraph import __version__
from conceptgraph.server.openapi import openapi_document

bp = Blueprint("system", __name__)


@bp.route("/healthz")
def healthz() -> Response:
    """200 with the data version while the service can answer queries."""
    service = current_app.extensions["conceptgraph"]
    return jsonify(
        status="ok",
        version=__version__,
        data_version=service.data_version,
        triples=sum(service.graphs.values()),
        query_workers_sandboxed=service.pool.sandboxed,
        query_isolation=service.pool.isolation,
        query_workers_replaced=service.pool.replaced,
    )


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of the HTTP API."""
    response = jsonify(openapi_document(current_app.extensions["conceptgraph"].settings))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
