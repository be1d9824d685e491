"""The command line: help everywhere, every output format parses, errors are clean."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import Graph

from conceptgraph import __version__
from conceptgraph.cli import cli

PRINCIPLES = (
    "SELECT ?rank ?p WHERE { ?x a cg:Principle ; cg:rank ?rank ; skos:prefLabel ?p . "
    "FILTER(lang(?p) = 'da') } ORDER BY ?rank"
)
NEIGHBOURHOOD = "CONSTRUCT { id:stoej ?p ?o } WHERE { id:stoej ?p ?o }"


@pytest.fixture(autouse=True)
def _in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a folder with no build/ so commands compile the packaged course in memory; the
    tests of output formats and query errors read the `built` build with --out instead."""
    monkeypatch.chdir(tmp_path)


def test_every_command_and_option_has_help() -> None:
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.name}"


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "conceptgraph", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"conceptgraph, version {__version__}"


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_table(runner: CliRunner) -> None:
    out = invoke(runner, "query", PRINCIPLES)
    lines = out.splitlines()
    assert lines[0].split() == ["rank", "p"]
    assert lines[2].split(None, 1) == ["1", "Blik for borgernes virkelighed@da"]
    assert lines[-1] == "(7 rows)"


def test_json_is_sparql_results_json(runner: CliRunner, built: Path) -> None:
    data = json.loads(invoke(runner, "query", "--out", str(built), PRINCIPLES, "--format", "json"))
    assert data["head"]["vars"] == ["rank", "p"]
    first = data["results"]["bindings"][0]
    assert first["p"] == {"type": "literal", "value": "Blik for borgernes virkelighed", "xml:lang": "da"}
    assert len(data["results"]["bindings"]) == 7


def test_xml_is_sparql_results_xml(runner: CliRunner, built: Path) -> None:
    root = ET.fromstring(invoke(runner, "query", "--out", str(built), PRINCIPLES, "--format", "xml"))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert len(root.findall("r:results/r:result", ns)) == 7


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv(runner: CliRunner, built: Path, fmt: str, delimiter: str) -> None:
    answer = invoke(runner, "query", "--out", str(built), PRINCIPLES, "--format", fmt)
    table = list(csv.reader(io.StringIO(answer), delimiter=delimiter))
    assert len(table) == 8
    assert "Sæt hold, der brænder" in table[-1][1]


@pytest.mark.parametrize(("fmt", "rdf_format"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_graph_formats_parse(runner: CliRunner, built: Path, fmt: str, rdf_format: str) -> None:
    answer = invoke(runner, "query", "--out", str(built), NEIGHBOURHOOD, "--format", fmt)
    graph = Graph().parse(data=answer, format=rdf_format)
    assert len(graph) > 10


def test_ask(runner: CliRunner, built: Path) -> None:
    assert invoke(runner, "query", "--out", str(built), "ASK { id:stoej a cg:Concept }") == "true\n"
    assert invoke(runner, "query", "--out", str(built), "ASK { FILTER(false) }") == "false\n"


def test_syntax_error_names_line_and_column(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["query", "--out", str(built), "SELECT ?x WHERE {\n  ?x ?y \n}"])
    assert result.exit_code == 2
    assert "SPARQL syntax error at line 3, column 2: expected" in result.output


def test_update_is_refused(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["query", "--out", str(built), "DELETE WHERE { ?s ?p ?o }"])
    assert result.exit_code == 2
    assert "SPARQL Update; the course graph is read-only" in result.output


def test_format_that_does_not_fit_the_query(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["query", "--out", str(built), PRINCIPLES, "--format", "turtle"])
    assert result.exit_code == 2
    assert "--format turtle is for CONSTRUCT and DESCRIBE" in result.output


def test_stats(runner: CliRunner) -> None:
    out = invoke(runner, "stats")
    counts = {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line.startswith("  ")}
    assert counts["cg:ReflectionQuestion"] == 23
    assert counts["cg:Principle"] == 7
    # every reified statement is a question's reasoned link or a cross-link the slides draw
    crossing = sum(counts.get(p, 0) for p in ("cg:alignsWith", "cg:setAgainst", "cg:refersTo", "cg:speaksOfSameAs"))
    assert counts["cg:addresses"] + crossing == counts["rdf:subject"] and counts["cg:addresses"] >= 46
    assert crossing >= 11


def test_query_reads_the_build_and_warns_when_it_is_stale(runner: CliRunner, data_copy: Path) -> None:
    invoke(runner, "build", "--data", str(data_copy))
    assert Path("build/dataset.trig").is_file()
    fresh = runner.invoke(cli, ["query", "--data", str(data_copy), "ASK { id:stoej ?p ?o }"])
    assert fresh.stderr == "" and fresh.stdout == "true\n"
    with (data_copy / "glossary.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    stale = runner.invoke(cli, ["query", "--data", str(data_copy), "ASK { id:stoej ?p ?o }"])
    assert "run `conceptgraph build` to update it" in stale.stderr


def test_bad_base_iri_is_explained(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["stats", "--base", "example.org"])
    assert result.exit_code == 2
    assert "setting base_iri (CONCEPTGRAPH_BASE_IRI) = 'example.org' is not valid" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["load", "--store", "sparql:http://curator:s3cret-pw@127.0.0.1:1/sparql"],
        [
            "query",
            "--store",
            "sparql:http://127.0.0.1:1/sparql;update=http://curator:s3cret-pw@127.0.0.1:1/u",
            "ASK {}",
        ],
        ["stats", "--store", "sparql:http://127.0.0.1:1/sparql;graph=http://curator:s3cret-pw@127.0.0.1:1/g"],
        ["query", "--store", "fuseki:http://curator:s3cret-pw@127.0.0.1:1/ds", "ASK {}"],
        ["serve", "--port", "1", "--store", "sparql:http://curator:s3cret-pw@127.0.0.1:1/sparql"],
    ],
    ids=["load", "update part", "unknown part", "unknown scheme", "serve"],
)
def test_credentials_in_a_store_url_are_never_echoed(args: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "conceptgraph", *args], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 2, done.stdout
    assert "s3cret-pw" not in done.stderr + done.stdout and "curator" not in done.stderr + done.stdout
    assert "http://***@127.0.0.1:1/" in done.stderr, done.stderr
