"""On-disk stores: loading files and the course transactionally, clear errors, serving from the store."""

from __future__ import annotations

import gzip
import os
import pty
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from conceptgraph.course.build import Build
from conceptgraph.errors import StoreError
from conceptgraph.store.embedded import Store
from tests.conftest import SERVER_SETTINGS
from tests.server import RunningServer, fetch


def conceptgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conceptgraph", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


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
    assert next(iter(graphs))["n"].value == "13"


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


def test_query_and_stats_read_a_store(loaded: str, course: Build, tmp_path: Path) -> None:
    counted = conceptgraph(
        "query", "--store", loaded, "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", cwd=tmp_path
    )
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.split() == ["n", str(course.triple_count)]
    stats = conceptgraph("stats", "--store", loaded, cwd=tmp_path)
    assert stats.returncode == 0 and "ReflectionQuestion" in stats.stdout and str(course.triple_count) in stats.stdout
    refused = conceptgraph("query", "--store", "memory:", "ASK {}", cwd=tmp_path)
    assert refused.returncode == 2 and "holds nothing" in refused.stderr


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


# Triples in the file whose load into an existing store is killed: enough that staging them
# takes many polls of `_kill_when` and the swap after it seconds, so the kill lands while the load
# is under way; more only makes the reload after it (a MOVE of every triple) slower.
KILLED_LOAD = 100_000


def _big_file(folder: Path, triples: int = 300_000) -> Path:
    big = folder / "big.nt"
    big.write_text(
        "".join(f'<http://e/s{i}> <http://e/p> "value {i} æøå" .\n' for i in range(triples)), encoding="utf-8"
    )
    return big


