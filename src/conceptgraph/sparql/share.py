"""Each client's share of the query workers: how many of its queries may run at once.

Without it, one client that sends as many slow queries as there are workers holds every one of
them, and every other client waits until it gives up (503). With it, a client over its share is
answered 429 at once, before it takes a worker, and the rest of the pool stays free for others.
Clients are told apart by their address (the WSGI REMOTE_ADDR): behind a reverse proxy every
client has the proxy's address, so the share must then be raised (or the proxy must limit).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from conceptgraph.errors import QueryError


class OverShare(QueryError):
    """A client already has as many queries running as its share allows."""


class ClientShare:
    """At most `limit` running queries per client address."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, client: str) -> Iterator[None]:
        """A place for one query of `client` while the block runs. Raises OverShare."""
        with self._lock:
            if self._running[client] >= self.limit:
                raise OverShare(
                    f"this client already runs {self.limit} quer{'y' if self.limit == 1 else 'ies'} at a time, "
                    "its share of the query workers; wait for an answer, then send the next"
                )
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
