"""Hostile requests to the pages, exports and the endpoint (issue 11, finding 6): each gets a 4xx
(or a 5xx with a clean message and Retry-After), never a 500 or a traceback; nothing a client puts
in its headers reaches what the service writes; no request makes the service redo or grow work
without bound."""

from __future__ import annotations

import http.client
import io
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import segno
from pypdf import PdfReader
from rdflib import Graph, Namespace

from conceptgraph.export import FORMATS
from tests.conftest import SERVER_SETTINGS, load_course
from tests.proxy import Relay
from tests.server import Reply, RunningServer
from tests.virtuoso import Virtuoso

EVIL = "evil.example"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
BASE = "https://w3id.org/conceptgraph/"
HUB_SIZE = 3000


def exchange(server: RunningServer, path: str, headers: dict[str, str] | None = None) -> Reply:
    """One request exactly as given (redirects are not followed; the Host header may be anything)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def clean_error(reply: Reply, status: int) -> str:
    """The JSON error message, checked to be the one shape and free of tracebacks."""
    assert reply.status == status, reply.body[:300]
    data = reply.json()
    assert isinstance(data, dict) and data["status"] == status
    assert "Traceback" not in data["error"]
    return str(data["error"])


# 1. The front door is the start page; with map parameters it redirects with those only.


@pytest.mark.parametrize(
    "query",
    [
        "focus=stoej&endpoint=x",
        "focus=stoej&_external=1&_scheme=https",
        "focus=stoej&_method=POST",
        "focus=stoej&values=1",
    ],
)
def test_the_front_door_passes_on_only_view_parameters(server: RunningServer, query: str) -> None:
    reply = exchange(server, f"/?{query}", {"Host": EVIL})
    assert reply.status == 302, reply.body[:300]
    location = urlsplit(reply.headers["location"])
    assert location.netloc in ("", f"127.0.0.1:{server.port}") and location.path == "/map"
    assert location.query == "focus=stoej"


@pytest.mark.parametrize("query", ["endpoint=x", "_external=1&_scheme=https", "_method=POST", "values=1"])
def test_the_front_door_without_map_parameters_is_the_start_page(server: RunningServer, query: str) -> None:
    reply = exchange(server, f"/?{query}", {"Host": EVIL, "Accept": "text/html"})
    assert reply.status == 200 and EVIL not in reply.text


def test_the_front_door_keeps_every_view_parameter(server: RunningServer) -> None:
    view = {"focus": "stoej", "depth": "2", "types": "Concept", "lang": "en", "embed": "1"}
    reply = exchange(server, "/?" + urlencode({**view, "junk": "1"}))
    assert reply.status == 302
    assert dict(re.findall(r"([^?&=]+)=([^&]*)", reply.headers["location"])) == view


@pytest.mark.parametrize("extra", ["endpoint=x", "_external=1"])
def test_search_redirects_pass_on_only_view_parameters(server: RunningServer, extra: str) -> None:
    reply = exchange(server, f"/map?q=st%C3%B8j&{extra}", {"Host": EVIL})
    assert reply.status == 302, reply.body[:300]
    assert EVIL not in reply.headers["location"] and "focus=stoej" in reply.headers["location"]
    assert extra.split("=")[0] not in reply.headers["location"]


# 2. Oversized headers are refused before anything parses them.

HUGE_ACCEPT = "text/html;q=0.1," + ",".join(f"application/x-{i};q=0.5" for i in range(12_000))


PATHS = ["/healthz", "/sparql?query=ASK%7B%7D", "/map", "/id/stoej", "/export/json", "/x"]


@pytest.mark.parametrize("path", [f"/%5C{EVIL}", f"/%5C%5C{EVIL}/x", f"/%09/{EVIL}", f"//{EVIL}", f"/%2F{EVIL}"])
def test_the_language_switch_stays_on_this_site(server: RunningServer, path: str) -> None:
    """The "English" link repeats the path: `/%5Cevil.example` made it href="/\\evil.example",
    which a browser reads as //evil.example, so a link to our own 404 page sent a participant on
    to a page that could ask for their passphrase."""
    page = exchange(server, path, {"Accept": "text/html"})
    (href,) = re.findall(r'class="lang-switch" href="([^"]*)"', page.text)
    assert href.startswith("/") and href[1:2] not in ("/", "\\"), href
    assert not re.search(r"[\\\s]", href), href


@pytest.mark.parametrize("path", PATHS)
def test_a_huge_accept_header_is_refused_quickly(server: RunningServer, path: str) -> None:
    assert len(HUGE_ACCEPT) > 300_000
    started = time.monotonic()
    reply = exchange(server, path, {"Accept": HUGE_ACCEPT})
    assert time.monotonic() - started < 0.5
    assert reply.status == 431  # from the HTTP server itself: this head is larger than any query needs


@pytest.mark.parametrize("path", PATHS)
def test_a_long_accept_header_is_refused_before_negotiation(server: RunningServer, path: str) -> None:
    message = clean_error(exchange(server, path, {"Accept": HUGE_ACCEPT[:5000]}), 431)
    assert "Accept header is 5000 bytes" in message and "at most 2048" in message


def test_any_huge_header_is_refused_and_normal_ones_pass(server: RunningServer) -> None:
    assert "X-Padding" in clean_error(exchange(server, "/healthz", {"X-Padding": "a" * 20_000}), 431)
    many = {f"X-Padding-{i}": "a" * 4000 for i in range(20)}
    assert "headers" in clean_error(exchange(server, "/healthz", many), 431)
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    assert exchange(server, "/map", {"Accept": browser, "Cookie": "a=" + "b" * 3000}).status == 200
    rdflib_like = ", ".join(f"application/x-type-{i};q=0.{i % 9 + 1}" for i in range(40))
    assert exchange(server, "/sparql?query=ASK%7B%7D", {"Accept": rdflib_like + ", */*;q=0.1"}).status == 200


# 3. The Host header reaches nothing the service writes: links and QR codes use PUBLIC_URL.

PATH_VIEW = "path=netvaerkstema-og-stoej"


def test_no_export_changes_with_the_host_header(server: RunningServer) -> None:
    for fmt in FORMATS:
        if fmt in ("handout", "handout-md"):
            view = "theme=borgerinddragelse"
        else:
            view = PATH_VIEW
        hostile = exchange(server, f"/export/{fmt}?{view}", {"Host": EVIL})
        assert hostile.status == 200, (fmt, hostile.body[:300])
        assert EVIL.encode() not in hostile.body, fmt
        assert hostile.body == exchange(server, f"/export/{fmt}?{view}").body, fmt


def test_pictures_link_to_the_public_url(server: RunningServer) -> None:
    live = f"{server.url}/map?{PATH_VIEW}"
    svg = exchange(server, f"/export/svg?{PATH_VIEW}", {"Host": EVIL}).text
    assert live in "".join(ET.fromstring(svg).itertext())
    assert _qr_modules(svg) == _modules(segno.make(live, error="m").matrix)
    standalone = exchange(server, f"/export/html?{PATH_VIEW}", {"Host": EVIL}).text
    assert live in standalone and EVIL not in standalone
    handout = exchange(server, "/export/handout?theme=borgerinddragelse", {"Host": EVIL}).body
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handout)).pages)
    assert f"{server.url}/map?theme=borgerinddragelse" in text.replace("\n", "")


def test_the_service_description_names_the_public_url(server: RunningServer) -> None:
    reply = exchange(server, "/sparql", {"Host": EVIL, "Accept": "text/turtle"})
    assert reply.status == 200
    graph = Graph().parse(data=reply.text, format="turtle")
    assert [str(e) for e in graph.objects(None, SD.endpoint)] == [f"{server.url}/sparql"]
    assert EVIL not in reply.text


def _qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark squares of the vector QR code an SVG export draws, as (column, row) from its corner."""
    path = re.search(r'<path fill="#000000" d="([^"]+)"', svg)
    assert path is not None, "the SVG has no vector QR code"
    corners = [(float(x), float(y)) for x, y in re.findall(r"M(-?[\d.]+) (-?[\d.]+)h", path.group(1))]
    module = float(re.search(r"h([\d.]+)v", path.group(1)).group(1))  # type: ignore[union-attr]
    left, top = min(x for x, _ in corners), min(y for _, y in corners)
    return {(round((x - left) / module), round((y - top) / module)) for x, y in corners}


