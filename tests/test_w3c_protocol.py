"""The W3C SPARQL 1.1 Protocol tests (w3c/rdf-tests, vendored in tests/w3c/protocol/), run from
the manifest over real HTTP against a real server on every backend.

Each test record lists HTTP requests (method, path, headers, body) and what the response must
be (a status class; for a query, the kind of result and the ASK answer). The requests are sent as
the manifest writes them, with `/sparql/` replaced by our endpoint's path as the manifest allows;
the answers are parsed as SPARQL results or RDF, never matched as text. The server's dataset
holds the manifest's `ut:graphData` under the graph names the manifest gives (`data1.rdf` ...),
loaded before it starts; `data0.rdf`, which no record supplies, is a graph the dataset does not
hold, so it must answer as an empty graph.

Not applicable: the tests of the update operation that expect the update to succeed, because
`/sparql` is read-only (updates are switched off unless an operator sets a token, and then they
go to `/update`):
    update_dataset_default_graph, update_dataset_default_graphs, update_dataset_named_graphs,
    update_dataset_full, update_post_form, update_post_direct, update_base_uri.
The malformed update requests (`bad_update_*`) are run: they must get a 4xx, and do (403 or 415;
`bad_update_dataset_conflict` gets 403 because updates are off, not because the conflict is
detected). Every other record is a query test and must be listed below; a record the manifest
gains that this file does not list fails `test_every_query_test_is_run`.
"""

from __future__ import annotations

import http.client
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.query import Result

from tests.conftest import BACKENDS, SERVER_SETTINGS
from tests.server import RunningServer

HERE = Path(__file__).parent / "w3c" / "protocol"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
ENDPOINT = "/sparql"

QUERY_TESTS = (
    "query_post_form",
    "query_dataset_default_graphs_get",
    "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post",
    "query_dataset_named_graphs_get",
    "query_dataset_full",
    "query_multiple_dataset",
    "query_get",
    "query_content_type_select",
    "query_content_type_ask",
    "query_content_type_describe",
    "query_content_type_construct",
    "query_post_direct",
    "bad_query_method",
    "bad_multiple_queries",
    "bad_query_wrong_media_type",
    "bad_query_missing_form_type",
    "bad_query_missing_direct_type",
    "bad_query_non_utf8",
    "bad_query_syntax",
)
BAD_UPDATE_TESTS = (
    "bad_update_get",
    "bad_multiple_updates",
    "bad_update_wrong_media_type",
    "bad_update_missing_form_type",
    "bad_update_non_utf8",
    "bad_update_syntax",
    "bad_update_dataset_conflict",
)
NOT_APPLICABLE = (
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
)
# What a test record may say; anything else is a manifest this file does not understand yet.
REQUEST_TERMS = {RDF.type, HT.absolutePath, HT.body, HT.headers, HT.httpVersion, HT.methodName, HT.resp}
RESPONSE_TERMS = {RDF.type, MF.expectedStatus, MF.expectedBoolean, MF.expectedFormat}
STATUS_CLASSES = {HTS.StatusCode2xx: 2, HTS.StatusCode3xx: 3, HTS.StatusCode4xx: 4, HTS.StatusCode5xx: 5}
# The result formats each kind of answer may come in (the manifest's test names list them), and
# how rdflib reads each.
TABLES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
BOOLEANS = {k: v for k, v in TABLES.items() if v in ("json", "xml")}
GRAPHS = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


@dataclass(frozen=True)
class Request:
    """One HTTP request of a test record, and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]
    result: str | None
    boolean: bool | None


def manifest() -> Graph:
    return Graph().parse(HERE / "manifest.ttl", format="turtle", publicID=f"{BASE}manifest.ttl")


MANIFEST = manifest()


def entries(graph: Graph) -> list[str]:
    """The names of the manifest's test records, in its order."""
    root = next(graph.subjects(RDF.type, MF.Manifest))
    return [str(e).rpartition("#")[2] for e in Collection(graph, graph.value(root, MF.entries))]


def requests(graph: Graph, name: str) -> list[Request]:
    """The requests a test record describes, in order; fails on terms this file cannot honour."""
    action = graph.value(URIRef(f"{BASE}manifest#{name}"), MF.action)
    return [read_request(graph, node) for node in Collection(graph, graph.value(action, HT.requests))]


