"""SPARQL Update: off by default, on only for requests bearing the operator's token."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.conftest import SERVER_SETTINGS
from tests.server import RunningServer, fetch

TOKEN = "s3cret-for-tests"
INSERT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "INSERT DATA { GRAPH <https://w3id.org/conceptgraph/graph/glossary> { "
    '<https://w3id.org/conceptgraph/id/stoej> skos:altLabel "larm"@da } }'
)


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path_factory.mktemp("writable") / "build", {**SERVER_SETTINGS, "update_token": TOKEN})
    yield running
    running.stop()


def send(server: RunningServer, update: str, token: str | None) -> int:
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return fetch(f"{server.url}/update", method="POST", data=update.encode(), headers=headers).status


def ask(server: RunningServer, query: str) -> bool:
    return fetch(f"{server.url}/sparql?{urlencode({'query': query})}").json()["boolean"]


def test_without_or_with_a_wrong_token_nothing_changes(writable: RunningServer) -> None:
    assert send(writable, INSERT, None) == 403
    assert send(writable, INSERT, "guess") == 403
    assert not ask(writable, 'ASK { ?s skos:altLabel "larm"@da }')


def test_with_the_token_every_worker_and_the_views_see_the_update(writable: RunningServer) -> None:
    assert send(writable, INSERT, TOKEN) == 204
    assert all(ask(writable, 'ASK { id:stoej skos:altLabel "larm"@da }') for _ in range(6))
    found = fetch(f"{writable.url}/api/search?q=larm").json()
    assert [r["slug"] for r in found] == ["stoej"]


@pytest.mark.parametrize(
    ("update", "fragment"),
    [
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD is not allowed"),
        ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("INSERT DATA { oops", "syntax error"),
    ],
)
def test_updates_that_would_reach_out_or_do_not_parse_are_refused(
    writable: RunningServer, update: str, fragment: str
) -> None:
    reply = fetch(
        f"{writable.url}/update",
        method="POST",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert reply.status == 400 and fragment in reply.json()["error"]


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <a:b> <a:c> 'x' } ; # a comment\r LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT DATA { <a:b> <a:c> 'x' } ; LO\\u0041D <http://127.0.0.1:9/data.ttl>",
        "INSERT DATA { <a:b> <a:c> " + "(" * 1000 + ")" * 1000 + " }",
    ],
)
def test_an_update_hidden_from_one_reader_is_refused_and_changes_nothing(writable: RunningServer, update: str) -> None:
    assert send(writable, update, TOKEN) == 400
    assert not ask(writable, "ASK { <a:b> <a:c> ?o }")
    assert ask(writable, "ASK { id:stoej ?p ?o }")


def test_an_update_runs_once_so_the_endpoint_and_the_views_hold_the_same_data(writable: RunningServer) -> None:
    """A random value shows whether the text ran once (in the sandboxed engine, whose data the
    views then read) or again elsewhere: the map's search finds the value the endpoint answers."""
    update = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "INSERT { GRAPH <https://w3id.org/conceptgraph/graph/glossary> { "
        "<https://w3id.org/conceptgraph/id/stoej> skos:altLabel ?u } } WHERE { BIND(CONCAT('u', STRUUID()) AS ?u) }"
    )
    assert send(writable, update, TOKEN) == 204
    query = "SELECT ?u WHERE { id:stoej skos:altLabel ?u FILTER(STRSTARTS(?u, 'u')) }"
    values = {
        fetch(f"{writable.url}/sparql?{urlencode({'query': query})}").json()["results"]["bindings"][0]["u"]["value"]
        for _ in range(6)
    }
    assert len(values) == 1
    found = fetch(f"{writable.url}/api/search?{urlencode({'q': values.pop()})}").json()
    assert [r["slug"] for r in found] == ["stoej"]


def test_an_on_disk_store_refuses_updates_with_a_reason(tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.conftest import load_course

    root = tmp_path_factory.mktemp("writable-disk")
    store = f"oxigraph:{root / 'store'}"
    load_course(store, root)
    running = RunningServer(root / "build", {**SERVER_SETTINGS, "update_token": TOKEN, "store": store})
    try:
        reply = fetch(
            f"{running.url}/update",
            method="POST",
            data=INSERT.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        assert reply.status == 400 and "conceptgraph load" in reply.json()["error"]
        assert not ask(running, 'ASK { ?s skos:altLabel "larm"@da }')
    finally:
        running.stop()
