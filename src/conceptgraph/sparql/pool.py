"""A small pre-started pool of query workers that can be killed and replaced.

A request borrows an idle worker, waits for its reply up to the time limit, and returns it.
The idle workers form a stack, so under light load the same recently used worker answers again:
its process is still scheduled and its caches are warm, which saves a tenth of a millisecond on a
cheap query against handing each query to the worker that has slept longest.
A worker that overruns is killed (its CPU is freed at once) and replaced in the background; one
that crashes (or hits its memory limit) is replaced the same way. When every worker is busy for
longer than `wait`, the request is refused (the web layer answers 503 with Retry-After) instead of
queueing unboundedly.

Every task carries a tag that its reply must bring back, so a reply is never handed to another
request than the one that asked (one that was left in a pipe is dropped). An update holds every
worker before anything changes, is applied once by the zygote, and then every worker is replaced
by a fork that holds it: all workers see it, or (busy pool, failed or overrunning update) none.
"""

from __future__ import annotations

import functools
import itertools
import logging
import multiprocessing
import os
import queue
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from conceptgraph.errors import QueryError
from conceptgraph.sparql.worker import Limits, QueryTimeout, Task, Unsandboxed, UpdateTask, WorkerCrashed, serve
from conceptgraph.sparql.zygote import Zygote
from conceptgraph.store.load_files import Files

__all__ = ["PoolBusy", "QueryTimeout", "WorkerCrashed", "WorkerPool"]

START_TIMEOUT = 120.0
KILL_WAIT = 5.0
RETRY_DELAY = 0.2
READ_ONLY = (
    "this store is served read-only from disk, so SPARQL Update cannot change it here; "
    "change it with `conceptgraph load --store oxigraph:PATH` and restart the server"
)
log = logging.getLogger(__name__)


class PoolBusy(QueryError):
    """Every worker stayed busy for the whole waiting time."""


