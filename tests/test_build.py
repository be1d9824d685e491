"""The build: round trips are lossless, output is byte-for-byte reproducible, provenance is recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from conceptgraph.course.build import TRIG_NAME, TURTLE_NAME, Build, serialise
from conceptgraph.course.load import load_course
from conceptgraph.course.to_rdf import course_dataset
from conceptgraph.vocab import CG, DEFAULT_BASE, graph_iri, resource_iri


def test_trig_round_trip_keeps_every_named_graph(course: Build) -> None:
    parsed = Dataset()
    parsed.parse(data=serialise(course)[TRIG_NAME].decode(), format="trig")
    built = {g.identifier: g for g in course.dataset.graphs() if len(g)}
    read = {g.identifier: g for g in parsed.graphs() if len(g)}
    assert set(built) == set(read)
    assert len(built) == 13  # eleven data files (the tours' among them), the vocabulary and the build description
    for name, graph in built.items():
        assert isomorphic(graph, read[name]), name


def test_turtle_round_trip_is_isomorphic(course: Build) -> None:
    parsed = Graph()
    parsed.parse(data=serialise(course)[TURTLE_NAME].decode(), format="turtle")
    assert isomorphic(parsed, course.merged())


def test_each_graph_records_its_source_and_hash(course: Build) -> None:
    graph = course.dataset.graph(graph_iri(DEFAULT_BASE, "tekst-5-bason"))
    source = graph.value(graph.identifier, __import__("rdflib").namespace.DCTERMS.source)
    digest = graph.value(graph.identifier, CG.contentHash)
    assert str(source) == "data/tekst-5-bason.yaml"
    assert str(digest).startswith("sha256:") and len(str(digest)) == 71


def start_build(out: Path) -> subprocess.Popen[bytes]:
    """`conceptgraph build --out OUT` in a process of its own, with its own random hash seed."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1757289600", "PYTHONHASHSEED": "random"}
    return subprocess.Popen(
        [sys.executable, "-m", "conceptgraph", "build", "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_same_input_gives_the_same_bytes_across_processes(tmp_path: Path) -> None:
    builds = [start_build(tmp_path / "a"), start_build(tmp_path / "b")]  # side by side: neither waits
    for build in builds:
        _, errors = build.communicate(timeout=300)
        assert build.returncode == 0, errors.decode()
    for name in ("dataset.trig", "course.ttl", "build.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    info = json.loads((tmp_path / "a" / "build.json").read_text())
    assert info["resources"] == 183 and len(info["files"]) == 11
    assert b"2025-09-08T00:00:00" in (tmp_path / "a" / "dataset.trig").read_bytes()


label_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s.strip()
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(da=label_text, en=label_text)
def test_any_label_survives_yaml_to_rdf_to_turtle(tmp_path_factory, da: str, en: str) -> None:  # noqa: ANN001
    folder = tmp_path_factory.mktemp("data")
    document = {
        "sections": [{"heading": "Test", "resources": [{"id": "x", "type": "Theme", "label": {"da": da, "en": en}}]}]
    }
    (folder / "t.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    dataset = course_dataset(load_course(folder), DEFAULT_BASE)
    graph = dataset.graph(graph_iri(DEFAULT_BASE, "t"))
    parsed = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert isomorphic(parsed, graph)
    labels = set(parsed.objects(resource_iri(DEFAULT_BASE, "x"), SKOS.prefLabel))
    assert labels == {Literal(da, lang="da"), Literal(en, lang="en")}
