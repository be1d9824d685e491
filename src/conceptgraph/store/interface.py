"""The one interface every view uses to read the course graph, whichever engine holds it.

`GraphStore` is what views, exports and the CLI read through: `embedded.Store` runs queries on
Oxigraph (pyoxigraph) in memory or on disk, `remote.RemoteStore` asks a SPARQL server. Both see the
default graph as the union of the named graphs. rdflib remains the API for parsing, serialising
and validating. Issue #3's benchmark is where Oxigraph was chosen over rdflib.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable

import pyoxigraph as ox

from conceptgraph.errors import QueryError

# A CONSTRUCT or DESCRIBE result is any iterable of triples (pyoxigraph's QueryTriples, or
# triples parsed from a remote server's answer).
QueryResult = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]
# Suffix of the graphs a load streams into before it swaps them in (see load_files.py).
STAGING = "#conceptgraph-staging"


class GraphStore(ABC):
    """A graph the views read; queries see the union of its named graphs as the default graph."""

    @abstractmethod
    def query(self, sparql: str, *, prologue_lines: int = 0) -> QueryResult:
        """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query over the union of all graphs.

        `prologue_lines` is how many lines of PREFIX declarations the caller put in front of the
        user's text, so syntax errors report the line the user wrote. Raises QuerySyntaxError
        (with line and column) or QueryNotAllowed for an update.
        """

    @abstractmethod
    def __len__(self) -> int:
        """How many triples the dataset holds."""

    def graph_sizes(self) -> dict[str, int]:
        """Each named graph of the dataset with its number of triples."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
        return {row["g"].value: int(row["n"].value) for row in rows}

    def select(self, sparql: str) -> ox.QuerySolutions:
        """Run a SELECT query; raises QueryError if the text is another form."""
        result = self.query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return result

    def construct(self, sparql: str) -> Iterable[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query; raises QueryError if the text is another form."""
        result = self.query(sparql)
        if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return result


def bounded(
    triples: Iterable[ox.Triple], *, max_rows: int | None, max_bytes: int | None
) -> tuple[list[ox.Triple], str]:
    """At most `max_rows` triples and `max_bytes` of them as N-Triples, read one at a time so a
    larger result is never held; with what cut it short (`limit=N`, `max-bytes=N`, or "")."""
    kept: list[ox.Triple] = []
    size = 0
    for triple in triples:
        if max_rows is not None and len(kept) >= max_rows:
            return kept, f"limit={max_rows}"
        size += len(str(triple).encode("utf-8")) + 3  # the line's " .\n"
        if max_bytes is not None and size > max_bytes:
            return kept, f"max-bytes={max_bytes}"
        kept.append(triple)
    return kept, ""


def serialised(data: bytes | None) -> bytes:
    """pyoxigraph's serialisers return None only when told to write a file; we always ask for bytes."""
    if data is None:
        raise TypeError("expected the serialised bytes, got None")
    return data


def readable_position(message: str, lines: int = 0) -> str:
    """Rewrite pyoxigraph's 'error at L:C' as 'line L, column C', L counted after `lines` lines."""
    return re.sub(r"at (\d+):(\d+)", lambda m: f"at line {int(m[1]) - lines}, column {m[2]}", message, count=1)
