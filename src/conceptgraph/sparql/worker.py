"""A query worker: a separate process that holds a copy of the store and runs one query at a time.

Running queries in processes is what makes the time limit real: pyoxigraph cannot cancel a
query, so the pool kills the whole process when one runs too long (or crashes it) and starts
another. As a second line of defence behind the guard, a worker drops its network access at
start where the kernel allows it (a private network namespace), so no query can open a socket.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from conceptgraph.loading import Files
from conceptgraph.sparql.formats import write_result
from conceptgraph.store import Store, readable_position

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


@dataclass(frozen=True)
class Dataset:
    """An explicit RDF dataset for one query (the protocol's default-graph-uri / named-graph-uri)."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """One query to run. Without a dataset the default graph is the union of all graphs."""

    query: str
    media_type: str
    max_rows: int
    dataset: Dataset | None = None
    prefixes: tuple[tuple[str, str], ...] = ()


def cut_network() -> bool:
    """Move this process into an empty network namespace; False where the kernel refuses."""
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False


def run_task(store: ox.Store, task: Task) -> dict[str, Any]:
    """Run one task; the reply is plain data so it can cross the pipe."""
    options: dict[str, Any] = {
        "use_default_graph_as_union": task.dataset is None,
        "prefixes": dict(task.prefixes),
    }
    if task.dataset is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in task.dataset.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in task.dataset.named_graphs]
    try:
        result = store.query(task.query, **options)
        written = write_result(result, task.media_type, task.max_rows)
    except SyntaxError as exc:
        return {"error": "syntax", "message": f"SPARQL syntax {readable_position(exc.msg)}"}
    except (OSError, ValueError, TypeError) as exc:
        return {"error": "engine", "message": f"the query engine failed: {exc}"}
    return {"body": written.body, "rows": written.rows, "truncated": written.truncated}


@dataclass(frozen=True)
class UpdateTask:
    """A checked SPARQL Update, applied to every worker's copy of the data."""

    update: str


def run_update(store: ox.Store, task: UpdateTask) -> dict[str, Any]:
    try:
        store.update(task.update)
    except SyntaxError as exc:
        return {"error": "syntax", "message": f"SPARQL Update syntax {readable_position(exc.msg)}"}
    except (OSError, ValueError) as exc:
        return {"error": "engine", "message": f"the update failed: {exc}"}
    return {"updated": True}


def load(source: str | Files) -> ox.Store:
    """The dataset a worker answers from, loaded from what the service was given."""
    return (source.open() if isinstance(source, Files) else Store.from_source(source)).engine


def serve(conn: Connection, source: str | Files) -> None:
    """A spawned worker's main: load the store, then answer tasks."""
    answer_tasks(conn, load(source))


def answer_tasks(conn: Connection, store: ox.Store) -> None:
    """Drop network access, report ready, then answer tasks until the pipe closes.

    Counting the triples reads the whole store, which in a worker forked from the zygote copies
    the pages it shares (see `zygote`) before the first query rather than during it.
    """
    sandboxed = cut_network()
    conn.send({"ready": True, "sandboxed": sandboxed, "pid": os.getpid(), "triples": len(store)})
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_update(store, task) if isinstance(task, UpdateTask) else run_task(store, task))
