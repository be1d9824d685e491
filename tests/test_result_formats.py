"""The endpoint's own result writers: any term text comes out as valid, faithful SPARQL JSON, and
no answer in any format passes the byte cap (it is cut between rows, into a complete document)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from conceptgraph.sparql.formats import GRAPH_TYPES, TABLE_TYPES, write_result

# Text a literal may hold: any Unicode scalar value (no lone surrogates, which RDF cannot carry).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
# XML 1.0 cannot carry control characters (the XML writers do not escape them: a separate matter).
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(value=TEXT, language=st.sampled_from(["", "da", "en-GB"]), cap=st.integers(1, 3))
def test_json_rows_round_trip(value: str, language: str, cap: int) -> None:
    store = ox.Store()
    literal = ox.Literal(value, language=language) if language else ox.Literal(value)
    for i in range(3):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), literal))
    result = store.query("SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY ?s")
    written = write_result(result, "application/sparql-results+json", cap, max_bytes=2**20)
    document = json.loads(written.body)
    assert document["head"]["vars"] == ["s", "o", "none"]
    rows = document["results"]["bindings"]
    assert len(rows) == min(cap, 3) and written.truncated == ("rows" if cap < 3 else "")
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
    row = json.loads(
        write_result(store.query("SELECT * { ?s ?p ?o }"), "application/sparql-results+json", 9, max_bytes=9999).body
    )
    cells = row["results"]["bindings"][0]
    assert cells["s"]["type"] == "bnode" and cells["o"] == {
        "type": "literal",
        "value": "4",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }


def _store(values: list[str]) -> ox.Store:
    store = ox.Store()
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(value)))
    return store


def _complete(body: bytes, media_type: str) -> int:
    """How many rows (or triples) a body holds; raises if it is not a complete document."""
    if media_type in GRAPH_TYPES:
        return len(list(ox.parse(body, format=GRAPH_TYPES[media_type])))
    kind = TABLE_TYPES[media_type]
    if kind == "json":
        return len(json.loads(body)["results"]["bindings"])
    if kind == "xml":
        return len(ET.fromstring(body).findall("{http://www.w3.org/2005/sparql-results#}results/*"))
    if kind == "csv":
        return len(list(csv.reader(io.StringIO(body.decode(), newline="")))) - 1
    return len(body.decode().split("\n")) - 2


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(XML_TEXT, min_size=1, max_size=30),
    media_type=st.sampled_from([*TABLE_TYPES, *GRAPH_TYPES]),
    cap=st.integers(600, 3000),
)
def test_no_answer_passes_the_byte_cap(values: list[str], media_type: str, cap: int) -> None:
    store = _store(values)
    graph = media_type in GRAPH_TYPES
    query = "CONSTRUCT WHERE { ?s ?p ?o }" if graph else "SELECT ?s ?o WHERE { ?s ?p ?o }"
    whole = write_result(store.query(query), media_type, 1000, max_bytes=10**6)
    written = write_result(store.query(query), media_type, 1000, max_bytes=cap)
    assert len(written.body) <= cap
    assert _complete(written.body, media_type) == written.rows
    assert written.truncated == ("bytes" if written.rows < len(values) else "")
    if len(whole.body) <= cap - 256:  # what fits with room for the closing is never cut
        assert written.body == whole.body
    if TABLE_TYPES.get(media_type) == "json" and written.truncated:
        assert json.loads(written.body)["byteLimit"] == cap
