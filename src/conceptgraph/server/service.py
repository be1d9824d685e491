"""The running course service: the built dataset, an in-process store for the views, and the
worker pool behind the public endpoint. The web app keeps one of these in app.extensions.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from conceptgraph.assets import default_data_dir
from conceptgraph.course.build import INFO_NAME, ensure_build
from conceptgraph.errors import StoreError
from conceptgraph.graph.projection import Projection, project
from conceptgraph.sparql.forward import RemoteRunner
from conceptgraph.sparql.pool import WorkerPool
from conceptgraph.sparql.share import ClientShare
from conceptgraph.sparql.worker import Limits, UpdateTask
from conceptgraph.store.embedded import Store
from conceptgraph.store.interface import GraphStore
from conceptgraph.store.load_files import Files
from conceptgraph.store.remote import SCHEME, RemoteStore

MEMO_SIZE = 256
MEMO_BYTES = 256 * 1024 * 1024  # exports kept at most (each is bounded by MAX_RESULT_BYTES or the view)


@dataclass
class CourseService:
    """Everything a request needs to answer from the course graph."""

    settings: dict[str, Any]
    store: GraphStore
    pool: WorkerPool | RemoteRunner
    data_version: str
    graphs: dict[str, int]
    share: ClientShare
    _memo: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock)
    _update_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, settings: dict[str, Any]) -> CourseService:
        """Build the course if needed, load it, and start the query workers."""
        source: str | Path | Files
        if settings["load"]:
            source, version = Files(settings["load"], settings["base_iri"]), ""
        elif settings["store"] and settings["store"] != "memory:":
            source, version = settings["store"], ""
        elif settings["dataset"]:
            source = Path(settings["dataset"])
            version = hashlib.sha256(source.read_bytes()).hexdigest()
        else:
            data_dir = Path(settings["data_dir"]) if settings["data_dir"] else default_data_dir()
            build_dir = Path(settings["build_dir"])
            source = ensure_build(data_dir, build_dir, settings["base_iri"])
            version = json.loads((build_dir / INFO_NAME).read_text(encoding="utf-8"))["data_version"]
        store, pool = _engine(source if isinstance(source, Files) else str(source), settings)
        share = ClientShare(settings["client_share"] or math.ceil(settings["query_workers"] / 2))
        service = cls(settings, store, pool, version or _stored_version(store), store.graph_sizes(), share)
        _ = service.projection  # built now, so the first visitor does not wait for it
        if isinstance(store, RemoteStore):
            threading.Thread(target=service._watch, args=(settings["store_refresh"],), daemon=True).start()
        return service

    @property
    def base(self) -> str:
        return str(self.settings["base_iri"])

    @cached_property
    def projection(self) -> Projection:
        """The networkx projection every map view draws from (built once; the data is fixed)."""
        return project(self.store, self.base)

    def memo(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """`make()` computed once per key: the data never changes while the service runs, so a
        rendered view can be reused (at most MEMO_SIZE of them, holding at most MEMO_BYTES of
        exported bytes, least recently used dropped). Keys are views, never request headers."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = make()
        with self._memo_lock:
            self._memo[key] = value
            held = sum(_weight(v) for v in self._memo.values())
            while len(self._memo) > MEMO_SIZE or (held > MEMO_BYTES and len(self._memo) > 1):
                held -= _weight(self._memo.popitem(last=False)[1])
        return value

    def update(self, task: UpdateTask) -> dict[str, Any]:
        """Apply a checked update for the endpoint and the views, or change nothing.

        The text runs only where queries run (the zygote's sandbox, or the remote server); the
        views' in-process store is then read from the zygote's dump of the new data, so this
        process never executes update text. Returns the reply ("error" with a message when the
        engine refused it); raises QueryError (busy, overran, crashed) when nothing changed.
        One update at a time, so the views always read the latest dump."""
        with self._update_lock:
            (reply,) = self.pool.broadcast(
                task, timeout=self.settings["query_timeout"], wait=self.settings["pool_wait"]
            )
            if "error" in reply:
                return reply
            if "dump" in reply:
                self.store = Store.from_file(Path(reply["dump"]))
            self._data_changed(self.store.graph_sizes())
        return reply

    def _data_changed(self, graphs: dict[str, int]) -> None:
        """Forget the projection and rendered views, which were drawn from other data."""
        self.__dict__.pop("projection", None)
        with self._memo_lock:
            self._memo.clear()
        self.graphs = graphs

    def _watch(self, every: float) -> None:
        """A remote server's data may change under us (another `conceptgraph load`, another tool):
        every `every` seconds, compare its graphs and their sizes with ours; while it is down,
        keep serving what we have."""
        while True:
            time.sleep(every)
            try:
                graphs = self.store.graph_sizes()
            except StoreError:
                continue
            if graphs != self.graphs:
                self._data_changed(graphs)
                self.data_version = _stored_version(self.store)

    def close(self) -> None:
        self.pool.close()


def _engine(source: str | Files, settings: dict[str, Any]) -> tuple[GraphStore, WorkerPool | RemoteRunner]:
    """The views' store and the endpoint's runner: a remote server, or our own engine in workers.

    Raises Unsandboxed when our workers cannot drop their network and ALLOW_UNSANDBOXED is off."""
    workers = settings["query_workers"]
    limits = Limits(settings["max_result_bytes"], settings["worker_memory_mb"], settings["allow_unsandboxed"])
    if isinstance(source, Files):
        return source.open(), WorkerPool(source, workers, limits)
    if source.startswith(SCHEME):
        prefixes = tuple(settings["graphs"] or (settings["base_iri"],))
        remote = RemoteStore.open(source, prefixes=prefixes, timeout=settings["query_timeout"])
        return remote, RemoteRunner(remote, workers, limits.max_bytes, base=settings["base_iri"])
    return Store.from_source(source), WorkerPool(source, workers, limits)


def _weight(value: Any) -> int:
    """The bytes a memoised value holds in exported files (an export is `(bytes, note)`)."""
    parts = value if isinstance(value, tuple) else (value,)
    return sum(len(part) for part in parts if isinstance(part, bytes))


def _stored_version(store: GraphStore) -> str:
    """The data version a loaded course build records about itself, or a note that there is none."""
    rows = store.select("SELECT ?v WHERE { ?d <https://w3id.org/conceptgraph/vocab#dataVersion> ?v } LIMIT 1")
    found = [row["v"].value for row in rows]
    return found[0] if found else "unversioned store"
