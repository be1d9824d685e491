"""The endpoint's query runner on a `sparql:` store: checked queries go to the remote server.

It stands where the worker pool stands for the embedded engine (same `run` and `broadcast`), so
the endpoint keeps its guard, time limit, row cap and media types whichever engine answers. The
time limit is the HTTP timeout (504 when the server is slow); the row cap stops reading the
streamed answer, so a million-row result is never held; a slot per allowed concurrent query
keeps a burst from piling onto the server (503 as with a full pool).
"""

from __future__ import annotations

import threading
from typing import Any

from conceptgraph.errors import StoreTimeout, StoreUnavailable
from conceptgraph.remote import RemoteStore, too_slow
from conceptgraph.sparql.formats import write_result
from conceptgraph.sparql.pool import PoolBusy
from conceptgraph.sparql.remote_dataset import empty_graph, remote_dataset, without_dataset_clauses
from conceptgraph.sparql.worker import Task, UpdateTask


class RemoteRunner:
    """Runs endpoint tasks on a remote store, at most `size` at a time."""

    # The queries run in the remote engine, not in sandboxed workers of ours; none is ever replaced.
    sandboxed = False
    replaced = 0

    def __init__(self, store: RemoteStore, size: int, *, base: str) -> None:
        self._store = store
        self._slots = threading.BoundedSemaphore(size)
        self._empty = empty_graph(base)

    def run(self, task: Task, *, timeout: float, wait: float) -> dict[str, Any]:
        """Forward one query; raises PoolBusy, StoreTimeout or StoreUnavailable.

        The query goes without its dataset clauses and with its dataset as protocol parameters
        (see `remote_dataset`): the server reads only our graphs, and never a name it might fetch.
        """
        try:
            query = without_dataset_clauses(task.query)
        except ValueError as exc:
            return {"error": "syntax", "message": str(exc)}
        default, named = remote_dataset(task.dataset, self._store.graphs, self._empty)
        if not self._slots.acquire(timeout=wait):
            raise PoolBusy(f"all query slots are busy (waited {wait:g} s); try again shortly")
        try:
            prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in task.prefixes)
            result = self._store.fetch(prologue + query, default_graphs=default, named_graphs=named, timeout=timeout)
            written = write_result(result, task.media_type, task.max_rows)
        except TimeoutError:
            raise StoreTimeout(too_slow(self._store.endpoints.query, timeout)) from None
        except (OSError, SyntaxError) as exc:
            raise StoreUnavailable(f"the SPARQL server's answer broke off or does not parse: {exc}") from None
        finally:
            self._slots.release()
        return {"body": written.body, "rows": written.rows, "truncated": written.truncated}

    def broadcast(self, task: UpdateTask, *, timeout: float, wait: float) -> list[dict[str, Any]]:
        """Apply an update on the server (one store, so one request)."""
        self._store.update(task.update, timeout=timeout)
        return [{"updated": True}]

    def close(self) -> None:
        """Nothing to stop: the server is not ours."""
