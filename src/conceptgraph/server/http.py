"""HTTP conventions shared by every blueprint: one JSON error shape, HTML error pages for
browsers, security headers on every response, and the UI language.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from conceptgraph.errors import StoreTimeout, StoreUnavailable
from conceptgraph.server.i18n import language, translate

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)


class ApiError(Exception):
    """An error answered with `status` and a message a person can act on."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def prefers_html() -> bool:
    """Whether the client asked for HTML explicitly, ahead of anything else (a browser)."""
    html = explicit_quality("text/html")
    others = [q for value, q in request.accept_mimetypes if value not in ("text/html", "*/*")]
    return html > 0 and all(html >= q for q in others)


def explicit_quality(mimetype: str) -> float:
    """The q-value the Accept header gives `mimetype` by name (wildcards do not count)."""
    return max((q for value, q in request.accept_mimetypes if value == mimetype), default=0.0)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error as an HTML page for browsers, else as {"error": ..., "status": ...}."""
    if prefers_html():
        body = render_template("error.html", status=status, message=message)
        response = Response(body, status=status, mimetype="text/html")
    else:
        response = jsonify(error=message, status=status)
        response.status_code = status
    response.headers.update(headers or {})
    return response


def _on_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message, exc.headers)


def _on_store_down(exc: StoreUnavailable) -> Response:
    """A remote store that is down or refused: the gateway's error, not ours (and not cached)."""
    return error_response(502, str(exc), {"Retry-After": "10"})


def _on_store_slow(exc: StoreTimeout) -> Response:
    return error_response(504, str(exc))


def _on_http_exception(exc: HTTPException) -> Response:
    messages = {
        404: "no such page",
        405: f"method {request.method} is not allowed here",
        413: "the request body is larger than this server accepts",
    }
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    return error_response(exc.code or 500, messages.get(exc.code or 0, exc.description or ""), headers)


def _secure(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _template_globals() -> dict[str, Any]:
    lang = language()
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if lang == "da":
        args.append(("lang", "en"))
    return {
        "lang": lang,
        "t": lambda key: translate(key, lang),
        "other_language_url": request.path + ("?" + urlencode(args) if args else ""),
    }


def init_app(app: Flask) -> None:
    """Install the error handlers, headers and template helpers."""
    app.register_error_handler(ApiError, _on_api_error)
    app.register_error_handler(HTTPException, _on_http_exception)
    app.register_error_handler(StoreUnavailable, _on_store_down)
    app.register_error_handler(StoreTimeout, _on_store_slow)
    app.after_request(_secure)
    app.context_processor(_template_globals)
