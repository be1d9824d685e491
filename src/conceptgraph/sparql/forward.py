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

from conceptgraph.errors import StoreTimeout, StoreUnavailable
from conceptgraph.remote import RemoteStore, too_slow
from conceptgraph.sparql.formats import write_result
from conceptgraph.sparql.pool import PoolBusy
from conceptgraph.sparql.worker import Task, UpdateTask


class RemoteRunner:
    """Runs endpoint tasks on a remote store, at most `size` at a time."""

    # The queries run in the remote engine, not in sandboxed workers of ours (so serving does not
    # need ALLOW_UNSANDBOXED); none is ever replaced.
    sandboxed = False
    isolation = "remote: queries and updates run in the SPARQL server's own engine, not in ours"
    replaced = 0

    def __init__(self, store: RemoteStore, size: int, max_bytes: int) -> None:
        self._store = store
        self._slots = threading.BoundedSemaphore(size)
        self._max_bytes = max_bytes

    def run(self, task: Task, *, timeout: float, wait: float) -> dict[str, Any]:
        """Forward one query; raises PoolBusy, StoreTimeout or StoreUnavailable."""
        if not self._slots.acquire(timeout=wait):
            raise PoolBusy(f"all query slots are busy (waited {wait:g} s); try again shortly")
        try:
            ours = self._store.graphs
            asked = task.dataset
            prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in task.prefixes)
            result = self._store.fetch(
                prologue + task.query,
                default_graphs=asked.default_graphs if asked else ours,
                named_graphs=asked.named_graphs if asked else ours,
                timeout=timeout,
            )
            written = write_result(result, task.media_type, task.max_rows, max_bytes=self._max_bytes)
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
