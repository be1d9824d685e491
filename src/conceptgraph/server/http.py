"""HTTP conventions shared by every blueprint: one JSON error shape, HTML error pages for
browsers, security headers on every response, and the UI language.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from flask import Flask, Response, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from conceptgraph.errors import StoreTimeout, StoreUnavailable, masked
from conceptgraph.server.i18n import language, translate

LOG = logging.getLogger("conceptgraph")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HTTP_MESSAGES = {404: "no such page", 413: "the request body is larger than this server accepts"}


class ApiError(Exception):
    """An error answered with `status` and a message a person can act on.

    `text` names the message in texts.py (formatted with `values`), for browsers' error pages in
    Danish or English; programs get `message`. `suggestions` are links the page offers instead
    ("Mente du: …"), each a mapping with `href` and `label`.
    """

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        text: str | None = None,
        values: dict[str, Any] | None = None,
        suggestions: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.text = text
        self.values = values or {}
        self.suggestions = suggestions or []


def prefers_html(accept: MIMEAccept) -> bool:
    """Whether the client asked for HTML explicitly, ahead of anything else (a browser)."""
    html = explicit_quality(accept, "text/html")
    others = [q for value, q in accept if value not in ("text/html", "*/*")]
    return html > 0 and all(html >= q for q in others)


def explicit_quality(accept: MIMEAccept, mimetype: str) -> float:
    """The q-value the Accept header gives `mimetype` by name (wildcards do not count)."""
    return max((q for value, q in accept if value == mimetype), default=0.0)


HANDLED = (ApiError, HTTPException, StoreUnavailable, StoreTimeout)


def describe_error(exc: Exception, method: str) -> tuple[int, str, dict[str, str]]:
    """Status, message and extra headers for one of the HANDLED errors.

    A remote store that is down or refused is the gateway's error (502), not ours; one too slow, 504.
    Its client sees the error's public message; the details (the server's address, its own error
    text) are logged for the operator.
    """
    if isinstance(exc, ApiError):
        return exc.status, exc.message, exc.headers
    if isinstance(exc, StoreUnavailable | StoreTimeout):
        LOG.warning("answered %s: %s", 502 if isinstance(exc, StoreUnavailable) else 504, masked(str(exc)))
    if isinstance(exc, StoreUnavailable):
        return 502, exc.public, {"Retry-After": "10"}
    if isinstance(exc, StoreTimeout):
        return 504, exc.public, {}
    assert isinstance(exc, HTTPException)
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    if exc.code == 405:
        return 405, f"method {method} is not allowed here", headers
    return exc.code or 500, HTTP_MESSAGES.get(exc.code or 0, exc.description or ""), headers


def page_message(exc: Exception, message: str, lang: str) -> str:
    """The message of an error page in the page's language, where texts.py has it; else `message`."""
    if isinstance(exc, ApiError) and exc.text:
        return translate(exc.text, lang).format(**exc.values)
    if isinstance(exc, StoreUnavailable):
        return translate("store_failed", lang)
    if isinstance(exc, StoreTimeout):
        return translate("store_slow", lang)
    if isinstance(exc, HTTPException) and exc.code == 404:
        return translate("no_page", lang).format(path=request.path)
    return message


def error_body(status: int, message: str) -> str:
    """The error as {"error": ..., "status": ...}, for programs."""
    return json.dumps({"error": message, "status": status}, ensure_ascii=False)


AnyResponse = TypeVar("AnyResponse", bound=BaseResponse)


def secure(response: AnyResponse) -> AnyResponse:
    """The security headers every response carries (a view may have set a stricter one)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _on_error(exc: Exception) -> Response:
    """The error as an HTML page for browsers, else as JSON."""
    status, message, headers = describe_error(exc, request.method)
    if not prefers_html(request.accept_mimetypes):
        return Response(error_body(status, message), status=status, mimetype="application/json", headers=headers)
    suggestions = exc.suggestions if isinstance(exc, ApiError) else []
    message = page_message(exc, message, language())
    body = render_template("error.html", status=status, message=message, suggestions=suggestions)
    return Response(body, status=status, mimetype="text/html", headers=headers)


def _template_globals() -> dict[str, Any]:
    lang = language()
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if lang == "da":
        args.append(("lang", "en"))
    return {
        "lang": lang,
        "t": lambda key: translate(key, lang),
        "other_language_url": _this_path() + ("?" + urlencode(args) if args else ""),
    }


def _this_path() -> str:
    """This request's path as a link back to it that no browser reads as another site's: "/\\x"
    and "/<tab>/x" are "//x" to a browser, so every character but the path's own is escaped."""
    return "/" + quote(request.path.lstrip("/"))


def init_app(app: Flask) -> None:
    """Install the error handlers, headers and template helpers, and a log for the operator."""
    if not LOG.handlers:  # what a client is not shown (a remote store's errors) goes to stderr
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("conceptgraph %(levelname)s: %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
    for kind in HANDLED:
        app.register_error_handler(kind, _on_error)
    app.after_request(secure)
    app.context_processor(_template_globals)
