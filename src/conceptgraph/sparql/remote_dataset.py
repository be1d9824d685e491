"""The RDF dataset a query is sent to a remote SPARQL server with.

Our endpoint decides each query's dataset (the protocol's graph parameters, else the query's
FROM / FROM NAMED, else every graph of ours), and a name the dataset does not hold stands for an
empty graph. A remote server must not be left to decide any of it: servers read FROM in their own
ways (Virtuoso merges it with the protocol's parameters instead of letting them override it, and
reads graphs of its own that are not ours), and some fetch a graph they do not hold. So the
dataset is always sent as protocol parameters naming only graphs of ours, an unknown name
becomes `empty_graph(base)` (reserved, holds nothing), and the dataset clauses are taken out of
the query's normal form (see `guard.Verdict.bare_text`), which leaves its meaning as it was,
since the parameters say the same.
"""

from __future__ import annotations

from conceptgraph.sparql.worker import Dataset


def empty_graph(base: str) -> str:
    """The reserved graph name that stands in for every graph the dataset does not hold."""
    return f"{base}sparql/empty-graph"


def remote_dataset(asked: Dataset | None, ours: tuple[str, ...], empty: str) -> tuple[tuple[str, ...], ...]:
    """The default-graph-uri and named-graph-uri values to send: only graphs of ours, `empty`
    where none is left (sending no parameter would hand the choice to the server)."""
    if asked is None:
        default = named = ours
    else:
        known = set(ours) - {empty}
        default = tuple(g for g in asked.default_graphs if g in known)
        named = tuple(g for g in asked.named_graphs if g in known)
    return default or (empty,), named or (empty,)
