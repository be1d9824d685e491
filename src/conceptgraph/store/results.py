"""Write query results in the formats the CLI offers.

Standard formats (SPARQL Results JSON/XML/CSV/TSV, Turtle, N-Triples, JSON-LD) come from
pyoxigraph's serialisers; only the human table is ours.
"""

from __future__ import annotations

import pyoxigraph as ox

from conceptgraph.errors import QueryError
from conceptgraph.store.interface import QueryResult, serialised
from conceptgraph.vocab import DEFAULT_BASE, PREFIXES

TABLE_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
FORMATS = ("table", *TABLE_FORMATS, *GRAPH_FORMATS)


def render(result: QueryResult, fmt: str, *, base: str = DEFAULT_BASE) -> bytes:
    """The result in format `fmt`; raises QueryError where the format does not fit the query.

    `base` lets the table show course resources as `id:slug`.
    """
    if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        if fmt == "table":
            return _table(["subject", "predicate", "object"], [list(t) for t in result], base)
        if fmt not in GRAPH_FORMATS:
            raise QueryError(
                f"--format {fmt} is for SELECT and ASK; a CONSTRUCT or DESCRIBE "
                f"query gives a graph: use {', '.join(['table', *GRAPH_FORMATS])}"
            )
        return serialised(ox.serialize(result, format=GRAPH_FORMATS[fmt]))
    if fmt in GRAPH_FORMATS:
        raise QueryError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; this query gives a table: "
            f"use {', '.join(['table', *TABLE_FORMATS])}"
        )
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return b"true\n" if bool(result) else b"false\n"
        names = [v.value for v in result.variables]
        return _table(names, [[solution[n] for n in names] for solution in result], base)
    return serialised(result.serialize(format=TABLE_FORMATS[fmt]))


def compact(term: object, base: str = DEFAULT_BASE) -> str:
    """A term as a person reads it: prefixed name, or literal text with its language tag."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in [("id", f"{base}id/"), *PREFIXES.items()]:
            if term.value.startswith(str(namespace)):
                return f"{prefix}:{term.value[len(str(namespace)) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term)


def _table(names: list[str], rows: list[list[object]], base: str) -> bytes:
    cells = [[compact(term, base) for term in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return ("\n".join(lines) + "\n").encode("utf-8")
