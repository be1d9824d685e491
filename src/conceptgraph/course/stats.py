"""Counts per class and per link type, so a facilitator sees at a glance what the course holds."""

from __future__ import annotations

from conceptgraph.store.interface import GraphStore
from conceptgraph.store.results import compact
from conceptgraph.vocab import sparql_prologue

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class .
  FILTER(STRSTARTS(STR(?class), STR(cg:)))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

LINK_COUNTS = """
SELECT ?link (COUNT(*) AS ?n) WHERE {
  ?s ?link ?o .
  FILTER(isIRI(?o) && ?link != rdf:type && STRSTARTS(STR(?s), STR(id:)))
} GROUP BY ?link ORDER BY DESC(?n) ?link
"""


def course_stats(store: GraphStore, base: str) -> dict[str, list[tuple[str, int]]]:
    """{"classes": [(name, count)], "links": [(name, count)]}, largest first."""
    prologue = sparql_prologue() + f"PREFIX id: <{base}id/>\n"
    found = {}
    for key, query in (("classes", CLASS_COUNTS), ("links", LINK_COUNTS)):
        rows = store.select(prologue + query)
        found[key] = [(compact(row[0], base), int(row[1].value)) for row in rows]
    return found


def format_stats(stats: dict[str, list[tuple[str, int]]], triples: int) -> str:
    """The counts as two aligned tables."""
    lines = [f"{triples} triples"]
    for title, key in (("Resources per class", "classes"), ("Links per type", "links")):
        rows = stats[key]
        width = max((len(name) for name, _ in rows), default=0)
        lines += ["", title] + [f"  {name.ljust(width)}  {count:>5}" for name, count in rows]
    return "\n".join(lines) + "\n"
