"""The OpenAPI 3.1 document of the HTTP API, built from the same tables the endpoint uses."""

from __future__ import annotations

from typing import Any

from conceptgraph import __version__
from conceptgraph.server.openapi_reflections import reflection_paths
from conceptgraph.sparql.formats import GRAPH_TYPES, SHORT_NAMES, TABLE_TYPES

ERROR = {"$ref": "#/components/responses/Error"}


def _param(name: str, description: str, schema: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "description": description, "schema": schema}


def _results() -> dict[str, Any]:
    types = {t: {"schema": {"type": "string"}} for t in (*TABLE_TYPES, *GRAPH_TYPES)}
    return {
        "description": "Query results; SELECT/ASK as SPARQL results, CONSTRUCT/DESCRIBE as RDF. "
        "X-Conceptgraph-Truncated is set when the row cap cut the result.",
        "headers": {
            "X-Conceptgraph-Rows": {"schema": {"type": "integer"}},
            "X-Conceptgraph-Truncated": {"schema": {"type": "string"}},
        },
        "content": types,
    }


def openapi_document(settings: dict[str, Any]) -> dict[str, Any]:
    """The document; limits are taken from the running settings."""
    graph_params = [
        _param(
            "default-graph-uri",
            "A graph of the dataset to use as default graph (repeatable).",
            {"type": "string", "format": "uri"},
        ),
        _param(
            "named-graph-uri",
            "A graph of the dataset to make available as named graph (repeatable).",
            {"type": "string", "format": "uri"},
        ),
        _param(
            "format",
            "Result format, for clients that cannot set Accept.",
            {"type": "string", "enum": sorted(SHORT_NAMES)},
        ),
        _param(
            "timeout",
            f"Seconds before the query is stopped; at most {settings['query_timeout']:g}.",
            {"type": "number", "exclusiveMinimum": 0},
        ),
    ]
    errors = {str(code): ERROR for code in (400, 406, 413, 415, 429, 503)}
    query_param = _param(
        "query", f"The SPARQL query (at most {settings['max_query_bytes']} bytes).", {"type": "string"}
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "conceptgraph",
            "version": __version__,
            "description": "The course knowledge graph over HTTP: a read-only SPARQL 1.1 endpoint.",
        },
        "paths": {
            "/sparql": {
                "get": {
                    "summary": "Run a query (SPARQL 1.1 Protocol, query via GET)",
                    "parameters": [query_param, *graph_params],
                    "responses": {"200": _results(), **errors},
                },
                "post": {
                    "summary": "Run a query (SPARQL 1.1 Protocol, query via POST)",
                    "parameters": graph_params,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["query"],
                                    "properties": {"query": {"type": "string"}},
                                }
                            },
                            "application/sparql-query": {"schema": {"type": "string"}},
                        },
                    },
                    "responses": {"200": _results(), **errors},
                },
            },
            "/update": {
                "post": {
                    "summary": "SPARQL Update, only with the operator's token (Authorization: Bearer); else 403",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/sparql-update": {"schema": {"type": "string"}},
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["update"],
                                    "properties": {"update": {"type": "string"}},
                                }
                            },
                        },
                    },
                    "responses": {"204": {"description": "Applied"}, "400": ERROR, "403": ERROR, "503": ERROR},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness and data version",
                    "responses": {
                        "200": {
                            "description": "The service is up",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "status": {"type": "string"},
                                            "data_version": {"type": "string"},
                                            "query_workers_sandboxed": {"type": "boolean"},
                                            "query_isolation": {"type": "string"},
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            **reflection_paths(),
        },
        "components": {
            "responses": {
                "Error": {
                    "description": "An error a person can act on",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error", "status"],
                                "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                            }
                        }
                    },
                }
            }
        },
    }
