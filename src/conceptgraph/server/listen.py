"""Serving the app on a port: Granian, a Rust HTTP server, in front of the WSGI app.

Granian reads requests and writes responses outside Python, so the Python process spends its
time on answers rather than on HTTP: measured against waitress on the same app, a cheap query
is answered about a fifth faster and a third more of them per second, and slow clients hold no
thread.
Granian runs the app in a worker process of its own; that worker builds the service, and if the
service cannot start it says why and exits, which ends the server (no restart loop on bad data).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from functools import partial
from typing import Any

import click
from flask import Flask
from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings, HTTP2Settings
from granian.log import LogLevels

from conceptgraph.errors import ConceptGraphError, explain
from conceptgraph.server import create_app
from conceptgraph.server.limits import head_limit

# The worker's exit code when the service could not start; the command exits with it too.
COULD_NOT_START = 2
PR_SET_PDEATHSIG = 1
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def serve(overrides: dict[str, Any], settings: dict[str, Any]) -> None:
    """Listen on the configured host and port until interrupted; exit 2 if the service fails.

    Granian's own bounds on a request head are 408 KB over HTTP/1.1 and 16 MB over HTTP/2 (which it
    speaks on plain connections too); both are lowered to what the largest allowed query needs.
    """
    head = head_limit(settings["max_query_bytes"])
    server = Granian(
        "conceptgraph.server:create_app",
        address=settings["host"],
        port=settings["port"],
        interface=Interfaces.WSGI,
        blocking_threads=settings["threads"],
        websockets=False,
        log_level=LogLevels.error,
        http1_settings=HTTP1Settings(max_buffer_size=max(head, 8192)),
        http2_settings=HTTP2Settings(max_headers_size=head),
    )
    try:
        server.serve(target_loader=partial(_app, overrides, settings), wrap_loader=False)
    except SystemExit as exc:  # Granian exits 1 when its worker stopped, whatever the worker said
        raise SystemExit(COULD_NOT_START if exc.code else 0) from None


def _app(overrides: dict[str, Any], settings: dict[str, Any]) -> Flask:
    """The app, built in Granian's worker; a service that cannot start ends the worker."""
    _end_with_parent()
    _return_large_blocks()
    try:
        app = create_app(overrides)
    except ConceptGraphError as exc:
        click.echo("\n".join(explain(exc)), err=True)
        sys.stderr.flush()
        os._exit(COULD_NOT_START)
    host = "localhost" if settings["host"] in ("127.0.0.1", "0.0.0.0") else settings["host"]
    click.echo(
        f"conceptgraph is serving the course: open http://{host}:{settings['port']}/ in your browser "
        "(Ctrl-C stops it).",
        err=True,
    )
    return app


def _return_large_blocks() -> None:
    """Have glibc give every block of 128 KB or more back to the system when it is freed.

    By default glibc raises that threshold to the largest block freed so far (up to 32 MB); after
    one large answer, answer-sized blocks come from per-thread heaps that are seldom returned, so
    answers dropped over the budget (`limits.Outbox`) left the web process 150 MB larger for good.
    """
    ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, 128 * 1024)


def _end_with_parent() -> None:
    """Have the kernel stop this worker when the main process dies, even by SIGKILL: otherwise the
    worker (and its query workers) would keep serving on the port with nothing to stop them."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the main process died before we asked
        os._exit(COULD_NOT_START)
