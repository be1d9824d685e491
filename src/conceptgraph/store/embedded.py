"""The embedded engine: Oxigraph (pyoxigraph) in this process, in memory or on disk."""

from __future__ import annotations

import fcntl
import weakref
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError, StoreError
from conceptgraph.store.interface import STAGING, GraphStore, QueryResult, readable_position


class Store(GraphStore):
    """The embedded engine: Oxigraph in this process, in memory or on disk."""

    def __init__(self, store: ox.Store, lock: IO[str] | None = None) -> None:
        self._store = store
        if lock is not None:  # held for the store's lifetime (see `lock_beside`), released with it
            weakref.finalize(self, lock.close)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Store:
        """Load an rdflib Dataset (as built by `conceptgraph build`)."""
        store = ox.Store()
        store.load(dataset.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    @classmethod
    def open(cls, url: str, *, read_only: bool = False) -> Store:
        """The store a URL names: `memory:` (empty, in process) or `oxigraph:PATH` (on disk).

        Raises StoreError for an unknown URL, a missing store (read-only), or a store another
        process holds.
        """
        if url == "memory:":
            return cls(ox.Store())
        if not url.startswith("oxigraph:") or not url[len("oxigraph:") :]:
            raise StoreError(f"store URL {url!r} is not understood: use memory:, oxigraph:PATH or sparql:QUERY_URL")
        path = Path(url[len("oxigraph:") :])
        if read_only and not path.is_dir():
            raise StoreError(f"there is no store at {path}: load data into it first (conceptgraph load --store {url})")
        lock = lock_beside(path, shared=read_only)
        try:
            store = cls(ox.Store.read_only(str(path)) if read_only else ox.Store(str(path)), lock)
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the store at {path} is open in another process; stop that process "
                    "(a server or a load) or use another path"
                ) from None
            raise StoreError(f"cannot open the store at {path}: {exc}") from None
        if read_only and any(
            g.value.endswith(STAGING) for g in store.engine.named_graphs() if isinstance(g, ox.NamedNode)
        ):
            raise StoreError(
                f"the store at {path} holds an unfinished load (was it stopped?); run the same "
                "conceptgraph load again, which removes the remains and loads afresh"
            )
        return store

    @classmethod
    def from_source(cls, source: str) -> Store:
        """A store URL (read-only) or a dataset file, as the service and its workers are given it."""
        if source.startswith(("oxigraph:", "memory:")):
            return cls.open(source, read_only=True)
        return cls.from_file(Path(source))

    @classmethod
    def from_file(cls, path: Path) -> Store:
        """Load a dataset file: TriG (`build/dataset.trig`) or N-Quads (`.nq`)."""
        store = ox.Store()
        fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
        store.bulk_load(path=str(path), format=fmt)
        return cls(store)

    @property
    def engine(self) -> ox.Store:
        """The Oxigraph store itself, for the query workers, which need its dataset options."""
        return self._store

    def __len__(self) -> int:
        return len(self._store)

    def query(self, sparql: str, *, prologue_lines: int = 0) -> QueryResult:
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            if _is_update(sparql):
                raise QueryNotAllowed(
                    "this is a SPARQL Update; the course graph is read-only — use SELECT, ASK, CONSTRUCT or DESCRIBE"
                ) from None
            raise QuerySyntaxError(f"SPARQL syntax {readable_position(exc.msg, prologue_lines)}") from None


def lock_beside(path: Path, *, shared: bool) -> IO[str]:
    """An advisory lock next to an on-disk store: readers (a server and its workers) share it, a
    writer (a load) needs it alone. RocksDB itself does not stop a writer while readers are open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(f"{path}.lock", "a+")  # noqa: SIM115 - kept open as long as the store is
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        what = "being loaded" if shared else "open in another process (a server or a load)"
        raise StoreError(f"the store at {path} is {what}; wait for it or stop it, or use another path") from None
    return handle


def _is_update(sparql: str) -> bool:
    """Whether the text parses as a SPARQL Update (parsing only, nothing is executed)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
    except Exception:  # noqa: BLE001 - any parse failure means "not an update"
        return False
    return True
