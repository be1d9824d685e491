"""Every export format, read back by an independent reader; byte-identical repeats; errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from PIL import Image
from pypdf import PdfReader
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from conceptgraph.assets import default_data_dir
from conceptgraph.course.build import Build, compile_course
from conceptgraph.errors import ExportError
from conceptgraph.export import FORMATS, Snapshot, export_view, write_atomically
from conceptgraph.export.rdf import view_query
from conceptgraph.graph.projection import project
from conceptgraph.graph.views import ViewError
from conceptgraph.store.embedded import Store
from conceptgraph.vocab import DEFAULT_BASE
from tests.conftest import HOSTILE
from tests.server import RunningServer, fetch

URL = "http://course.example"


def snapshot_of(build: Build, store: Store, **args: str) -> Snapshot:
    return Snapshot.of(
        project(store, DEFAULT_BASE), store, args, public_url=URL, data_version=build.course.version, max_nodes=300
    )


@pytest.fixture(scope="module")
def theme(course: Build, store: Store) -> Snapshot:
    return snapshot_of(course, store, theme="borgerinddragelse")


def test_graphml_reads_back_with_attributes(theme: Snapshot) -> None:
    graph = nx.read_graphml(io.BytesIO(export_view(theme, "graphml")))
    assert graph.number_of_nodes() == len(theme.view.nodes)
    assert graph.number_of_edges() == len(theme.view.edges)
    node = graph.nodes["vadestoevlerne-paa"]
    assert (node["cls"], node["label_da"], node["label_en"]) == (
        "CommunicationTip",
        "Vadestøvlerne på",
        "Put your waders on",
    )
    assert node["colour"].startswith("#")
    assert graph.graph["conceptgraph_data_version"] == theme.data_version


def test_gexf_reads_back(theme: Snapshot) -> None:
    graph = nx.read_gexf(io.BytesIO(export_view(theme, "gexf")))
    assert graph.number_of_nodes() == len(theme.view.nodes)
    assert graph.number_of_edges() == len(theme.view.edges)
    assert {d["relation"] for _, _, d in graph.edges(data=True)} >= {"cg:addresses", "cg:introducedIn"}


def test_json_is_node_link_data(theme: Snapshot) -> None:
    data = json.loads(export_view(theme, "json"))
    graph = nx.node_link_graph(data, edges="links")
    assert graph.number_of_nodes() == len(theme.view.nodes) and graph.number_of_edges() == len(theme.view.edges)
    assert data["graph"]["conceptgraph_view"] == f"{URL}/map?theme=borgerinddragelse"


@pytest.mark.parametrize(("fmt", "rdf_format"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")])
def test_rdf_is_the_views_subgraph(course: Build, theme: Snapshot, fmt: str, rdf_format: str) -> None:
    exported = Graph().parse(data=export_view(theme, fmt).decode("utf-8"), format=rdf_format)
    snapshot_node = URIRef(theme.url)
    assert (snapshot_node, None, None) in exported
    exported.remove((snapshot_node, None, None))
    expected = course.merged().query(view_query(theme)).graph  # rdflib's own engine, independently
    assert isomorphic(exported, expected)


def test_csv_zip_with_bom(theme: Snapshot) -> None:
    archive = zipfile.ZipFile(io.BytesIO(export_view(theme, "csv")))
    assert sorted(archive.namelist()) == ["about.txt", "edges.csv", "nodes.csv"]
    raw = archive.read("nodes.csv")
    assert raw.startswith("\ufeff".encode())
    nodes = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8-sig"))))
    assert len(nodes) == len(theme.view.nodes) and len(edges) == len(theme.view.edges)
    assert "Vadestøvlerne på" in {row["label_da"] for row in nodes}


@pytest.fixture(scope="module")
def path_view(course: Build, store: Store) -> Snapshot:
    return snapshot_of(course, store, path="netvaerkstema-og-stoej")


def test_png_has_size_and_content(path_view: Snapshot) -> None:
    with Image.open(io.BytesIO(export_view(path_view, "png"))) as image:
        assert image.width > 600 and image.height > 200
        low, high = image.convert("L").getextrema()
    assert high - low > 100


def test_svg_parses_and_draws_its_qr_code(path_view: Snapshot) -> None:
    root = ET.fromstring(export_view(path_view, "svg"))
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Støj" in texts and f"{URL}/map?path=netvaerkstema-og-stoej" in texts
    assert list(root.iter("{http://www.w3.org/2000/svg}image")) == []  # nothing linked from outside
    squares = [p.get("d") for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("fill") == "#000000"]
    assert len(squares) == 1 and squares[0].count("z") > 100  # the QR code's dark modules


def test_pdf_has_a_page_with_the_caption(path_view: Snapshot) -> None:
    reader = PdfReader(io.BytesIO(export_view(path_view, "pdf")))
    assert len(reader.pages) == 1
    assert "netvaerkstema-og-stoej" in reader.pages[0].extract_text()


def test_handout_pdf_and_markdown(theme: Snapshot) -> None:
    reader = PdfReader(io.BytesIO(export_view(theme, "handout")))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "Hvordan vil du sikre, at borgernes bidrag indarbejdes" in text
    assert "Hurtig og detaljeret dokumentation" in text
    markdown = export_view(theme, "handout-md").decode("utf-8")
    assert markdown.count("### ") == 5 and "## Refleksion: borgerinddragelse og indflydelse" in markdown


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_same_view_gives_the_same_bytes(course: Build, store: Store, fmt: str) -> None:
    args = {"theme": "borgerinddragelse"}
    first = export_view(snapshot_of(course, store, **args), fmt)
    assert export_view(snapshot_of(course, store, **args), fmt) == first


def test_standalone_html_works_offline(browser: Any, theme: Snapshot, tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_bytes(export_view(theme, "html"))
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []

    def block(route: Any) -> None:
        if not route.request.url.startswith("file://"):
            requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", block)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(target.as_uri())
    page.wait_for_selector("body[data-map-ready=true]")
    assert page.evaluate("window.conceptgraphMap.nodes.length") == len(theme.view.nodes)
    page.evaluate("window.conceptgraphMap.select('vadestoevlerne-paa')")
    assert page.locator("#panel-title").inner_text() == "Vadestøvlerne på"
    assert requests == [] and errors == []
    context.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(default_data_dir(), data)
    label = HOSTILE.replace('"', '\\"')
    with (data / "tekst-3-aakerstroem.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n  - heading: "Udvikling gennem støj – NS elsker støj!"\n    resources:\n'
            f'      - id: fjendtlig-etiket\n        type: Concept\n        label: {{da: "{label}", en: "x"}}\n'
            "        related: [stoej]\n"
        )
    build = compile_course(data, DEFAULT_BASE)
    return snapshot_of(build, Store.from_dataset(build.dataset), focus="fjendtlig-etiket")


def test_hostile_labels_survive_every_format(hostile: Snapshot) -> None:
    node = "fjendtlig-etiket"
    assert nx.read_graphml(io.BytesIO(export_view(hostile, "graphml"))).nodes[node]["label_da"] == HOSTILE
    assert nx.read_gexf(io.BytesIO(export_view(hostile, "gexf"))).nodes[node]["label_da"] == HOSTILE
    data = json.loads(export_view(hostile, "json"))
    assert {n["id"]: n["label_da"] for n in data["nodes"]}[node] == HOSTILE
    rows = csv.DictReader(
        io.StringIO(zipfile.ZipFile(io.BytesIO(export_view(hostile, "csv"))).read("nodes.csv").decode("utf-8-sig"))
    )
    assert {r["id"]: r["label_da"] for r in rows}[node] == HOSTILE
    for fmt, rdf_format in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")):
        graph = Graph().parse(data=export_view(hostile, fmt).decode("utf-8"), format=rdf_format)
        assert HOSTILE in {str(o) for o in graph.objects()}, fmt
    svg = ET.fromstring(export_view(hostile, "svg"))
    lines = [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "<img src=x" in lines and "'æøå'" in " ".join(lines)  # wrapped over lines, as text
    page = export_view(hostile, "html").decode("utf-8")
    assert "<img src=x" not in page


def test_errors(course: Build, store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown format 'docx'"):
        export_view(snapshot_of(course, store), "docx")
    with pytest.raises(ExportError, match="the view is empty"):
        export_view(snapshot_of(course, store, text="bason", types="Barrier"), "json")
    with pytest.raises(ViewError, match="no resource 'stoj'"):
        snapshot_of(course, store, focus="stoj")
    with pytest.raises(ExportError, match="cannot write"):
        write_atomically(b"x", tmp_path / "missing" / "map.png")
    assert list(tmp_path.iterdir()) == []


def test_cli_export_and_missing_graphviz(tmp_path: Path, built: Path) -> None:
    """The export compiles the course; the one without Graphviz reads the course's build."""
    target = tmp_path / "path.png"
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "conceptgraph",
            "export",
            "--format",
            "png",
            "--path",
            "netvaerkstema-og-stoej",
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    with Image.open(target) as picture:
        assert picture.width > 600
    bare = {**os.environ, "PATH": str(tmp_path)}
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "conceptgraph",
            "export",
            "--format",
            "svg",
            "--focus",
            "stoej",
            "-o",
            str(tmp_path / "x.svg"),
            "--build-dir",
            str(built),
        ],
        capture_output=True,
        text=True,
        env=bare,
        cwd=tmp_path,
    )
    assert missing.returncode == 2
    assert "Graphviz is not installed" in missing.stderr and "apt-get install graphviz" in missing.stderr
    assert not (tmp_path / "x.svg").exists()


def test_web_export(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/export/png?path=netvaerkstema-og-stoej")
    assert reply.status == 200 and reply.headers["content-type"] == "image/png"
    assert 'filename="conceptgraph-netvaerkstema-og-stoej.png"' in reply.headers["content-disposition"]
    with Image.open(io.BytesIO(reply.body)) as picture:
        assert picture.width > 600
    assert fetch(f"{server.url}/export/docx").status == 404
    bad = fetch(f"{server.url}/export/json?depth=999&focus=stoej")
    assert bad.status == 400 and "depth" in bad.json()["error"]