@dataclass(eq=False)
class _Worker:
    conn: Connection
    stop: Callable[[], None]
    info: dict[str, Any] = field(default_factory=dict)
    poller: select.poll = field(default_factory=select.poll)

    def __post_init__(self) -> None:
        self.poller.register(self.conn.fileno(), select.POLLIN)

    def answered(self, timeout: float) -> bool:
        """Whether a reply (or the end of the pipe) arrived within `timeout` seconds.

        One poll object per worker: `Connection.poll` builds a selector on every call, which
        costs as much as a cheap query's own evaluation."""
        return bool(self.poller.poll(timeout * 1000))

    def ask(self, tag: int, task: Task, timeout: float) -> dict[str, Any]:
        """Send `task` under `tag` and return the reply that carries the same tag, with its body.

        Raises QueryTimeout, or EOFError/OSError when the worker died."""
        self.conn.send((tag, task))
        deadline = time.monotonic() + timeout
        while True:
            if not self.answered(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(
                    f"the query was stopped after the time limit of {timeout:g} s; "
                    "narrow it (LIMIT, more specific patterns) and try again"
                )
            got, reply = self.conn.recv()
            if "size" in reply:
                reply["body"] = self.conn.recv_bytes()  # one copy, read straight from the pipe
            if got == tag:
                return dict(reply)
            log.warning("conceptgraph: dropped a query worker's reply to an earlier request")


class WorkerPool:
    """`size` worker processes answering from the dataset loaded from `source`.

    An in-memory dataset is loaded once, by a zygote that forks the workers (none loads it
    again, see `zygote`); an on-disk store is opened read-only by each spawned worker.
    Raises Unsandboxed when the workers cannot drop their network and `limits` does not allow it.
    """

    def __init__(self, source: str | Files, size: int, limits: Limits) -> None:
        self._source = source
        self._limits = limits
        self._context = multiprocessing.get_context("spawn")
        in_memory = isinstance(source, Files) or not source.startswith("oxigraph:")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._update_lock = threading.Lock()  # held by an update, and by every fork
        self._workers: set[_Worker] = set()
        self._tags = itertools.count()
        self._closed = False
        self.replaced = 0
        self._zygote = Zygote(self._context, source, limits, START_TIMEOUT) if in_memory else None
        try:
            for worker in [self._spawn() for _ in range(size)]:
                self._await_ready(worker)
                self._idle.put(worker)
        except QueryError:
            self.close()
            raise

    @property
    def sandboxed(self) -> bool:
        """Whether every live worker, and the zygote, runs without network access (a worker still
        starting has not said yet: it serves nothing until it has)."""
        with self._lock:
            workers = all(w.info.get("sandboxed") for w in self._workers if w.info)
        return workers and (self._zygote is None or self._zygote.sandboxed)

    @property
    def isolation(self) -> str:
        """What keeps queries from the network, for /healthz."""
        if self.sandboxed:
            return "queries and updates run in worker processes without network access (an empty network namespace)"
        return "none: ALLOW_UNSANDBOXED lets the query workers run with the host's network"

    def run(self, task: Task, *, timeout: float, wait: float) -> dict[str, Any]:
        """Run `task` on a worker. Raises PoolBusy, QueryTimeout or WorkerCrashed."""
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy(f"all query workers are busy (waited {wait:g} s); try again shortly") from None
        try:
            reply = worker.ask(next(self._tags), task, timeout)
        except QueryTimeout:
            self._retire(worker)
            raise
        except (EOFError, OSError):
            self._retire(worker)
            raise WorkerCrashed(self._limits.crashed()) from None
        if reply.get("error") == "memory":
            self._retire(worker)
            raise WorkerCrashed(self._limits.crashed())
        self._idle.put(worker)
        return reply

    def broadcast(self, task: UpdateTask, *, timeout: float, wait: float) -> list[dict[str, Any]]:
        """Apply `task` for every worker, or for none; the reply names the dump of the new data.

        Every worker is held first (PoolBusy if some stay busy for `wait`: nothing changed), so
        no query sees half an update; the zygote applies it (QueryTimeout or WorkerCrashed:
        nothing changed); then each worker is replaced by a fork that holds it."""
        if self._zygote is None:
            return [{"error": "read-only", "message": READ_ONLY}]
        with self._update_lock:
            held = self._hold_every_worker(wait)
            try:
                reply = self._zygote.apply(task, timeout)
            except BaseException:
                self._release(held)
                raise
            if "error" in reply:
                self._release(held)
            else:
                self._renew(held)
        return [reply]

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.stop()
            worker.conn.close()
        if self._zygote is not None:
            self._zygote.close()

    def _hold_every_worker(self, wait: float) -> list[_Worker]:
        held: list[_Worker] = []
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                missing = len(self._workers) - len(held)
            if missing <= 0:
                return held
            try:
                held.append(self._idle.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                self._release(held)
                raise PoolBusy(
                    f"an update needs every query worker at once and some stayed busy for {wait:g} s; "
                    "nothing changed; try again shortly"
                ) from None

    def _release(self, held: list[_Worker]) -> None:
        for worker in held:
            self._idle.put(worker)

    def _renew(self, held: list[_Worker]) -> None:
        """With the update lock held: replace every held worker by a fork of the updated zygote."""
        for worker in held:
            self._discard(worker)
        for _ in held:
            try:
                worker = self._spawn()
                self._await_ready(worker)
            except (QueryError, EOFError, OSError):
                threading.Thread(target=self._replace, daemon=True).start()  # once the lock is free
                continue
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        if self._zygote is not None:
            pid, conn = self._zygote.fork()
            worker = _Worker(conn, functools.partial(_kill, pid))
        else:
            conn, child = self._context.Pipe()
            process = self._context.Process(target=serve, args=(child, self._source, self._limits), daemon=True)
            process.start()
            child.close()
            worker = _Worker(conn, functools.partial(_end, process))
        with self._lock:
            self._workers.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        """Wait for a new worker's report. Raises QueryError (Unsandboxed when it refused to
        serve with network access), after stopping it."""
        try:
            if not worker.answered(START_TIMEOUT):
                raise QueryError(f"a query worker did not start within {START_TIMEOUT:g} s")
            info = worker.conn.recv()
            if not info["ready"]:
                raise Unsandboxed(info["error"])
        except (EOFError, OSError):
            self._discard(worker)
            raise QueryError("a query worker stopped while starting") from None
        except QueryError:
            self._discard(worker)
            raise
        worker.info = info

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
        worker.conn.close()

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        self._discard(worker)
        threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        """Start a worker, trying again until one is ready (the zygote may be restarting)."""
        delay = RETRY_DELAY
        while not self._closed:
            try:
                with self._update_lock:  # a fork during an update would miss it
                    worker = self._spawn()
                self._await_ready(worker)
            except (QueryError, EOFError, OSError) as exc:
                log.warning("conceptgraph: a query worker could not be replaced (%s); trying again", exc)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            self.replaced += 1
            self._idle.put(worker)
            return


def _kill(pid: int) -> None:
    """Kill a forked worker and wait until it is gone (reaped by the zygote, or a zombie left to
    whoever adopted it after its zygote died)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + KILL_WAIT
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.005)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _end(process: BaseProcess) -> None:
    """Kill a spawned worker and wait for it."""
    process.kill()
    process.join(5)
