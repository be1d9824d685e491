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
