"""A query worker: a separate process that holds a copy of the store and runs one query at a time.

Running queries in processes is what makes the limits real: pyoxigraph cannot cancel a query or
bound its memory, so the pool kills the whole process when one runs too long, and the kernel ends
one that maps more than its memory limit (`limit_memory`); the pool then starts another. Behind
the guard, a worker drops its network access at start (an empty network namespace), so no query
can open a socket; a worker that cannot do so refuses to serve unless the operator allowed it
(ALLOW_UNSANDBOXED).

A task travels with a tag and its reply carries the tag back; a large answer's body follows as
one message of raw bytes, so it is never pickled (copied) on either side of the pipe.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from conceptgraph.errors import QueryError, QueryNotAllowed, QuerySyntaxError
from conceptgraph.sparql.formats import not_offered, write_result
from conceptgraph.sparql.guard import QueryTooLarge, Verdict, check_query
from conceptgraph.store.embedded import Store
from conceptgraph.store.interface import readable_position
from conceptgraph.store.load_files import Files

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MB = 2**20
# Bodies up to this size travel inside the pickled reply; larger ones follow it as raw bytes,
# which are never copied by pickling (on either side).
INLINE = 1 << 16


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class WorkerCrashed(QueryError):
    """The worker died while running the query (most often: it hit its memory limit)."""


class Unsandboxed(QueryError):
    """A process that runs queries could not drop its network access, and that is not allowed."""


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
    base_iri: str = ""  # what relative IRIs resolve against (the endpoint's own URL), unless a BASE says otherwise

    def media_type(self, form: str) -> str | None:
        """The media type a result of this query form is written in."""
        return self.graph_type if form in ("CONSTRUCT", "DESCRIBE") else self.table_type


@dataclass(frozen=True)
class UpdateTask:
    """A checked SPARQL Update, applied once, by the zygote (see `zygote`)."""

    update: str


@dataclass(frozen=True)
class Limits:
    """What bounds every process that runs queries or updates (from the settings)."""

    max_bytes: int  # MAX_RESULT_BYTES: the largest answer body
    memory_mb: int  # WORKER_MEMORY_MB: memory a process may take beyond what it maps at start
    allow_unsandboxed: bool  # ALLOW_UNSANDBOXED: serve even where the network cannot be cut

    def crashed(self) -> str:
        """What a client is told when a worker died under its query."""
        return (
            f"the query engine stopped while running this query: it needed more than the {self.memory_mb} MB "
            "of memory a query may use (or failed); narrow it (LIMIT, shorter values) and try again"
        )


def unsandboxed_message(reason: str) -> str:
    return (
        f"the query engine cannot drop its network access ({reason}), so a query could reach the network; "
        "run where network namespaces can be made (as root, or with unprivileged user namespaces allowed), "
        "or set CONCEPTGRAPH_ALLOW_UNSANDBOXED=1 to serve without that protection"
    )


def cut_network() -> str | None:
    """Move this process into an empty network namespace; None when done, else why it failed."""
    libc = ctypes.CDLL(None, use_errno=True)
    reason = ""
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return None
        reason = os.strerror(ctypes.get_errno())
    return f"unshare failed: {reason}"


def judge(task: Task) -> tuple[Verdict, str] | dict[str, Any]:
    """The guard's verdict (with the normal form to run) and the media type to write the result
    in, or the error reply that refuses the task (too large, malformed, not allowed, no
    acceptable media type)."""
    try:
        verdict = check_query(
            task.query, max_bytes=task.max_bytes, max_depth=task.max_depth, prefixes=task.prefixes, base=task.base_iri
        )
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


def sandbox(limits: Limits) -> bool:
    """Cut the network and bound memory; whether the network is cut. Raises Unsandboxed when it
    could not be cut and the operator did not allow that."""
    failed = cut_network()
    if failed is not None and not limits.allow_unsandboxed:
        raise Unsandboxed(unsandboxed_message(failed))
    limit_memory(limits.memory_mb)
    return failed is None


def limit_memory(megabytes: int) -> None:
    """Let this process map at most `megabytes` more private memory than it maps now.

    RLIMIT_DATA counts what grows with a query (heap, anonymous mappings: Oxigraph's and Python's
    allocations) but not shared libraries or reserved address space, so it measures the query and
    not the process's shape; over the limit, allocation fails and the process ends (Rust aborts).
    Measured on a forked worker: about 21 MB mapped at start; a 256 MB string-doubling answer
    needs over 1.6 GB."""
    mapped = _status_kb("VmData") * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (mapped + megabytes * MB, hard))


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"/proc/self/status has no {field}")


def run_task(store: ox.Store, task: Task, max_bytes: int) -> tuple[dict[str, Any], bytes]:
    """Judge and run one task: the reply (plain data) and the body (empty on error).

    The guard runs here rather than in the web process: it costs Python time per token, and here
    the query's time limit bounds it (a worker that overruns is killed). Engine errors are logged
    here and answered without their text, which may name internals."""
    judged = judge(task)
    if isinstance(judged, dict):
        return judged, b""
    verdict, media_type = judged
    dataset = dataset_of(task, verdict)
    # No prefixes: the normal form has every prefixed name written out (see guard._expand_names).
    options: dict[str, Any] = {"use_default_graph_as_union": dataset is None}
    if task.base_iri:
        options["base_iri"] = task.base_iri
    if dataset is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
    try:
        result = store.query(verdict.text, **options)
        written = write_result(result, media_type, task.max_rows, max_bytes=max_bytes)
    except SyntaxError as exc:
        return {"error": "syntax", "message": f"SPARQL syntax {_brief(readable_position(exc.msg))}"}, b""
    except MemoryError:
        return {"error": "memory"}, b""
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        print(f"conceptgraph: the query engine failed: {exc!r}", file=sys.stderr, flush=True)
        return {"error": "engine"}, b""
    return {"rows": written.rows, "truncated": written.truncated, "media_type": media_type}, written.body


def run_update(store: ox.Store, task: UpdateTask) -> dict[str, Any]:
    try:
        store.update(task.update)
    except SyntaxError as exc:
        return {"error": "syntax", "message": f"SPARQL Update syntax {_brief(readable_position(exc.msg))}"}
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"conceptgraph: the update failed: {exc!r}", file=sys.stderr, flush=True)
        return {"error": "engine", "message": "the query engine could not apply this update"}
    return {"updated": True}


def _brief(message: str) -> str:
    """The engine's syntax message, up to where it starts listing character ranges it expected."""
    first = message.split("\n", 1)[0]
    return first if len(first) <= 200 else first[:200] + " …"


