"""The endpoint's query runner on a `sparql:` store: checked queries go to the remote server.

It stands where the worker pool stands for the embedded engine (same `run` and `broadcast`), so
the endpoint keeps its guard, time limit, row and byte caps and media types whichever engine
answers. The time limit is the HTTP timeout (504 when the server is slow); the caps stop reading
the streamed answer, so a million-row result is never held; a slot per allowed concurrent query
keeps a burst from piling onto the server (503 as with a full pool).
"""

from __future__ import annotations

import threading
from typing import Any

from conceptgraph.errors import QuerySyntaxError, StoreUnavailable
from conceptgraph.sparql.formats import write_result
from conceptgraph.sparql.pool import PoolBusy
from conceptgraph.sparql.remote_dataset import empty_graph, remote_dataset
from conceptgraph.sparql.worker import Task, UpdateTask, dataset_of, judge
from conceptgraph.store.remote import RemoteStore, slow_store


class RemoteRunner:
    """Runs endpoint tasks on a remote store, at most `size` at a time."""

    # The queries run in the remote engine, not in sandboxed workers of ours (so serving does not
    # need ALLOW_UNSANDBOXED); none is ever replaced.
    sandboxed = False
    isolation = "remote: queries and updates run in the SPARQL server's own engine, not in ours"
    replaced = 0

    def __init__(self, store: RemoteStore, size: int, max_bytes: int, *, base: str) -> None:
        self._store = store
        self._slots = threading.BoundedSemaphore(size)
        self._max_bytes = max_bytes
        self._empty = empty_graph(base)

    def run(self, task: Task, *, timeout: float, wait: float) -> dict[str, Any]:
        """Judge and forward one query; raises PoolBusy, StoreTimeout or StoreUnavailable.

        The server is sent the guard's normal form, the text that was judged, without its dataset
        clauses, and the dataset as protocol parameters (see `remote_dataset`): it reads only our
        graphs, and never a name it might fetch. With no worker of ours in between, the guard runs
        in this process (linear in the text, bounded by MAX_QUERY_BYTES)."""
        judged = judge(task)
        if isinstance(judged, dict):
            return judged
        verdict, media_type = judged
        default, named = remote_dataset(dataset_of(task, verdict), self._store.graphs, self._empty)
        if not self._slots.acquire(timeout=wait):
            raise PoolBusy(f"all query slots are busy (waited {wait:g} s); try again shortly")
        try:
            prologue = f"BASE <{task.base_iri}>\n" if task.base_iri else ""  # the guard wrote out every prefixed name
            result = self._store.fetch(
                prologue + verdict.bare_text, default_graphs=default, named_graphs=named, timeout=timeout
            )
            written = write_result(result, media_type, task.max_rows, max_bytes=self._max_bytes)
        except QuerySyntaxError as exc:
            return {"error": "refused", "message": str(exc)}
        except TimeoutError:
            raise slow_store(self._store.endpoints.query, timeout) from None
        except (OSError, SyntaxError) as exc:
            raise StoreUnavailable(f"the SPARQL server's answer broke off or does not parse: {exc}") from None
        finally:
            self._slots.release()
        return {"body": written.body, "rows": written.rows, "truncated": written.truncated, "media_type": media_type}

    def broadcast(self, task: UpdateTask, *, timeout: float, wait: float) -> list[dict[str, Any]]:
        """Apply an update on the server (one store, so one request)."""
        self._store.update(task.update, timeout=timeout)
        return [{"updated": True}]

    def close(self) -> None:
        """Nothing to stop: the server is not ours."""
