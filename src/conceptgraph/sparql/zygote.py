"""One process that loads an in-memory dataset once and forks the query workers from itself.

Loading is the slow part of starting a worker (seconds at a million triples), so the data is
loaded once and each worker is a fork of the loaded zygote: the pool starts about twice as fast,
a worker killed for overrunning its time limit is back in a fraction of a second instead of after
a full reload, and an update applied to the zygote reaches every worker forked after it.

The workers do not stay sharing the zygote's memory: Oxigraph's in-memory store counts references
as it reads, so reading copies pages. A forked worker therefore reads the whole store once at
start (see `worker.answer_tasks`), paying the copies up front rather than as page faults inside
queries (measured: a cheap query up to 0.08 ms slower while they lasted).

Forking is safe because the zygote never runs a second thread: it loads, then waits for orders.
On-disk stores do not go through it: each spawned worker opens them read-only (shared through the
page cache), and RocksDB starts threads of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from multiprocessing.reduction import recv_handle, send_handle
from typing import Any

from conceptgraph.errors import QueryError
from conceptgraph.loading import Files
from conceptgraph.sparql.worker import UpdateTask, answer_tasks, load, run_update

FORK = "fork"


class Zygote:
    """The loaded dataset, in a process of its own, and the workers it forks on request."""

    def __init__(self, context: SpawnContext, source: str | Files, start_timeout: float) -> None:
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_main, args=(child, source), daemon=True)
        self._process.start()
        child.close()
        self._lock = threading.Lock()
        try:
            if not self._conn.poll(start_timeout):
                raise TimeoutError
            self._conn.recv()
        except (TimeoutError, EOFError, OSError):
            self.close()
            raise QueryError(f"the query engine could not load the data within {start_timeout:g} s") from None

    def fork(self) -> tuple[int, Connection]:
        """A new worker's process id and the connection to it (it reports ready on it)."""
        with self._lock:
            self._conn.send(FORK)
            handle = recv_handle(self._conn)
            pid: int = self._conn.recv()
        return pid, Connection(handle)

    def apply(self, task: UpdateTask) -> dict[str, Any]:
        """Apply an update to the zygote's copy, so workers forked later have it too."""
        with self._lock:
            self._conn.send(task)
            reply: dict[str, Any] = self._conn.recv()
        return reply

    def close(self) -> None:
        """Stop the zygote (its workers are stopped first, while it can still reap them)."""
        self._conn.close()
        self._process.join(2)
        self._process.kill()
        self._process.join(5)


def _main(conn: Connection, source: str | Files) -> None:
    """Load, report ready, then fork a worker or apply an update per order until the pipe closes."""
    store = load(source)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    conn.send({"ready": True})
    while True:
        try:
            order = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(order, UpdateTask):
            conn.send(run_update(store, order))
            continue
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            conn.close()
            ours.close()
            try:
                answer_tasks(Connection(theirs.detach()), store)
            finally:
                os._exit(0)
        theirs.close()
        send_handle(conn, ours.fileno(), os.getppid())
        ours.close()
        conn.send(pid)
