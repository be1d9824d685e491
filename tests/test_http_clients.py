"""Researchers' own tools against the running server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from tests.server import RunningServer

PREFIXES = """PREFIX cg: <https://w3id.org/conceptgraph/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
FORMS = (
    PREFIXES
    + """SELECT ?rank ?form WHERE { ?f a cg:InstitutionForm ; cg:rank ?rank ; skos:prefLabel ?form .
  FILTER(lang(?form) = "da") } ORDER BY ?rank"""
)
EXPECTED = [
    "Den uskyldige institution",
    "Den fagligt ansvarlige institution",
    "Den strategiske organisation",
    "Den potentielle organisation",
]


def wrapper(server: RunningServer, fmt: str, query: str = FORMS) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(server: RunningServer) -> None:
    data = wrapper(server, JSON).queryAndConvert()
    assert [b["form"]["value"] for b in data["results"]["bindings"]] == EXPECTED


def test_sparqlwrapper_xml(server: RunningServer) -> None:
    document = wrapper(server, XML).queryAndConvert()
    literals = [
        node.firstChild.data
        for node in document.getElementsByTagName("literal")
        if node.parentNode.getAttribute("name") == "form"
    ]
    assert literals == EXPECTED


@pytest.mark.parametrize(("fmt", "separator"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_and_tsv(server: RunningServer, fmt: str, separator: str) -> None:
    text = wrapper(server, fmt).queryAndConvert().decode("utf-8")
    lines = text.splitlines()
    assert len(lines) == 5
    assert EXPECTED[3] in lines[4].split(separator)[1]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_construct_as_turtle(server: RunningServer, method: str) -> None:
    client = wrapper(
        server,
        TURTLE,
        PREFIXES + "CONSTRUCT { ?f skos:prefLabel ?l } WHERE { ?f a cg:InstitutionForm ; skos:prefLabel ?l }",
    )
    client.setMethod(method)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert {str(o) for o in graph.objects()} >= set(EXPECTED)
    assert len(graph) == 8


def test_rdflib_sparqlstore(server: RunningServer) -> None:
    store = SPARQLStore(f"{server.url}/sparql", returnFormat="json")
    graph = Graph(store)
    rows = list(graph.query(FORMS))
    assert [str(row.form) for row in rows] == EXPECTED
    stoej = URIRef("https://w3id.org/conceptgraph/id/stoej")
    labels = set(graph.objects(stoej, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert labels == {Literal("Støj", lang="da"), Literal("Noise", lang="en")}
