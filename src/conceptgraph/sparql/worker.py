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

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError
from conceptgraph.loading import Files
from conceptgraph.sparql.formats import not_offered, write_result
from conceptgraph.sparql.guard import QueryTooLarge, Verdict, check_query
from conceptgraph.store import Store, readable_position

ENGINE_FAILED = "the query engine could not evaluate this query; check the functions and values it uses"
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


@dataclass(frozen=True)
class Dataset:
    """An explicit RDF dataset for one query (the protocol's default-graph-uri / named-graph-uri)."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Task:
    """One query to run, as the client sent it: the worker judges it and runs its normal form.

    The media types are the negotiated ones for table results (SELECT, ASK) and for graphs
    (CONSTRUCT, DESCRIBE), None where the client accepts none; only the guard learns the form.
    Without a dataset the default graph is the union of all graphs."""

    query: str
    table_type: str | None
    graph_type: str | None
    max_rows: int
    max_bytes: int
    max_depth: int
    dataset: Dataset | None = None
    prefixes: tuple[tuple[str, str], ...] = ()

    def media_type(self, form: str) -> str | None:
        """The media type a result of this query form is written in."""
        return self.graph_type if form in ("CONSTRUCT", "DESCRIBE") else self.table_type


def cut_network() -> bool:
    """Move this process into an empty network namespace; False where the kernel refuses."""
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False


def judge(task: Task) -> tuple[Verdict, str] | dict[str, Any]:
    """The guard's verdict (with the normal form to run) and the media type to write the result
    in, or the error reply that refuses the task (too large, malformed, not allowed, no
    acceptable media type)."""
    try:
        verdict = check_query(task.query, max_bytes=task.max_bytes, max_depth=task.max_depth, prefixes=task.prefixes)
    except QueryTooLarge as exc:
        return {"error": "too-large", "message": str(exc)}
    except (QuerySyntaxError, QueryNotAllowed) as exc:
        return {"error": "refused", "message": str(exc)}
    media_type = task.media_type(verdict.form)
    if media_type is None:
        return {"error": "not-acceptable", "message": not_offered(verdict.form)}
    return verdict, media_type


def dataset_of(task: Task, verdict: Verdict) -> Dataset | None:
    """The query's RDF dataset: the protocol's graph parameters, which override the query's own
    FROM / FROM NAMED, else those; None when neither names a graph (the union of every graph).

    pyoxigraph ignores FROM while the default graph is the union, so the clauses are passed as
    an explicit dataset. A name the store does not hold is an empty graph, never fetched."""
    if task.dataset is not None:
        return task.dataset
    if verdict.default_graphs or verdict.named_graphs:
        return Dataset(verdict.default_graphs, verdict.named_graphs)
    return None


def run_task(store: ox.Store, task: Task) -> dict[str, Any]:
    """Judge and run one task; the reply is plain data so it can cross the pipe.

    The guard runs here rather than in the web process: it costs Python time per token, and here
    the query's time limit bounds it (a worker that overruns is killed)."""
    judged = judge(task)
    if isinstance(judged, dict):
        return judged
    verdict, media_type = judged
    dataset = dataset_of(task, verdict)
    options: dict[str, Any] = {"use_default_graph_as_union": dataset is None, "prefixes": dict(task.prefixes)}
    if dataset is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
    try:
        result = store.query(verdict.text, **options)
        written = write_result(result, media_type, task.max_rows)
    except SyntaxError as exc:
        return {"error": "syntax", "message": f"SPARQL syntax {readable_position(exc.msg)}"}
    except (OSError, ValueError, TypeError):
        return {"error": "engine", "message": ENGINE_FAILED}
    return {"body": written.body, "rows": written.rows, "truncated": written.truncated, "media_type": media_type}


@dataclass(frozen=True)
class UpdateTask:
    """A checked SPARQL Update, applied to every worker's copy of the data."""

    update: str


def run_update(store: ox.Store, task: UpdateTask) -> dict[str, Any]:
    try:
        store.update(task.update)
    except SyntaxError as exc:
        return {"error": "syntax", "message": f"SPARQL Update syntax {readable_position(exc.msg)}"}
    except (OSError, ValueError):
        return {"error": "engine", "message": "the query engine could not apply this update"}
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
