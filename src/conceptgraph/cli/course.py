"""The commands that compile and read the course: build, validate, stats and query."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conceptgraph.cli.options import (
    data_dir_of,
    data_options,
    out_option,
    read_store,
    reports_errors,
    shown,
    store_option,
)
from conceptgraph.config import setting
from conceptgraph.course.build import compile_course, write_build
from conceptgraph.course.stats import course_stats, format_stats
from conceptgraph.store.results import FORMATS, render
from conceptgraph.vocab import sparql_prologue


@click.command()
@data_options
@out_option("Folder to write dataset.trig, course.ttl and build.json into.")
@reports_errors
def build(data_dir: Path | None, base: str | None, out_dir: Path) -> None:
    """Compile the YAML course into a validated RDF dataset (written atomically)."""
    source = data_dir_of(data_dir)
    result = compile_course(source, setting("base_iri", base))
    written = write_build(result, out_dir)
    course = result.course
    click.echo(
        f"Built {len(course.resources)} resources, {result.triple_count} triples "
        f"from {len(course.files)} files in {shown(source)} (data version {course.version[:12]})."
    )
    for path in written:
        click.echo(f"  wrote {path}")


@click.command()
@data_options
@reports_errors
def validate(data_dir: Path | None, base: str | None) -> None:
    """Check the YAML course (syntax, keys, types, ids, references, SHACL); write nothing."""
    source = data_dir_of(data_dir)
    result = compile_course(source, setting("base_iri", base))
    click.echo(
        f"OK: {len(result.course.resources)} resources in {len(result.course.files)} files "
        f"in {shown(source)} pass every check."
    )


@click.command()
@data_options
@out_option("Folder of an existing build to read (built in memory if absent).")
@store_option
@reports_errors
def stats(data_dir: Path | None, base: str | None, out_dir: Path, store_url: str | None) -> None:
    """Count resources per class and links per type."""
    base_iri = setting("base_iri", base)
    store = read_store(store_url, data_dir, out_dir, base_iri)
    click.echo(format_stats(course_stats(store, base_iri), len(store)), nl=False)


@click.command()
@click.argument("sparql")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format; json is SPARQL 1.1 Query Results JSON.",
)
@data_options
@out_option("Folder of an existing build to read (built in memory if absent).")
@store_option
@reports_errors
def query(sparql: str, fmt: str, data_dir: Path | None, base: str | None, out_dir: Path, store_url: str | None) -> None:
    """Run a SPARQL query; the default graph is the union of all named graphs.

    The prefixes cg, dcterms, foaf, owl, prov, rdf, rdfs, schema, skos and xsd are predeclared.
    Give '-' to read the query from standard input.
    """
    base_iri = setting("base_iri", base)
    text = sys.stdin.read() if sparql == "-" else sparql
    store = read_store(store_url, data_dir, out_dir, base_iri)
    declared = sparql_prologue() + f"PREFIX id: <{base_iri}id/>\n"
    result = store.query(declared + text, prologue_lines=declared.count("\n"))
    sys.stdout.buffer.write(render(result, fmt, base=base_iri))
