"""The `sparql:` store against a real Virtuoso of its own: loading, credentials, updates, and what
the service does when the server goes down, hangs and comes back."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conceptgraph.course.build import Build
from conceptgraph.errors import StoreError, StoreUnavailable
from conceptgraph.store import load_files
from conceptgraph.store.remote import Endpoints, RemoteStore, query_form
from tests.conftest import SERVER_SETTINGS, load_course
from tests.proxy import Relay
from tests.server import RunningServer, fetch
from tests.virtuoso import PASSWORD, Virtuoso

COURSE = "https://w3id.org/conceptgraph/"


@pytest.fixture(scope="module")
def own_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso for this module alone, so its writes never meet the shared suite's data."""
    running = Virtuoso(tmp_path_factory.mktemp("own-virtuoso"), time_limit=2)
    load_course(running.store_url, running.root, running.credentials, from_yaml=True)
    yield running
    running.stop()


def conceptgraph(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "conceptgraph", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env},
    )


def ask(url: str, query: str) -> object:
    return fetch(f"{url}/sparql?{urlencode({'query': query})}", headers={"Accept": "application/sparql-results+json"})


def test_the_dataset_is_our_graphs_only(own_virtuoso: Virtuoso, course: Build) -> None:
    store = RemoteStore.open(f"sparql:{own_virtuoso.query_url}", prefixes=(COURSE,), timeout=10)
    assert len(store) == course.triple_count
    assert len(store.graphs) == 13 and all(g.startswith(f"{COURSE}graph/") for g in store.graphs)
    everything = store.fetch("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=(), named_graphs=None)
    assert int(next(iter(everything))["n"].value) > course.triple_count, "Virtuoso's system graphs are there"
    assert bool(store.query("ASK { ?s ?p ?o }")) and not bool(store.query("ASK { ?s <urn:none> ?o }"))


def test_query_reads_the_server_from_the_command_line(own_virtuoso: Virtuoso, tmp_path: Path) -> None:
    query = "SELECT ?label WHERE { id:stoej skos:prefLabel ?label FILTER(lang(?label) = 'da') }"
    found = conceptgraph(
        "query", "--store", own_virtuoso.store_url, "--format", "csv", query, cwd=tmp_path, env=own_virtuoso.credentials
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines()[1:] == ["Støj"]


def test_a_bad_file_names_its_line_and_leaves_the_graph_as_it_was(own_virtuoso: Virtuoso, tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text('<http://e/a> <http://e/b> "før" .\n', encoding="utf-8")
    env = own_virtuoso.credentials
    store_url = own_virtuoso.store_url
    first = conceptgraph(
        "load", "--store", store_url, str(good), "--graph", f"{COURSE}graph/extra", cwd=tmp_path, env=env
    )
    assert first.returncode == 0, first.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text('<http://e/a> <http://e/b> "x" .\n<http://e/c> <http://e/d> ;\n', encoding="utf-8")
    failed = conceptgraph(
        "load", "--store", store_url, str(bad), "--graph", f"{COURSE}graph/extra", cwd=tmp_path, env=env
    )
    assert failed.returncode == 2
    assert f"{bad}: Parser error at line 2" in failed.stderr and "nothing from this file was loaded" in failed.stderr
    store = RemoteStore.open(f"sparql:{own_virtuoso.query_url}", prefixes=(f"{COURSE}graph/extra",), timeout=10)
    assert store.graph_sizes() == {f"{COURSE}graph/extra": 1}
    assert bool(store.query('ASK { <http://e/a> <http://e/b> "før" }'))


def test_blank_nodes_survive_batches(own_virtuoso: Virtuoso, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCEPTGRAPH_STORE_USER", "dba")
    monkeypatch.setenv("CONCEPTGRAPH_STORE_PASSWORD", PASSWORD)
    monkeypatch.setattr(load_files, "REMOTE_BATCH", 2)  # every triple below lands in another request
    data = tmp_path / "chain.ttl"
    data.write_text(
        "@prefix e: <http://e/> .\ne:x e:p _:a .\n_:a e:q _:b .\ne:y e:p e:z .\n_:b e:r e:end .\n", encoding="utf-8"
    )
    graph = f"{COURSE}graph/chain"
    store = RemoteStore.open(own_virtuoso.store_url, prefixes=(graph,), timeout=10)
    load_files.load_file(store, data, graph=graph, base=COURSE, replace=True)
    path = store.select("SELECT ?end WHERE { <http://e/x> <http://e/p>/<http://e/q>/<http://e/r> ?end }")
    assert [row["end"].value for row in path] == ["http://e/end"]


def test_wrong_credentials_are_refused_without_showing_them(own_virtuoso: Virtuoso, tmp_path: Path) -> None:
    env = {"CONCEPTGRAPH_STORE_USER": "dba", "CONCEPTGRAPH_STORE_PASSWORD": "not-the-password"}
    refused = conceptgraph("load", "--store", own_virtuoso.store_url, cwd=tmp_path, env=env)
    assert refused.returncode == 2
    assert "refused access (HTTP 401)" in refused.stderr and "not-the-password" not in refused.stderr
    in_url = own_virtuoso.store_url.replace("http://", "http://dba:dba@", 1)
    with pytest.raises(StoreError, match="credentials do not belong in the URL"):
        Endpoints.parse(in_url)


def test_digest_challenges_are_answered_once_not_per_request(
    own_virtuoso: Virtuoso, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Virtuoso's write endpoints ask for Digest; after the first challenge, batches go once."""
    monkeypatch.setenv("CONCEPTGRAPH_STORE_USER", "dba")
    monkeypatch.setenv("CONCEPTGRAPH_STORE_PASSWORD", PASSWORD)
    graph = f"{COURSE}graph/digest"
    store = RemoteStore.open(own_virtuoso.store_url, prefixes=(graph,), timeout=10)
    statuses = _count_responses(store)
    for i in range(5):
        store.post_triples(graph, f"<http://e/s{i}> <http://e/p> <http://e/o> .\n".encode())
        store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/u{i}> <http://e/p> <http://e/o> }} }}")
    assert statuses.count(401) == 2, statuses  # one per write endpoint, then never again
    assert len(statuses) == 12
    assert store.graph_sizes() == {graph: 10}
    store.update(f"DROP SILENT GRAPH <{graph}>")


def _count_responses(store: RemoteStore) -> list[int]:
    """The status of every HTTP response the store's client receives, 401s included."""
    seen: list[int] = []
    store._client.event_hooks["response"].append(lambda response: seen.append(response.status_code))
    return seen


def test_credentials_from_a_file(own_virtuoso: Virtuoso, tmp_path: Path) -> None:
    secret = tmp_path / "store-credentials"
    secret.write_text(f"dba:{PASSWORD}\n")
    loaded = conceptgraph(
        "load",
        "--store",
        own_virtuoso.store_url,
        "--replace",
        cwd=tmp_path,
        env={"CONCEPTGRAPH_STORE_CREDENTIALS": str(secret)},
    )
    assert loaded.returncode == 0, loaded.stderr


def test_updates_reach_the_server_and_the_views(own_virtuoso: Virtuoso, tmp_path: Path) -> None:
    settings = {**SERVER_SETTINGS, "store": own_virtuoso.store_url, "update_token": "t0ken"}
    running = RunningServer(tmp_path / "build", settings, env=own_virtuoso.credentials)
    try:
        update = (
            f"INSERT DATA {{ GRAPH <{COURSE}graph/glossary> {{ "
            f'<{COURSE}id/stoej> <http://www.w3.org/2004/02/skos/core#altLabel> "larm"@da }} }}'
        )
        sent = fetch(
            f"{running.url}/update",
            method="POST",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer t0ken"},
        )
        assert sent.status == 204, sent.text
        page = fetch(f"{running.url}/id/stoej.ttl")
        assert '"larm"@da' in page.text
    finally:
        running.stop()


def test_a_load_by_someone_else_reaches_the_running_service(
    own_virtuoso: Virtuoso, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {**SERVER_SETTINGS, "store": own_virtuoso.store_url, "store_refresh": "0.5"}
    running = RunningServer(tmp_path / "build", settings, env=own_virtuoso.credentials)
    try:
        before = fetch(f"{running.url}/healthz").json()["triples"]
        assert fetch(f"{running.url}/api/search?q=Nyhedsbrev").json() == []
        extra = tmp_path / "nyhed.ttl"
        extra.write_text(
            f"<{COURSE}id/nyhedsbrev> a <{COURSE}vocab#Concept> ; "
            '<http://www.w3.org/2004/02/skos/core#prefLabel> "Nyhedsbrev"@da .\n',
            encoding="utf-8",
        )
        graph = f"{COURSE}graph/nyhed"
        loaded = conceptgraph(
            "load",
            "--store",
            own_virtuoso.store_url,
            str(extra),
            "--graph",
            graph,
            cwd=tmp_path,
            env=own_virtuoso.credentials,
        )
        assert loaded.returncode == 0, loaded.stderr
        deadline = time.monotonic() + 30
        while fetch(f"{running.url}/healthz").json()["triples"] == before:
            assert time.monotonic() < deadline, "the service never noticed the new graph"
            time.sleep(0.2)
        assert fetch(f"{running.url}/healthz").json()["triples"] == before + 2
        assert [hit["slug"] for hit in fetch(f"{running.url}/api/search?q=Nyhedsbrev").json()] == ["nyhedsbrev"]
        asked = ask(running.url, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert asked.json()["boolean"] is True
    finally:
        running.stop()
        monkeypatch.setenv("CONCEPTGRAPH_STORE_USER", "dba")
        monkeypatch.setenv("CONCEPTGRAPH_STORE_PASSWORD", PASSWORD)
        RemoteStore.open(own_virtuoso.store_url, prefixes=(graph,), timeout=10).update(f"DROP SILENT GRAPH <{graph}>")


def test_down_or_hanging_server_gives_502_or_504_and_the_service_recovers(
    own_virtuoso: Virtuoso, tmp_path: Path
) -> None:
    relay = Relay(own_virtuoso.port)
    running = RunningServer(
        tmp_path / "build",
        {**SERVER_SETTINGS, "store": f"sparql:http://127.0.0.1:{relay.port}/sparql", "query_timeout": "2"},
    )
    try:
        assert ask(running.url, "ASK { ?s ?p ?o }").status == 200
        relay.down()
        down = ask(running.url, "ASK { ?s ?p ?o }")
        assert down.status == 502 and "cannot be reached" in down.json()["error"]
        turtle = fetch(f"{running.url}/id/stoej.ttl")
        assert turtle.status == 502 and "cannot be reached" in turtle.json()["error"]
        for held in ("/map?focus=stoej", "/id/stoej", "/questions"):  # drawn from what the service holds
            assert fetch(f"{running.url}{held}", headers={"Accept": "text/html"}).status == 200
        relay.up()
        relay.stall()
        started = time.monotonic()
        slow = ask(running.url, "ASK { ?s ?p ?o }")
        assert slow.status == 504 and "time limit of 2 s" in slow.json()["error"]
        assert time.monotonic() - started < 10
        relay.up()
        assert ask(running.url, "ASK { ?s ?p ?o }").status == 200
        assert fetch(f"{running.url}/id/stoej.ttl").status == 200
    finally:
        running.stop()
        relay.close()


def test_a_server_that_is_not_there_stops_start_up_with_a_clear_message() -> None:
    from tests.server import free_port

    with pytest.raises(StoreUnavailable, match="cannot reach the SPARQL server"):
        RemoteStore.open(f"sparql:http://127.0.0.1:{free_port()}/sparql", prefixes=(COURSE,), timeout=2)


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX a: <http://a#> SELECT * {}", "SELECT"),
        ("# ASK first?\nBASE <http://x/#> construct { } where { }", "CONSTRUCT"),
        ("PREFIX : <http://a/> prefix b: <http://b/>\n  ask {}", "ASK"),
        ("DESCRIBE <http://a>", "DESCRIBE"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert query_form(query) == form


def test_bad_store_urls() -> None:
    for url, fragment in (
        ("sparql:ftp://x/sparql", r"not an http\(s\) URL"),
        ("sparql:http://x/sparql;graph=http://y", "unknown part"),
    ):
        with pytest.raises(StoreError, match=fragment):
            Endpoints.parse(url)
