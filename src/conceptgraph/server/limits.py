"""Requests bounded before anything reads them, and answers bounded while they wait to be sent.

Every request's headers are parsed somewhere: werkzeug's Accept parser and our negotiation cost
about 2 ms per kilobyte of `Accept` (a 300 KB header held the web process for 0.7 s), and Granian
lets a head of several hundred kilobytes through (`listen` lowers that to `head_limit`). So the
outermost WSGI layer measures the raw header text, which costs a microsecond, and answers 431
before any parser sees an oversized field. The bounds are those of common servers (Apache's and
nginx's 8 KB per field); `Accept` gets less, as the longest a real client sends is a few hundred
bytes.

A client sets the pace of two waits: reading its request body and sending its answer. Each holds
memory or one of Granian's few Python threads, so one address may hold only a few of either
(`ClientSlots`), and all answers waiting to be sent share one byte budget (`Outbox`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from conceptgraph.server.http import SECURITY_HEADERS, ApiError, error_body

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
        return _refuse(start_response, 431, problem, {})


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


class ClientSlots:
    """At most `per_client` holders per client address at once, for waits paced by the client
    (a body it sends slowly, an answer it reads slowly): each holds one of Granian's few Python
    threads, and one address must not hold them all. Addresses with nothing held are forgotten."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> bool:
        """Take a slot for `client`; False (and nothing taken) when it holds all it may."""
        with self._lock:
            held = self._held.get(client, 0)
            if held >= self.per_client:
                return False
            self._held[client] = held + 1
            return True

    def give_back(self, client: str) -> None:
        with self._lock:
            held = self._held.pop(client) - 1
            if held:
                self._held[client] = held


class BodySlots:
    """WSGI middleware: a request with a body takes one of its address's `ClientSlots` before
    anything reads the body, and gives it back once the body is read or the request ends; an
    address holding all of its slots gets 429 and its body is not read. Requests without a body
    (a room of participants behind one NAT address loading pages) pass untouched.

    Granian has no timeout for reading a body (only for a request head), so this bound is what
    keeps a client that sends a byte at a time from holding every thread."""

    def __init__(self, app: WSGIApplication, slots: ClientSlots) -> None:
        self._app = app
        self._slots = slots

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not _has_body(environ):
            return self._app(environ, start_response)
        client = environ.get("REMOTE_ADDR") or ""
        if not self._slots.take(client):
            message = (
                f"this address already has {self._slots.per_client} request bodies being sent; "
                "finish sending those before starting more"
            )
            return _refuse(start_response, 429, message, {"Retry-After": "2"})
        body = SlotStream(environ["wsgi.input"], _length(environ), lambda: self._slots.give_back(client))
        environ["wsgi.input"] = body
        try:
            return self._app(environ, start_response)
        finally:
            body.release()


class SlotStream:
    """A request body that calls `release` (once) when it has been read to its end."""

    def __init__(self, stream: Any, length: int | None, release: Callable[[], None]) -> None:
        self._stream = stream
        self._left = length
        self._release: Callable[[], None] | None = release

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def _seen(self, data: bytes, asked: int | None) -> bytes:
        if self._left is not None:
            self._left -= len(data)
        if not data or asked is None or (self._left is not None and self._left <= 0):
            self.release()
        return data

    def read(self, size: int | None = -1) -> bytes:
        asked = None if size is None or size < 0 else size
        return self._seen(self._stream.read() if asked is None else self._stream.read(asked), asked)

    def readline(self, size: int | None = -1) -> bytes:
        return self._seen(self._stream.readline(), 0)

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def _has_body(environ: WSGIEnvironment) -> bool:
    return bool(environ.get("HTTP_TRANSFER_ENCODING")) or (_length(environ) or 0) > 0


def _length(environ: WSGIEnvironment) -> int | None:
    value = environ.get("CONTENT_LENGTH") or ""
    return int(value) if value.isdigit() else None


def _refuse(start_response: StartResponse, status: int, message: str, extra: dict[str, str]) -> list[bytes]:
    body = error_body(status, message).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra.items()]
    start_response(f"{status} {HTTPStatus(status).phrase}", [*headers, *SECURITY_HEADERS.items()])
    return [body]


CHUNK = 65536  # bytes handed to Granian at a time: what may still be unsent when an answer is closed


class HeldAnswer:
    """An answer body while the web process holds it for sending, as a WSGI iterable.

    Granian queues at most four chunks of an iterable and calls `close()` after the last one
    was queued (or when the connection is dropped): so the bytes are counted against the budget
    until little of them is left unsent, where a plain list would be copied out of Python at once
    and held, uncounted, for as long as the client does not read."""

    def __init__(self, body: bytes, release: Callable[[], None]) -> None:
        self._body = body
        self._release: Callable[[], None] | None = release

    def __len__(self) -> int:
        return len(self._body)

    def __iter__(self) -> Iterator[bytes]:
        body = self._body
        return (body[start : start + CHUNK] for start in range(0, len(body), CHUNK))

    def close(self) -> None:
        """Give the bytes (and the client's slot) back; later calls do nothing."""
        release, self._release = self._release, None
        if release is not None:
            self._body = b""
            release()


class Outbox:
    """The answers the web process holds for sending: at most `budget` bytes of them in all, and
    at most `slots.per_client` at once for one client address (each may hold a thread)."""

    def __init__(self, budget: int, slots: ClientSlots) -> None:
        self.budget = budget
        self._slots = slots
        self._held = 0
        self._lock = threading.Lock()

    def hold(self, body: bytes, client: str) -> HeldAnswer | bytes:
        """`body` counted until it is sent. Raises ApiError: 429 when `client` already has its
        share of answers unsent, 503 when the budget has no room (the answer is dropped).

        An answer of one chunk or less is handed over as it is: Granian copies it out at once and
        frees the thread (no slot is held), and it is no larger than what a held answer may leave
        unsent anyway. Most answers are that small, and a plain body is the server's fast path."""
        size = len(body)
        if size <= CHUNK:
            return body
        if not self._slots.take(client):
            message = (
                f"this address has {self._slots.per_client} answers it has not yet read; read those before asking more"
            )
            raise ApiError(429, message, {"Retry-After": "2"})
        with self._lock:
            held = self._held
            room = self.budget - held >= size
            self._held += size if room else 0
        if not room:
            self._slots.give_back(client)
            message = (
                f"the server holds {held} bytes of answers not yet read by their clients, and this answer "
                f"({size} bytes) would pass its budget of {self.budget}; try again shortly, or ask for a "
                "smaller answer (LIMIT, fewer or shorter columns)"
            )
            raise ApiError(503, message, {"Retry-After": "5"})
        return HeldAnswer(body, lambda: self._give_back(size, client))

    def _give_back(self, size: int, client: str) -> None:
        with self._lock:
            self._held -= size
        self._slots.give_back(client)
