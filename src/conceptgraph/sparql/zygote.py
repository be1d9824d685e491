"""One process that loads an in-memory dataset once, applies the accepted updates, and forks the
query workers from itself; supervised, so it comes back if it dies.

Loading is the slow part of starting a worker (seconds at a million triples), so the data is
loaded once and each worker is a fork of the loaded zygote: the pool starts about twice as fast,
and a worker killed for overrunning its time limit is back in a fraction of a second instead of
after a full reload.

Updates run here and only here, in the sandbox (no network, bounded memory) like queries: the
zygote applies the text once and writes the resulting dataset to a dump file (N-Quads, in a
private folder); the pool then replaces every worker with a fresh fork, and the web process reads
the dump into the views' store. So the text never runs in the web process, and no worker can end
up with other data than another (a text with STRUUID() or NOW() yields one value, not one per
process).

The workers do not stay sharing the zygote's memory: Oxigraph's in-memory store counts references
as it reads, so reading copies pages. A forked worker therefore reads the whole store once at
start (see `worker.answer_tasks`), paying the copies up front rather than as page faults inside
queries (measured: a cheap query up to 0.08 ms slower while they lasted).

If the zygote dies (killed, or over its memory limit during an update), a new one is started in
its place, from the source or, once updates were accepted, from the latest dump; the workers
already forked keep answering meanwhile. Forking is safe because the zygote never runs a second
thread: it loads, then waits for orders. On-disk stores do not go through it: each spawned worker
opens them read-only (shared through the page cache), and RocksDB starts threads of its own.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from conceptgraph.errors import QueryError
from conceptgraph.sparql.worker import (
    Limits,
    QueryTimeout,
    Unsandboxed,
    UpdateTask,
    WorkerCrashed,
    answer_tasks,
    limit_memory,
    load,
    run_update,
    sandbox,
)
from conceptgraph.store.load_files import Files

FORK = "fork"
RESTART_DELAY = 0.5
log = logging.getLogger(__name__)


class Zygote:
    """The loaded dataset, in a process of its own, and the workers it forks on request."""

    def __init__(self, context: SpawnContext, source: str | Files, limits: Limits, start_timeout: float) -> None:
        self._context = context
        self._source = source
        self._limits = limits
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._closed = False
        self._dumps: Path | None = None
        self._updates = 0
        self.sandboxed = False
        self.restarts = 0
        self._start()
        threading.Thread(target=self._supervise, daemon=True).start()

    def fork(self) -> tuple[int, Connection]:
        """A new worker's process id and the connection to it (it reports ready on it)."""
        with self._lock:
            self._ensure()
            try:
                return self._fork()
            except (EOFError, OSError):  # it died since: once more, from a new one
                self._restart()
                return self._fork()

    def apply(self, task: UpdateTask, timeout: float) -> dict[str, Any]:
        """Apply an update once: the reply names the dump of the data as it now is.

        Raises QueryTimeout or WorkerCrashed when the update overran or ended the zygote; the
        zygote is then started again without it, so nothing has changed."""
        with self._lock:
            self._ensure()
            dump = str(self._dump_folder() / f"update-{self._updates + 1}.nq")
            try:
                self._conn.send((task, dump))
                if not self._conn.poll(timeout):
                    self._restart()
                    raise QueryTimeout(f"the update was stopped after the time limit of {timeout:g} s; nothing changed")
                reply: dict[str, Any] = self._conn.recv()
            except (EOFError, OSError):
                self._restart()
                raise WorkerCrashed(
                    f"the update stopped the query engine (it needed more than {self._limits.memory_mb} MB of "
                    "memory, or failed); nothing changed"
                ) from None
            if "dump" in reply:
                self._updates += 1
                if isinstance(self._source, str) and self._source.startswith(str(self._dumps)):
                    Path(self._source).unlink(missing_ok=True)  # the views read the new one
                self._source = dump
        return reply

    def close(self) -> None:
        """Stop the zygote (its workers are stopped first, while it can still reap them)."""
        self._closed = True
        self._conn.close()
        self._process.join(2)
        self._process.kill()
        self._process.join(5)
        if self._dumps is not None:
            shutil.rmtree(self._dumps, ignore_errors=True)

    def _start(self) -> None:
        """Start a zygote process and wait until it has loaded. Raises QueryError or Unsandboxed."""
        conn, child = self._context.Pipe()
        process = self._context.Process(target=_main, args=(child, self._source, self._limits), daemon=True)
        process.start()
        child.close()
        try:
            if not conn.poll(self._start_timeout):
                raise TimeoutError
            info = conn.recv()
        except (TimeoutError, EOFError, OSError):
            _stop(process, conn)
            raise QueryError(f"the query engine could not load the data within {self._start_timeout:g} s") from None
        if not info["ready"]:
            _stop(process, conn)
            raise Unsandboxed(info["error"])
        self._conn, self._process, self.sandboxed = conn, process, info["sandboxed"]

    def _ensure(self) -> None:
        """With the lock held: a live zygote (a new one if it died; none once closed)."""
        if self._closed:
            raise QueryError("the query engine is stopping")
        if not self._process.is_alive():
            self._restart()

    def _restart(self) -> None:
        _stop(self._process, self._conn)
        self._start()
        self.restarts += 1
        log.warning("conceptgraph: the query engine's zygote was restarted (%d so far)", self.restarts)

    def _fork(self) -> tuple[int, Connection]:
        self._conn.send(FORK)
        handle = recv_handle(self._conn)
        pid: int = self._conn.recv()
        return pid, Connection(handle)

    def _dump_folder(self) -> Path:
        if self._dumps is None:
            self._dumps = Path(tempfile.mkdtemp(prefix="conceptgraph-updates-"))
        return self._dumps

    def _supervise(self) -> None:
        """Start a new zygote as soon as the running one dies, so workers can always be replaced."""
        while not self._closed:
            wait([self._process.sentinel])
            with self._lock:
                if self._closed or self._process.is_alive():  # closed, or already replaced by a caller
                    continue
                try:
                    self._restart()
                    continue
                except QueryError as exc:
                    log.warning("conceptgraph: the query engine's zygote could not be restarted: %s", exc)
            time.sleep(RESTART_DELAY)