def _kill_when(command: list[str], cwd: Path, under_way: Callable[[], bool]) -> None:
    """Start a load and SIGKILL it as soon as `under_way()` says it is writing."""
    loading = subprocess.Popen(
        [sys.executable, "-m", "conceptgraph", *command], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while not under_way() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert loading.poll() is None, "the load finished before it could be killed"
    loading.send_signal(signal.SIGKILL)
    loading.wait()


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def test_a_load_killed_half_way_into_a_store_leaves_it_consistent(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    small = tmp_path / "small.nt"
    small.write_text('<http://e/kept> <http://e/p> "kept" .\n', encoding="utf-8")
    assert conceptgraph("load", "--store", url, str(small), "--graph", "http://e/kept", cwd=tmp_path).returncode == 0
    big, before = _big_file(tmp_path, KILLED_LOAD), _size(tmp_path / "store")
    args = ["load", "--store", url, str(big), "--graph", "http://e/g"]
    _kill_when(args, tmp_path, lambda: _size(tmp_path / "store") > before + 1_000_000)
    try:
        left = len(Store.open(url, read_only=True))
        unfinished = False
    except StoreError as exc:  # killed while streaming: only staging graphs remain, and a server refuses them
        assert "unfinished load" in str(exc), exc
        unfinished = True
    else:
        assert left in (1, KILLED_LOAD + 1)  # killed before anything was written, or after the swap: never partial
    again = conceptgraph(*args, "--replace", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert ("removed what an unfinished earlier load left behind" in again.stdout) == unfinished
    store = Store.open(url, read_only=True)
    assert len(store) == KILLED_LOAD + 1
    assert sorted(g.value for g in store.engine.named_graphs()) == ["http://e/g", "http://e/kept"]


def test_a_load_killed_half_way_into_a_new_store_leaves_no_store(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    big, building = _big_file(tmp_path), tmp_path / "store.loading"
    args = ["load", "--store", url, str(big), "--graph", "http://e/g"]
    _kill_when(args, tmp_path, lambda: (building / "CURRENT").exists() and _size(building) > 1_000_000)
    assert building.exists() and not (tmp_path / "store").exists()
    with pytest.raises(StoreError, match="there is no store"):
        Store.open(url, read_only=True)
    again = conceptgraph(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "is a new store holding 300000 triples" in again.stdout and not building.exists()
    assert len(Store.open(url, read_only=True)) == 300_000


def test_on_a_terminal_the_load_draws_a_bar_and_reports_on_lines_of_their_own(tmp_path: Path) -> None:
    big = _big_file(tmp_path)
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "conceptgraph", "load", "--store", f"oxigraph:{tmp_path / 'store'}", str(big)]
    loading = subprocess.Popen(command, cwd=tmp_path, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    screen = b""
    while chunk := _read_terminal(controller):
        screen += chunk
    assert loading.wait(60) == 0, screen
    os.close(controller)
    text = screen.decode()
    assert "300,000 triples, " in text and "/s  [####" in text and "100%" in text  # the bar: count, rate
    lines = [line.split("\x1b[K")[-1] for line in text.replace("\r\n", "\n").split("\n")]
    loaded = [line for line in lines if "loaded 300000 triples" in line]
    assert loaded and all(line.startswith("loaded 300000 triples") for line in loaded), text


def _read_terminal(controller: int) -> bytes:
    try:
        return os.read(controller, 65536)
    except OSError:  # the program closed the terminal (EIO)
        return b""


def test_a_bad_file_in_a_new_store_load_leaves_no_store(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nq"
    good.write_text('<http://e/a> <http://e/b> "c" .\n', encoding="utf-8")
    bad.write_text('<http://e/a> <http://e/b> "c" <http://e/g> .\n<http://e/a> <http://e/b> .\n', encoding="utf-8")
    failed = conceptgraph("load", "--store", f"oxigraph:{tmp_path / 'store'}", str(good), str(bad), cwd=tmp_path)
    assert failed.returncode == 2
    assert f"{bad}: " in failed.stderr and "line 2" in failed.stderr and "nothing was loaded" in failed.stderr
    assert not (tmp_path / "store").exists() and not (tmp_path / "store.loading").exists()


def test_serve_loads_files_into_memory(tmp_path: Path) -> None:
    triples, quads = tmp_path / "extra.nt.gz", tmp_path / "more.trig"
    triples.write_bytes(
        gzip.compress(b'<http://e/a> <http://e/b> "\xc3\xb8" .\n<http://e/a> <http://e/c> <http://e/d> .\n')
    )
    quads.write_text("<http://e/g> { <http://e/x> <http://e/y> <http://e/z> . }\n", encoding="utf-8")
    running = RunningServer(tmp_path / "build", {**SERVER_SETTINGS, "load": f"{triples}:{quads}"})
    try:
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        reply = fetch(f"{running.url}/sparql?query={quote(query)}").json()
        counts = {row["g"]["value"]: row["n"]["value"] for row in reply["results"]["bindings"]}
        assert counts == {"http://e/g": "1", "https://w3id.org/conceptgraph/graph/extra": "2"}
        assert fetch(f"{running.url}/healthz").json()["triples"] == 3
    finally:
        running.stop()


def test_serve_load_names_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/b> .\n", encoding="utf-8")
    refused = conceptgraph("serve", "--load", str(bad), "--port", "1", cwd=tmp_path)
    assert refused.returncode == 2 and f"{bad}: " in refused.stderr and "line 1" in refused.stderr


def laughs(levels: int) -> str:
    """RDF/XML whose entities nest `levels` deep, ten references each: 3 × 10^levels characters."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(entities)
        + '\n]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">\n'
        + f'  <rdf:Description rdf:about="http://e/a"><e:p>&lol{levels};</e:p></rdf:Description>\n</rdf:RDF>\n'
    )


NAMESPACE_ENTITIES = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
    <!ENTITY rdf "http://www.w3.org/1999/02/22-rdf-syntax-ns#" >
    <!ENTITY e "http://e/" >
]>
<rdf:RDF xmlns:rdf="&rdf;" xmlns:e="&e;">
  <rdf:Description rdf:about="&e;ontology"><e:p rdf:resource="&e;thing"/></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("new", [False, True], ids=["existing store", "new store"])
@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (laughs(7), 4, "refers to another entity"),  # 30 MB: enough to see, not to hurt the machine
        (
            '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<r/>\n',
            3,
            "external",
        ),
        ('<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY % p "x">\n]>\n<r/>\n', 3, "parameter entity"),
        (
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<!doctype x [ <!ENTITY a "AAAA"> <!ENTITY b "&a;&a;"> ]>\n</rdf:RDF>\n',
            3,
            "DOCTYPE inside the document",
        ),
    ],
    ids=["billion laughs", "external entity", "parameter entity", "late doctype"],
)
def test_rdf_xml_entity_tricks_are_refused_and_the_store_is_left_as_it_was(
    tmp_path: Path, text: str, line: int, says: str, new: bool
) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    if not new:
        good = tmp_path / "good.nt"
        good.write_text('<http://e/a> <http://e/b> "c" .\n', encoding="utf-8")
        assert conceptgraph("load", "--store", url, str(good), cwd=tmp_path).returncode == 0
    bad = tmp_path / "lol.rdf"
    bad.write_text(text, encoding="utf-8")
    started = time.monotonic()
    refused = conceptgraph("load", "--store", url, str(bad), cwd=tmp_path)
    assert time.monotonic() - started < 20
    assert refused.returncode == 2, refused.stdout
    assert f"{bad}:{line}: " in refused.stderr and says in refused.stderr, refused.stderr
    if new:
        assert not (tmp_path / "store").exists()
    else:
        assert len(Store.open(url, read_only=True)) == 1


def test_entities_in_rdf_xml_are_capped_in_what_they_expand_to(tmp_path: Path) -> None:
    """Entities that do not nest can still be referenced a million times (the quadratic blow-up);
    those that abbreviate namespaces are fine."""
    value = "x" * 1000
    body = "&big;" * 30_000
    bad = tmp_path / "blowup.rdf.gz"
    bad.write_bytes(
        gzip.compress(
            f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY big "{value}"> ]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">\n'
            f'<rdf:Description rdf:about="http://e/a"><e:p>{body}</e:p></rdf:Description></rdf:RDF>\n'.encode()
        )
    )
    refused = conceptgraph("load", "--store", f"oxigraph:{tmp_path / 'store'}", str(bad), cwd=tmp_path)
    assert refused.returncode == 2 and f"{bad}:4: " in refused.stderr and "expand" in refused.stderr, refused.stderr
    assert not (tmp_path / "store").exists()
    # Entities that only abbreviate namespaces, as ontology editors write them, still load.
    url = f"oxigraph:{tmp_path / 'store'}"
    ontology = tmp_path / "ontology.owl"
    ontology.write_text(NAMESPACE_ENTITIES, encoding="utf-8")
    loaded = conceptgraph("load", "--store", url, str(ontology), cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert bool(Store.open(url, read_only=True).query("ASK { <http://e/ontology> <http://e/p> <http://e/thing> }"))
