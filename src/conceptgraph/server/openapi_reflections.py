"""The reflection routes in the OpenAPI document: the W3C Web Annotation container and a
participant's own data. The annotation shapes are the W3C model's; they are named, not redrawn."""

from __future__ import annotations

from typing import Any

from conceptgraph.reflections.annotation_json import MEDIA_TYPE

ERROR = {"$ref": "#/components/responses/Error"}
ANNOTATION = {MEDIA_TYPE: {"schema": {"type": "object", "description": "A W3C Web Annotation (JSON-LD)"}}}
CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def _answer(description: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, **({"content": content} if content else {})}


def reflection_paths() -> dict[str, Any]:
    """The paths of `/annotations/` and `/me…`; every unsafe request needs the session's CSRF token."""
    refused = {"401": ERROR, "403": ERROR, "404": ERROR}
    return {
        "/annotations/": {
            "get": {
                "summary": "The reflections the caller may see (LDP container, AnnotationCollection, paged)",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "iris", "in": "query", "schema": {"type": "string", "enum": ["1"]}},
                ],
                "responses": {"200": _answer("The container or one page of it", ANNOTATION), "400": ERROR},
            },
            "post": {
                "summary": "Write a reflection (signed in); 201 with Location and ETag; 409 when the cohort is "
                "closed, the account keeps MAX_REFLECTIONS_PER_ACCOUNT reflections or it would pass "
                "MAX_ACCOUNT_BYTES",
                "parameters": [CSRF],
                "requestBody": {"required": True, "content": ANNOTATION},
                "responses": {"201": _answer("Created", ANNOTATION), "400": ERROR, "409": ERROR, **refused},
            },
        },
        "/annotations/{id}": {
            "parameters": [ID],
            "get": {
                "summary": "One reflection, if the caller may see it (else 404)",
                "responses": {"200": _answer("The annotation, with its ETag", ANNOTATION), "404": ERROR},
            },
            "put": {
                "summary": "Change my reflection; If-Match its ETag; 409 when the new version (the old one is "
                "kept) would take the account past MAX_ACCOUNT_BYTES",
                "parameters": [CSRF, IF_MATCH],
                "requestBody": {"required": True, "content": ANNOTATION},
                "responses": {
                    "200": _answer("Changed", ANNOTATION),
                    "400": ERROR,
                    "409": ERROR,
                    "412": ERROR,
                    **refused,
                },
            },
            "delete": {
                "summary": "Delete my reflection; If-Match its ETag",
                "parameters": [CSRF, IF_MATCH],
                "responses": {"204": _answer("Deleted"), "412": ERROR, **refused},
            },
        },
        "/me": {
            "get": {
                "summary": "Who is signed in, and the session's CSRF token (JSON when asked)",
                "responses": {"200": _answer("The account", {"application/json": {"schema": {"type": "object"}}})},
            },
            "delete": {
                "summary": "Erase my account and everything I wrote; the session cookie is cleared",
                "parameters": [CSRF],
                "responses": {"204": _answer("Erased"), "401": ERROR, "403": ERROR},
            },
        },
        "/me/export": {
            "get": {
                "summary": "Everything stored about me: JSON-LD (default) or Markdown",
                "parameters": [
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["jsonld", "md"]}}
                ],
                "responses": {
                    "200": _answer("A download", {**ANNOTATION, "text/markdown": {"schema": {"type": "string"}}}),
                    "400": ERROR,
                    "401": ERROR,
                },
            }
        },
        "/me/delete": {
            "get": {"summary": "The page that asks before erasing", "responses": {"200": _answer("HTML")}},
            "post": {
                "summary": "Erase from the confirmation form (csrf_token field)",
                "responses": {"200": _answer("HTML: erased, signed out"), "401": ERROR, "403": ERROR},
            },
        },
    }
