"""The SPARQL 1.1 Protocol over real HTTP: methods, media types, negotiation, datasets, errors."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import pytest
from rdflib import Dataset as RdfDataset
from rdflib import Graph, Namespace
from rdflib.namespace import RDFS

from tests.server import RunningServer, fetch

PRINCIPLES = (
    "SELECT ?rank ?p WHERE { ?x a cg:Principle ; cg:rank ?rank ; skos:prefLabel ?p . "
    "FILTER(lang(?p) = 'da') } ORDER BY ?rank"
)
CONSTRUCT = "CONSTRUCT { id:stoej ?p ?o } WHERE { id:stoej ?p ?o }"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
EMPTY_WHEN_UNKNOWN = Namespace("https://w3id.org/conceptgraph/vocab#").UnknownGraphsAreEmpty
GRAPH = "https://w3id.org/conceptgraph/graph/"


def get(server: RunningServer, query: str, accept: str | None = None, **params: str):  # noqa: ANN201
    headers = {"Accept": accept} if accept else {}
    return fetch(f"{server.url}/sparql?{urlencode({'query': query, **params})}", headers=headers)


def principles(reply) -> list[str]:  # noqa: ANN001
    data = reply.json()
    return [b["p"]["value"] for b in data["results"]["bindings"]]


def test_get_defaults_to_sparql_json(server: RunningServer) -> None:
    reply = get(server, PRINCIPLES)
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/sparql-results+json"
    assert principles(reply)[:2] == ["Blik for borgernes virkelighed", "Tænk i sammenhænge"]
    assert len(principles(reply)) == 7


def test_post_form(server: RunningServer) -> None:
    reply = fetch(
        f"{server.url}/sparql",
        method="POST",
        data=urlencode({"query": PRINCIPLES}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200 and len(principles(reply)) == 7


def test_post_direct(server: RunningServer) -> None:
    reply = fetch(
        f"{server.url}/sparql",
        method="POST",
        data=PRINCIPLES.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert reply.status == 200 and len(principles(reply)) == 7


def test_xml_results(server: RunningServer) -> None:
    reply = get(server, PRINCIPLES, "application/sparql-results+xml")
    assert reply.headers["content-type"] == "application/sparql-results+xml"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(reply.body)
    literals = root.findall("r:results/r:result/r:binding[@name='p']/r:literal", ns)
    assert [lit.text for lit in literals][0] == "Blik for borgernes virkelighed"
    assert literals[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "da"


def test_csv_results(server: RunningServer) -> None:
    reply = get(server, PRINCIPLES, "text/csv")
    assert reply.headers["content-type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(reply.text)))
    assert table[0] == ["rank", "p"] and table[1] == ["1", "Blik for borgernes virkelighed"]


def test_tsv_results(server: RunningServer) -> None:
    reply = get(server, PRINCIPLES, "text/tab-separated-values")
    lines = reply.text.splitlines()
    assert lines[0] == "?rank\t?p"
    assert lines[1] == '"1"^^<http://www.w3.org/2001/XMLSchema#integer>\t"Blik for borgernes virkelighed"@da'


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_in_every_rdf_format(server: RunningServer, accept: str, rdf_format: str) -> None:
    reply = get(server, CONSTRUCT, accept)
    assert reply.status == 200 and reply.headers["content-type"].startswith(accept)
    if rdf_format in ("nquads", "trig"):
        graph = RdfDataset()
        graph.parse(data=reply.text, format=rdf_format)
        count = sum(len(g) for g in graph.graphs())
    else:
        count = len(Graph().parse(data=reply.text, format=rdf_format))
    assert count == int(reply.headers["x-conceptgraph-rows"]) > 10


def test_ask_in_json_and_xml(server: RunningServer) -> None:
    assert get(server, "ASK { id:stoej a cg:Concept }").json() == {"head": {}, "boolean": True}
    assert get(server, "ASK { FILTER(false) }").json()["boolean"] is False
    root = ET.fromstring(get(server, "ASK {}", "application/sparql-results+xml").body)
    assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_q_values_pick_the_preferred_type(server: RunningServer) -> None:
    reply = get(server, PRINCIPLES, "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert reply.headers["content-type"] == "application/sparql-results+xml"
    assert reply.headers["vary"] == "Accept"


def test_unsupported_accept_is_406_with_the_offer(server: RunningServer) -> None:
    reply = get(server, PRINCIPLES, "image/png")
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.json()["error"]
    assert get(server, CONSTRUCT, "text/csv").status == 406


def test_format_parameter_for_clients_without_headers(server: RunningServer) -> None:
    assert get(server, PRINCIPLES, format="csv").headers["content-type"].startswith("text/csv")
    assert get(server, CONSTRUCT, format="jsonld").headers["content-type"] == "application/ld+json"
    assert get(server, PRINCIPLES, format="turtle").status == 406


def test_default_graph_is_the_union_and_graph_reaches_each_file(server: RunningServer) -> None:
    total = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()
    per_graph = get(server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").json()
    sizes = {b["g"]["value"]: int(b["n"]["value"]) for b in per_graph["results"]["bindings"]}
    assert f"{GRAPH}tekst-5-bason" in sizes and len(sizes) == 13
    assert int(total["results"]["bindings"][0]["n"]["value"]) == sum(sizes.values())


def test_default_graph_uri_selects_a_graph_within_the_dataset(server: RunningServer) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a cg:Principle }"
    only_bason = get(server, query, **{"default-graph-uri": f"{GRAPH}tekst-5-bason"}).json()
    only_glossary = get(server, query, **{"default-graph-uri": f"{GRAPH}glossary"}).json()
    assert only_bason["results"]["bindings"][0]["n"]["value"] == "7"
    assert only_glossary["results"]["bindings"][0]["n"]["value"] == "0"


def test_named_graph_uri_limits_graph_patterns(server: RunningServer) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    reply = get(server, query, **{"named-graph-uri": f"{GRAPH}glossary"}).json()
    assert [b["g"]["value"] for b in reply["results"]["bindings"]] == [f"{GRAPH}glossary"]


def test_from_names_a_graph_of_the_dataset(server: RunningServer) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}tekst-5-bason> WHERE {{ ?s a cg:Principle }}"
    assert get(server, query).json()["results"]["bindings"][0]["n"]["value"] == "7"


def count(reply) -> int:  # noqa: ANN001
    assert reply.status == 200, reply.text
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def test_from_chooses_the_default_graph(server: RunningServer) -> None:
    """FROM makes the default graph, instead of the union of all graphs, on every backend."""
    principles = "SELECT (COUNT(*) AS ?n) FROM <{}> WHERE {{ ?s a cg:Principle }}"
    assert count(get(server, principles.format(f"{GRAPH}glossary"))) == 0
    assert count(get(server, principles.format(f"{GRAPH}tekst-5-bason"))) == 7
    # FROM without FROM NAMED: the query's dataset has no named graphs.
    named = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}glossary> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(get(server, named)) == 0
    only = f"SELECT DISTINCT ?g FROM NAMED <{GRAPH}glossary> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert [b["g"]["value"] for b in get(server, only).json()["results"]["bindings"]] == [f"{GRAPH}glossary"]
    # FROM NAMED alone leaves the default graph empty.
    assert count(get(server, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH}glossary> WHERE {{ ?s ?p ?o }}")) == 0
    # The protocol's graph parameters override FROM.
    override = get(server, principles.format(f"{GRAPH}glossary"), **{"default-graph-uri": f"{GRAPH}tekst-5-bason"})
    assert count(override) == 7


@pytest.mark.parametrize("unknown", ["http://example.org/not-here", f"{GRAPH}no-such-file", "urn:x"])
def test_a_graph_the_dataset_does_not_hold_is_empty(server: RunningServer, unknown: str) -> None:
    """SPARQL's meaning of a graph name the store does not hold: an empty graph, never loaded."""
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(get(server, everything, **{"default-graph-uri": unknown})) == 0
    in_named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(get(server, in_named, **{"named-graph-uri": unknown})) == 0
    assert count(get(server, f"SELECT (COUNT(*) AS ?n) FROM <{unknown}> WHERE {{ ?s ?p ?o }}")) == 0
    assert (
        count(get(server, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{unknown}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")) == 0
    )
    # An unknown name beside a known one adds nothing to the merge.
    principles = f"SELECT (COUNT(*) AS ?n) FROM <{unknown}> FROM <{GRAPH}tekst-5-bason> WHERE {{ ?s a cg:Principle }}"
    assert count(get(server, principles)) == 7
    mixed = get(
        server,
        "SELECT ?g WHERE { GRAPH ?g { ?s a cg:Principle } } LIMIT 1",
        **{"default-graph-uri": unknown, "named-graph-uri": f"{GRAPH}tekst-5-bason"},
    )
    assert [b["g"]["value"] for b in mixed.json()["results"]["bindings"]] == [f"{GRAPH}tekst-5-bason"]


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "g"}),
        ("SELECT * WHERE { ?s ?p ?o }", {"named-graph-uri": ""}),
    ],
)
def test_a_graph_name_that_is_no_iri_is_refused(server: RunningServer, query: str, params: dict[str, str]) -> None:
    """A name that is not an absolute IRI is a malformed request (400), and it crashes no worker."""
    replaced = fetch(f"{server.url}/healthz").json()["query_workers_replaced"]
    reply = get(server, query, **params)
    assert reply.status == 400 and "absolute IRI" in reply.json()["error"]
    assert fetch(f"{server.url}/healthz").json()["query_workers_replaced"] == replaced