def load(source: str | Files) -> ox.Store:
    """The dataset a worker answers from, loaded from what the service was given."""
    return (source.open() if isinstance(source, Files) else Store.from_source(source)).engine


def serve(conn: Connection, source: str | Files, limits: Limits) -> None:
    """A spawned worker's main: load the store, then answer tasks."""
    answer_tasks(conn, load(source), limits)


def answer_tasks(conn: Connection, store: ox.Store, limits: Limits) -> None:
    """Sandbox this process, report ready, then answer tagged tasks until the pipe closes.

    A worker that may not serve unsandboxed says why instead of ready, and ends. Counting the
    triples reads the whole store, which in a worker forked from the zygote copies the pages it
    shares (see `zygote`) before the first query rather than during it.
    """
    try:
        sandboxed = sandbox(limits)
    except Unsandboxed as exc:
        conn.send({"ready": False, "error": str(exc)})
        return
    conn.send({"ready": True, "sandboxed": sandboxed, "pid": os.getpid(), "triples": len(store)})
    while True:
        try:
            tag, task = conn.recv()
        except (EOFError, OSError):
            return
        reply, body = run_task(store, task, limits.max_bytes)
        if len(body) <= INLINE:  # one message: most answers are small
            conn.send((tag, {**reply, "body": body} if "rows" in reply else reply))
        else:
            conn.send((tag, {**reply, "size": len(body)}))
            conn.send_bytes(body)
        if reply.get("error") == "memory":
            return  # a process that ran out of memory may hold broken state: the pool replaces it