def _modules(matrix: Any) -> set[tuple[int, int]]:
    dark = {(col, row) for row, line in enumerate(matrix) for col, on in enumerate(line) if on}
    left, top = min(c for c, _ in dark), min(r for _, r in dark)
    return {(c - left, r - top) for c, r in dark}


# 4. A remote store's failure is answered cleanly; the details go to the log.


@pytest.fixture(scope="module")
def relayed(virtuoso: Virtuoso, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Relay]]:
    """A server on the shared Virtuoso through a relay that a test can take down."""
    relay = Relay(virtuoso.port)
    root = tmp_path_factory.mktemp("relayed")
    load_course(virtuoso.store_url, root, virtuoso.credentials)
    running = RunningServer(
        root / "build", {**SERVER_SETTINGS, "store": f"sparql:http://127.0.0.1:{relay.port}/sparql"}
    )
    yield running, relay
    running.stop()
    relay.close()


def test_a_store_that_is_down_is_a_clean_502(relayed: tuple[RunningServer, Relay]) -> None:
    running, relay = relayed
    relay.down()
    try:
        for path, headers in (
            ("/sparql?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"}),
            ("/id/stoej.ttl", {}),
            ("/export/ttl?focus=stoej", {}),
        ):
            reply = exchange(running, path, headers)
            message = clean_error(reply, 502)
            assert reply.headers["retry-after"]
            assert str(relay.port) not in message and "http" not in message and "Connection refused" not in message
            assert "try again" in message
        page = exchange(running, "/id/stoej.ttl", {"Accept": "text/html"})
        assert page.status == 502 and str(relay.port) not in page.text
        assert 'lang="da"' in page.text and "prøv igen" in page.text
    finally:
        relay.up()
    assert f"127.0.0.1:{relay.port}" in running.log.read_text(), "the details belong in the log"


