"""Request heads bounded before anything reads them.

Every request's headers are parsed somewhere: werkzeug's Accept parser and our negotiation cost
about 2 ms per kilobyte of `Accept` (a 300 KB header held the web process for 0.7 s), and Granian
lets a head of several hundred kilobytes through (`listen` lowers that to `head_limit`). So the
outermost WSGI layer measures the raw header text, which costs a microsecond, and answers 431
before any parser sees an oversized field. The bounds are those of common servers (Apache's and
nginx's 8 KB per field); `Accept` gets less, as the longest a real client sends is a few hundred
bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from conceptgraph.server.http import SECURITY_HEADERS, error_body

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MAX_FIELD = 8192  # bytes in one header field's value
MAX_ACCEPT = 2048  # bytes in Accept, which negotiation parses on every request
MAX_HEADERS = 32768  # bytes in all header values together


def head_limit(max_query_bytes: int) -> int:
    """The largest request head the HTTP server should read: the request line (a GET query,
    percent-encoded, is up to three times the query limit) and four times the header allowance,
    so that heads a little too large still get this layer's message (larger ones get Granian's
    bare 431)."""
    return 3 * max_query_bytes + 4 * MAX_HEADERS


class HeaderLimit:
    """WSGI middleware: a request whose headers are too large gets 431 and reaches no parser."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        problem = oversized(environ)
        if problem is None:
            return self._app(environ, start_response)
        body = error_body(431, problem).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response("431 Request Header Fields Too Large", [*headers, *SECURITY_HEADERS.items()])
        return [body]


def oversized(environ: WSGIEnvironment) -> str | None:
    """What is too large about this request's headers, as a message a person can act on; or None."""
    total = 0
    for key, value in environ.items():
        if not (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")):
            continue
        size = len(value)
        total += size
        limit = MAX_ACCEPT if key == "HTTP_ACCEPT" else MAX_FIELD
        if size > limit:
            name = "-".join(part.capitalize() for part in key.removeprefix("HTTP_").split("_"))
            return f"the {name} header is {size} bytes; this server reads at most {limit}: send a shorter one"
    if total > MAX_HEADERS:
        return f"the request's headers hold {total} bytes; this server reads at most {MAX_HEADERS}: send fewer"
    return None