@pytest.mark.parametrize(
    "query", ["SELECT * FROM <g> WHERE { ?s ?p ?o }", "SELECT * FROM NAMED <g> WHERE { ?s ?p ?o }"]
)
def test_a_relative_graph_name_resolves_against_the_endpoint(server: RunningServer, query: str) -> None:
    """In a query, <g> is relative to the base IRI, the endpoint's own URL: a graph we do not hold, so empty."""
    reply = get(server, query)
    assert reply.status == 200 and reply.json()["results"]["bindings"] == []


def test_service_description(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    assert reply.status == 200 and reply.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=reply.text, format="turtle")
    assert [str(e) for e in graph.objects(None, SD.endpoint)] == [f"{server.url}/sparql"]
    assert len(list(graph.objects(None, SD.namedGraph))) == 13
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph
    dataset = next(graph.objects(None, SD.defaultDataset))
    default = graph.value(dataset, SD.defaultGraph)
    assert int(graph.value(default, VOID.triples)) > 2000


def test_service_description_says_what_an_unknown_graph_name_means(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=reply.text, format="turtle")
    service = next(graph.subjects(SD.endpoint, None))
    assert (service, SD.feature, SD.DereferencesURIs) not in graph
    dataset = graph.value(service, SD.defaultDataset)
    (comment,) = graph.objects(dataset, RDFS.comment)
    assert comment.language == "en"
    assert (service, SD.feature, EMPTY_WHEN_UNKNOWN) in graph