def test_the_remote_engines_error_text_is_not_passed_on(relayed: tuple[RunningServer, Relay]) -> None:
    running, _ = relayed
    # Virtuoso refuses what it cannot compile, with its own error code and text (SR... / 37000).
    query = 'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "(")) } LIMIT 1'
    reply = exchange(running, "/sparql?" + urlencode({"query": query}), {"Accept": "application/sparql-results+json"})
    message = clean_error(reply, 502)
    assert "Virtuoso" not in message and "SR" not in message and "127.0.0.1" not in message
    assert "Virtuoso" in running.log.read_text()


# 7-9. A hub with thousands of links, huge literals, and tiny limits: work is done once and bounded.


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A memory store holding a hub concept with HUB_SIZE neighbours and a node whose literals are
    large; the row cap is 100, answers are capped at 30 kB and Graphviz may take 10 ms."""
    root = tmp_path_factory.mktemp("hub")
    data = root / "hub.ttl"
    lines = [
        f"@prefix cg: <{BASE}vocab#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        f'<{BASE}id/hub> a cg:Concept ; skos:prefLabel "Knudepunkt"@da, "Hub"@en .',
        f'<{BASE}id/tung> a cg:Concept ; skos:prefLabel "Tung"@da ; skos:related <{BASE}id/hub> ; '
        + " ; ".join(f'skos:definition "{str(i) * 20_000}"' for i in range(5))
        + " .",
    ]
    lines += [
        f'<{BASE}id/c{i}> a cg:Concept ; skos:prefLabel "Begreb {i}"@da ; skos:related <{BASE}id/hub> .'
        for i in range(HUB_SIZE)
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = {
        **SERVER_SETTINGS,
        "load": str(data),
        "max_rows": "100",
        "max_result_bytes": "30000",
        "draw_timeout": "0.01",
    }
    running = RunningServer(root / "build", settings)
    yield running
    running.stop()


def test_a_hub_page_and_its_exports_are_computed_once(hub_server: RunningServer) -> None:
    """Eight more rounds of visits, each with other headers, take less than three first rounds:
    recomputed, they would take about eight (the bound is relative, so a busy machine is fair)."""
    paths = ("/id/hub", "/id/hub?lang=en", "/export/html?focus=hub", "/export/json?focus=hub")
    started = time.monotonic()
    for path in paths:  # the first visit computes
        assert exchange(hub_server, path).status == 200
    first = time.monotonic() - started
    started = time.monotonic()
    for i in range(8):
        for path in paths:
            headers = {"Host": f"h{i}.{EVIL}", "Accept-Language": f"x-{i}", "User-Agent": f"ua-{i}"}
            assert exchange(hub_server, path, headers).status == 200
    assert time.monotonic() - started < 3 * first, "each visit should reuse the rendered view"


def test_a_hubs_rdf_twin_is_capped_in_rows(hub_server: RunningServer) -> None:
    reply = exchange(hub_server, "/id/hub.nt")
    assert reply.status == 200
    assert len(Graph().parse(data=reply.text, format="nt")) == 100
    assert reply.headers["x-conceptgraph-truncated"] == "true; limit=100"
    small = exchange(hub_server, "/id/c7.ttl")
    assert small.status == 200 and "x-conceptgraph-truncated" not in small.headers


def test_an_rdf_twin_with_huge_literals_is_capped_in_bytes(hub_server: RunningServer) -> None:
    reply = exchange(hub_server, "/id/tung.nt", {"Accept": "application/n-triples"})
    assert reply.status == 200 and len(reply.body) <= 30_000
    assert reply.headers["x-conceptgraph-truncated"] == "true; max-bytes=30000"
    assert len(Graph().parse(data=reply.text, format="nt")) >= 1


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_rdf_exports_of_a_large_view_are_capped(hub_server: RunningServer, fmt: str) -> None:
    reply = exchange(hub_server, f"/export/{fmt}?focus=hub")
    assert reply.status == 200
    assert reply.headers["x-conceptgraph-truncated"] == "true; limit=100"
    graph = Graph().parse(data=reply.text, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    assert len(graph) <= 100 + 10  # the view's triples, plus the snapshot's own description
    assert any("truncated" in str(o) for o in graph.objects()), "the file itself says it is incomplete"


# 8. Graphviz has a time limit.


def test_graphviz_past_its_time_limit_is_a_clear_error(hub_server: RunningServer) -> None:
    for fmt in ("png", "svg", "pdf"):
        reply = exchange(hub_server, f"/export/{fmt}?focus=hub")
        message = clean_error(reply, 503)
        assert reply.headers["retry-after"] and "0.01 s" in message and "smaller view" in message
    page = exchange(hub_server, "/export/png?focus=hub", {"Accept": "text/html"})
    assert page.status == 503 and 'lang="da"' in page.text and "mindre udsnit" in page.text
    english = exchange(hub_server, "/export/png?focus=hub&lang=en", {"Accept": "text/html"})
    assert english.status == 503 and "smaller view" in english.text
    assert exchange(hub_server, "/healthz").status == 200