def _stop(process: SpawnProcess, conn: Connection) -> None:
    conn.close()
    process.kill()
    process.join(5)


def _main(conn: Connection, source: str | Files, limits: Limits) -> None:
    """Load, sandbox, report ready, then fork a worker or apply an update per order until the
    pipe closes."""
    store = load(source)
    try:
        sandboxed = sandbox(limits)
    except Unsandboxed as exc:
        conn.send({"ready": False, "error": str(exc)})
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    conn.send({"ready": True, "sandboxed": sandboxed})
    while True:
        try:
            order = conn.recv()
        except (EOFError, OSError):
            return
        if order == FORK:
            _fork_worker(conn, store, limits)
        else:
            task, dump = order
            conn.send(_update(store, task, dump, limits))


def _update(store: ox.Store, task: UpdateTask, dump: str, limits: Limits) -> dict[str, Any]:
    """Apply `task` and write the data as it now is to `dump` (counted against the memory limit)."""
    limit_memory(limits.memory_mb)  # measured from what the data now takes
    reply = run_update(store, task)
    if "error" not in reply:
        store.dump(dump, format=ox.RdfFormat.N_QUADS)
        reply["dump"] = dump
    return reply


def _fork_worker(conn: Connection, store: ox.Store, limits: Limits) -> None:
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        conn.close()
        ours.close()
        try:
            answer_tasks(Connection(theirs.detach()), store, limits)
        finally:
            os._exit(0)
    theirs.close()
    send_handle(conn, ours.fileno(), os.getppid())
    ours.close()
    conn.send(pid)