def read_request(graph: Graph, node: URIRef) -> Request:
    unknown = set(graph.predicates(node)) - REQUEST_TERMS
    assert not unknown, f"the manifest's request uses {unknown}, which this test does not send"
    path = str(graph.value(node, HT.absolutePath))
    assert path.startswith("/sparql/"), path
    headers = {
        str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
        for h in Collection(graph, graph.value(node, HT.headers) or RDF.nil)
    }
    body = graph.value(node, HT.body)
    sent = None
    if body is not None:
        encoding = str(graph.value(body, CNT.characterEncoding))
        sent = str(graph.value(body, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    unknown = set(graph.predicates(response)) - RESPONSE_TERMS
    assert not unknown, f"the manifest expects {unknown} of a response, which this test does not check"
    boolean = graph.value(response, MF.expectedBoolean)
    result = graph.value(response, MF.expectedFormat)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=ENDPOINT + path[len("/sparql") :].removeprefix("/"),
        headers=headers,
        body=sent,
        statuses=frozenset(STATUS_CLASSES[s] for s in graph.objects(response, MF.expectedStatus)),
        result=str(result) if result is not None else None,
        boolean=boolean.toPython() if isinstance(boolean, Literal) else None,
    )


def graph_data(graph: Graph) -> dict[str, Path]:
    """Every graph a test record supplies: its name (the label) and the vendored file."""
    found = {}
    for supplied in graph.objects(None, UT.graphData):
        name, source = str(graph.value(supplied, RDFS_LABEL)), str(graph.value(supplied, UT.graph))
        found[name] = HERE / source.rpartition("/")[2]
    return found


def write_dataset(graph: Graph, target: Path) -> Path:
    """The supplied graphs as one N-Quads file, each file's triples in the graph it is named."""
    store = ox.Store()
    for name, path in graph_data(graph).items():
        store.load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    store.dump(target, format=ox.RdfFormat.N_QUADS)
    return target


def conceptgraph_load(store_url: str, path: Path, cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "conceptgraph", "load", "--store", store_url, str(path)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module", params=BACKENDS)
def w3c_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server whose dataset is the manifest's graph data, under the manifest's graph names."""
    root = tmp_path_factory.mktemp(f"w3c-{request.param}")
    data = write_dataset(MANIFEST, root / "protocol-data.nq")
    settings = dict(SERVER_SETTINGS)
    env = None
    if request.param == "memory":
        settings["load"] = str(data)
    elif request.param == "oxigraph":
        settings["store"] = f"oxigraph:{root / 'store'}"
        conceptgraph_load(settings["store"], data, root)
    else:
        remote = request.getfixturevalue("virtuoso")
        env = remote.credentials
        conceptgraph_load(remote.store_url, data, root, env)
        settings["store"] = f"sparql:{remote.query_url}"
        settings["graphs"] = " ".join(sorted(graph_data(MANIFEST)))
    running = RunningServer(root / "build", settings, env=env)
    running.backend = request.param
    yield running
    running.stop()


def send(server: RunningServer, asked: Request) -> tuple[int, str, bytes]:
    """Send exactly the request the manifest describes (http.client adds no Content-Type)."""
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request(asked.method, asked.path, body=asked.body, headers=asked.headers)
        response = connection.getresponse()
        return response.status, response.headers.get_content_type(), response.read()
    finally:
        connection.close()


def check_result(asked: Request, media_type: str, body: bytes) -> None:
    """The answer is the kind of result the manifest expects, in one of the formats it allows."""
    if asked.result == "boolean":
        assert media_type in BOOLEANS, media_type
        parsed = Result.parse(io.BytesIO(body), format=BOOLEANS[media_type])
        assert parsed.type == "ASK"
        if asked.boolean is not None:
            assert parsed.askAnswer is asked.boolean
    elif asked.result == "tabular":
        assert media_type in TABLES, media_type
        parsed = Result.parse(io.BytesIO(body), format=TABLES[media_type])
        assert parsed.type == "SELECT"
    elif asked.result == "RDF":
        assert media_type in GRAPHS, media_type
        Graph().parse(data=body, format=GRAPHS[media_type])
    else:
        assert asked.result is None, f"unknown mf:expectedFormat {asked.result!r}"


@pytest.mark.parametrize("name", QUERY_TESTS + BAD_UPDATE_TESTS)
def test_w3c_protocol(w3c_server: RunningServer, name: str) -> None:
    for asked in requests(MANIFEST, name):
        status, media_type, body = send(w3c_server, asked)
        assert status // 100 in asked.statuses, f"{name}: {asked.method} {asked.path} -> {status} {body[:300]!r}"
        if status // 100 == 2:
            check_result(asked, media_type, body)


def test_every_query_test_is_run() -> None:
    """A record the manifest gains must be run here or said to be not applicable (an update)."""
    listed = set(QUERY_TESTS) | set(BAD_UPDATE_TESTS) | set(NOT_APPLICABLE)
    assert sorted(set(entries(MANIFEST)) - listed) == []
    assert sorted(listed - set(entries(MANIFEST))) == []
    assert all(name.startswith("update_") for name in NOT_APPLICABLE)


def test_the_dataset_tests_have_their_data() -> None:
    """The dataset tests read the manifest's own graphs, so a pass means the right graphs were used."""
    assert sorted(graph_data(MANIFEST)) == [f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3)]
