"""On-disk stores: loading files and the course transactionally, clear errors, serving from the store."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conceptgraph.build import Build
from conceptgraph.errors import StoreError
from conceptgraph.store import Store
from tests.conftest import SERVER_SETTINGS
from tests.server import RunningServer, fetch


def conceptgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conceptgraph", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store on disk holding the course, loaded through the command line."""
    root = tmp_path_factory.mktemp("store")
    url = f"oxigraph:{root / 'course'}"
    done = conceptgraph("load", "--store", url, cwd=root)
    assert done.returncode == 0, done.stderr
    assert "<https://w3id.org/conceptgraph/graph/refleksion>" in done.stdout
    return url


def test_the_course_loads_with_every_named_graph(loaded: str, course: Build) -> None:
    store = Store.open(loaded, read_only=True)
    assert len(store) == course.triple_count
    graphs = store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert next(iter(graphs))["n"].value == "12"


def test_a_bad_file_names_its_line_and_loads_nothing(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    good = tmp_path / "good.nt.gz"
    good.write_bytes(gzip.compress(b'<http://e/a> <http://e/b> "\xc3\xb8" .\n'))
    assert conceptgraph("load", "--store", url, str(good), "--graph", "http://e/g", cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b "x" .\nex:c ex:d ;\n', encoding="utf-8")
    failed = conceptgraph("load", "--store", url, str(bad), cwd=tmp_path)
    assert failed.returncode == 2
    assert (
        f"{bad}: Parser error at line 3 column" in failed.stderr
        and "nothing from this file was loaded" in failed.stderr
    )
    store = Store.open(url, read_only=True)
    assert len(store) == 1
    assert bool(store.query('ASK { GRAPH <http://e/g> { ?s ?p "ø" } }'))


def test_a_store_in_use_is_refused_with_a_clear_message(loaded: str, tmp_path: Path) -> None:
    reader = Store.open(loaded, read_only=True)  # a server holds it like this
    refused = conceptgraph("load", "--store", loaded, cwd=tmp_path)
    assert refused.returncode == 2 and "is open in another process" in refused.stderr
    assert len(reader) > 2000


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mongo://x", "is not understood"),
        ("oxigraph:", "is not understood"),
        ("oxigraph:/nonexistent/none", "no store"),
    ],
)
def test_bad_store_urls(url: str, fragment: str) -> None:
    with pytest.raises(StoreError, match=fragment):
        Store.open(url, read_only=True)


@pytest.fixture(scope="module")
def store_server(loaded: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path_factory.mktemp("store-server") / "build", {**SERVER_SETTINGS, "store": loaded})
    yield running
    running.stop()


def test_serving_from_the_store_answers_like_the_course(store_server: RunningServer, course: Build) -> None:
    count = fetch(f"{store_server.url}/sparql?query=SELECT%20(COUNT(*)%20AS%20?n)%20WHERE%20%7B?s%20?p%20?o%7D").json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == course.triple_count
    assert fetch(f"{store_server.url}/healthz").json()["data_version"] == course.course.version
    page = fetch(f"{store_server.url}/map?path=netvaerkstema-og-stoej", headers={"Accept": "text/html"})
    assert page.status == 200 and "Spørgsmålet spørger direkte" in page.text
    assert fetch(f"{store_server.url}/id/stoej.ttl").status == 200
    assert len(fetch(f"{store_server.url}/export/json?focus=stoej").json()["nodes"]) > 3


def test_a_load_killed_half_way_leaves_a_consistent_store(tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    lines = (f'<http://e/s{i}> <http://e/p> "value {i} æøå" .\n' for i in range(150_000))
    big.write_text("".join(lines), encoding="utf-8")
    url = f"oxigraph:{tmp_path / 'store'}"
    loading = subprocess.Popen(
        [sys.executable, "-m", "conceptgraph", "load", "--store", url, str(big), "--graph", "http://e/g"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not (tmp_path / "store" / "CURRENT").exists() and time.monotonic() < deadline:
        time.sleep(0.02)  # the store exists: the load is under way
    time.sleep(0.3)
    loading.send_signal(signal.SIGKILL)
    loading.wait()
    try:
        left = len(Store.open(url, read_only=True))
        unfinished = False
    except StoreError as exc:  # killed while streaming: only staging graphs remain, and a server refuses them
        assert "unfinished load" in str(exc), exc
        unfinished = True
    else:
        assert left in (0, 150_000)  # killed before anything was written, or after the swap: never partial
    again = conceptgraph("load", "--store", url, str(big), "--graph", "http://e/g", "--replace", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert ("removed what an unfinished earlier load left behind" in again.stdout) == unfinished
    store = Store.open(url, read_only=True)
    assert len(store) == 150_000
    assert [g.value for g in store.engine.named_graphs()] == ["http://e/g"]
