"""The endpoint's own result writers: any term text comes out as valid, faithful SPARQL JSON."""

from __future__ import annotations

import json

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from conceptgraph.sparql.formats import write_result

# Text a literal may hold: any Unicode scalar value (no lone surrogates, which RDF cannot carry).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(value=TEXT, language=st.sampled_from(["", "da", "en-GB"]), cap=st.integers(1, 3))
def test_json_rows_round_trip(value: str, language: str, cap: int) -> None:
    store = ox.Store()
    literal = ox.Literal(value, language=language) if language else ox.Literal(value)
    for i in range(3):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), literal))
    result = store.query("SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY ?s")
    written = write_result(result, "application/sparql-results+json", cap)
    document = json.loads(written.body)
    assert document["head"]["vars"] == ["s", "o", "none"]
    rows = document["results"]["bindings"]
    assert len(rows) == min(cap, 3) and written.truncated == (cap < 3)
    assert document.get("truncated", False) == (cap < 3)
    for i, row in enumerate(rows):
        assert row["s"] == {"type": "uri", "value": f"http://e/{i}"} and "none" not in row
        expected = {"type": "literal", "value": value} | ({"xml:lang": language.lower()} if language else {})
        assert row["o"] == expected


def test_typed_literals_and_blank_nodes() -> None:
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.BlankNode("b0"),
            ox.NamedNode("http://e/n"),
            ox.Literal("4", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        )
    )
    row = json.loads(write_result(store.query("SELECT * { ?s ?p ?o }"), "application/sparql-results+json", 9).body)
    cells = row["results"]["bindings"][0]
    assert cells["s"]["type"] == "bnode" and cells["o"] == {
        "type": "literal",
        "value": "4",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