@pytest.mark.parametrize(
    ("path", "expect", "fragment"),
    [
        ("/sparql?query=" + quote("SELECT * WHERE {\n ?s ?p \n}"), 400, "error at line 3"),
        ("/sparql", 400, "no query"),
        ("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", 400, "two queries"),
        ("/sparql?query=" + quote("INSERT DATA { <a:b> <a:c> <a:d> }"), 400, "SPARQL Update"),
        ("/sparql?update=" + quote("CLEAR ALL"), 403, "switched off"),
        ("/update", 403, "switched off"),
    ],
)
def test_errors_carry_a_message(server: RunningServer, path: str, expect: int, fragment: str) -> None:
    reply = fetch(server.url + path)
    assert reply.status == expect
    body = reply.json()
    if server.backend == "sparql" and fragment.startswith("error at line"):
        fragment = "could not read this query"  # the remote engine finds the error; its text is not passed on
    assert body["status"] == expect and fragment in body["error"]


def test_wrong_method_and_content_type(server: RunningServer) -> None:
    assert fetch(f"{server.url}/sparql", method="PUT", data=b"x").status == 405
    assert fetch(f"{server.url}/sparql", method="DELETE").status == 405
    reply = fetch(f"{server.url}/sparql", method="POST", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert reply.status == 415 and "application/sparql-query" in reply.json()["error"]
    update = fetch(
        f"{server.url}/sparql",
        method="POST",
        data=urlencode({"update": "CLEAR ALL"}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert update.status == 403


def test_head_answers_like_get_without_a_body(server: RunningServer) -> None:
    url = f"{server.url}/sparql?query={quote('ASK {}')}"
    head = fetch(url, method="HEAD", headers={"Accept": "application/sparql-results+json"})
    got = fetch(url, headers={"Accept": "application/sparql-results+json"})
    assert head.status == got.status == 200 and head.body == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_a_very_long_accept_header_is_negotiated_too(server: RunningServer) -> None:
    """Long headers skip the negotiation cache (so they cannot fill it); the answer is the same.
    (Longer than 2 KB, they are refused before negotiation: see test_http_hostile.)"""
    accept = ", ".join(f"application/x-made-up-{i}" for i in range(60)) + ", text/csv;q=0.5"
    reply = get(server, PRINCIPLES, accept=accept)
    assert 1024 < len(accept) < 2048 and reply.status == 200 and reply.headers["content-type"].startswith("text/csv")


def test_programs_get_json_errors_and_browsers_html_pages(server: RunningServer) -> None:
    """Browsers (HTML first) pass through Flask, programs are answered in front of it: same verdict."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    data = urlencode({"query": "SELEC nonsense"}).encode()
    program = fetch(f"{server.url}/sparql", method="POST", data=data, headers={**form, "Accept": "application/json"})
    browser = fetch(f"{server.url}/sparql", method="POST", data=data, headers={**form, "Accept": "text/html"})
    assert program.status == browser.status == 400
    assert "syntax error" in program.json()["error"]
    assert browser.headers["content-type"].startswith("text/html") and "syntax error" in browser.text
    for reply in (program, browser):
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert "script-src 'self'" in reply.headers["content-security-policy"]
        assert reply.headers["access-control-allow-origin"] == "*"


def test_query_in_url_and_body_is_two_queries(server: RunningServer) -> None:
    reply = fetch(
        f"{server.url}/sparql?query=ASK%7B%7D",
        method="POST",
        data=b"ASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert reply.status == 400 and "two queries" in reply.json()["error"]


def test_cors_preflight_and_simple_request(server: RunningServer) -> None:
    preflight = fetch(
        f"{server.url}/sparql",
        method="OPTIONS",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    simple = get(server, "ASK {}")
    assert simple.headers["access-control-allow-origin"] == "*"


def test_openapi_document_is_valid(server: RunningServer) -> None:
    from openapi_spec_validator import validate

    document = fetch(f"{server.url}/openapi.json").json()
    validate(document)
    assert {"/sparql", "/healthz"} <= set(document["paths"])
    reflections = {"/annotations/", "/annotations/{id}", "/me", "/me/export", "/me/delete"}
    assert reflections <= set(document["paths"])
    assert {"get", "put", "delete"} <= set(document["paths"]["/annotations/{id}"])
    assert "delete" in document["paths"]["/me"] and "post" in document["paths"]["/annotations/"]


def test_healthz_reports_the_data_version(server: RunningServer) -> None:
    body = fetch(f"{server.url}/healthz").json()
    assert body["status"] == "ok" and len(body["data_version"]) == 64
    assert json.dumps(body)


def test_a_query_declaring_its_own_hash_namespace_finds_the_data(server: RunningServer) -> None:
    """The normal form writes prefixed names out: `skos:` declared by the query keeps its '#'."""
    query = "PREFIX s: <http://www.w3.org/2004/02/skos/core#> ASK { id:stoej s:prefLabel ?label }"
    assert get(server, query).json()["boolean"] is True
