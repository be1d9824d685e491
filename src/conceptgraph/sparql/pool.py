"""A small pre-started pool of query workers that can be killed and replaced.

A request borrows an idle worker, waits for its reply up to the time limit, and returns it.
The idle workers form a stack, so under light load the same recently used worker answers again:
its process is still scheduled and its caches are warm, which saves a tenth of a millisecond on a
cheap query against handing each query to the worker that has slept longest.
A worker that overruns is killed (its CPU is freed at once) and replaced in the background; one
that crashes is replaced the same way. When every worker is busy for longer than `wait`, the
request is refused (the web layer answers 503 with Retry-After) instead of queueing unboundedly.
"""

from __future__ import annotations

import functools
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
from typing import Any

from conceptgraph.errors import QueryError
from conceptgraph.loading import Files
from conceptgraph.sparql.worker import Task, UpdateTask, serve
from conceptgraph.sparql.zygote import Zygote

START_TIMEOUT = 120.0
KILL_WAIT = 5.0


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class PoolBusy(QueryError):
    """Every worker stayed busy for the whole waiting time."""


class WorkerCrashed(QueryError):
    """The worker died while running the query."""


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


class WorkerPool:
    """`size` worker processes answering from the dataset loaded from `source`.

    An in-memory dataset is loaded once, by a zygote that forks the workers (none loads it
    again, see `zygote`); an on-disk store is opened read-only by each spawned worker.
    """

    def __init__(self, source: str | Files, size: int) -> None:
        self._source = source
        self._context = multiprocessing.get_context("spawn")
        in_memory = isinstance(source, Files) or not source.startswith("oxigraph:")
        self._zygote = Zygote(self._context, source, START_TIMEOUT) if in_memory else None
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.replaced = 0
        for worker in [self._spawn() for _ in range(size)]:
            self._await_ready(worker)
            self._idle.put(worker)

    @property
    def sandboxed(self) -> bool:
        """Whether every live worker runs without network access."""
        with self._lock:
            return all(w.info.get("sandboxed") for w in self._workers)

    def run(self, task: Task, *, timeout: float, wait: float) -> dict[str, Any]:
        """Run `task` on a worker. Raises PoolBusy, QueryTimeout or WorkerCrashed."""
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy(f"all query workers are busy (waited {wait:g} s); try again shortly") from None
        try:
            worker.conn.send(task)
            if not worker.answered(timeout):
                self._retire(worker)
                raise QueryTimeout(
                    f"the query was stopped after the time limit of {timeout:g} s; "
                    "narrow it (LIMIT, more specific patterns) and try again"
                )
            reply: dict[str, Any] = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker)
            raise WorkerCrashed("the query engine stopped while running this query") from None
        self._idle.put(worker)
        return reply

    def broadcast(self, task: UpdateTask, *, timeout: float, wait: float) -> list[dict[str, Any]]:
        """Send `task` to every worker, holding all of them so no query sees half an update.

        The zygote applies it first, so a worker forked from now on starts with it."""
        held: list[_Worker] = []
        if self._zygote is not None:
            reply = self._zygote.apply(task)
            if "error" in reply:
                return [reply]
        try:
            for _ in range(len(self._workers)):
                held.append(self._idle.get(timeout=wait))
            replies = []
            for worker in held:
                worker.conn.send(task)
            for worker in held:
                if not worker.answered(timeout):
                    raise QueryTimeout(f"a worker did not apply the update within {timeout:g} s")
                replies.append(worker.conn.recv())
            return replies
        except queue.Empty:
            raise PoolBusy(f"all query workers are busy (waited {wait:g} s); try again shortly") from None
        finally:
            for worker in held:
                self._idle.put(worker)

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

    def _spawn(self) -> _Worker:
        if self._zygote is not None:
            pid, conn = self._zygote.fork()
            worker = _Worker(conn, functools.partial(_kill, pid))
        else:
            conn, child = self._context.Pipe()
            process = self._context.Process(target=serve, args=(child, self._source), daemon=True)
            process.start()
            child.close()
            worker = _Worker(conn, functools.partial(_end, process))
        with self._lock:
            self._workers.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.answered(START_TIMEOUT):
            raise QueryError(f"a query worker did not start within {START_TIMEOUT:g} s")
        worker.info = worker.conn.recv()

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()

    def _replace(self, dead: _Worker) -> None:
        dead.conn.close()
        if self._closed:
            return
        worker = self._spawn()
        self._await_ready(worker)
        self.replaced += 1
        self._idle.put(worker)


def _kill(pid: int) -> None:
    """Kill a forked worker and wait until it is gone (its parent, the zygote, reaps it)."""
    try:
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + KILL_WAIT
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.005)
    except ProcessLookupError:
        pass


def _end(process: BaseProcess) -> None:
    """Kill a spawned worker and wait for it."""
    process.kill()
    process.join(5)
