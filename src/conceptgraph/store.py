"""The one interface every view uses to read the course graph.

Queries run on Oxigraph (pyoxigraph) in memory, with the default graph as the union of the named
graphs; rdflib remains the API for parsing, serialising and validating. Issue #3's benchmark is
where this choice is measured against rdflib's own engine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class Store:
    """A read-only course graph that answers SPARQL queries."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Store:
        """Load an rdflib Dataset (as built by `conceptgraph build`)."""
        store = ox.Store()
        store.load(dataset.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        return cls(store)

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
        """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query over the union of all graphs.

        `prologue_lines` is how many lines of PREFIX declarations the caller put in front of the
        user's text, so syntax errors report the line the user wrote. Raises QuerySyntaxError
        (with line and column) or QueryNotAllowed for an update.
        """
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            if _is_update(sparql):
                raise QueryNotAllowed(
                    "this is a SPARQL Update; the course graph is read-only — use SELECT, ASK, CONSTRUCT or DESCRIBE"
                ) from None
            raise QuerySyntaxError(f"SPARQL syntax {readable_position(exc.msg, prologue_lines)}") from None


def readable_position(message: str, lines: int = 0) -> str:
    """Rewrite pyoxigraph's 'error at L:C' as 'line L, column C', L counted after `lines` lines."""
    return re.sub(r"at (\d+):(\d+)", lambda m: f"at line {int(m[1]) - lines}, column {m[2]}", message, count=1)


def _is_update(sparql: str) -> bool:
    """Whether the text parses as a SPARQL Update (parsing only, nothing is executed)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
    except Exception:  # noqa: BLE001 - any parse failure means "not an update"
        return False
    return True
