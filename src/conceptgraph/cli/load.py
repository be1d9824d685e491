"""`conceptgraph load`: RDF files or the course into a store, with progress on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from conceptgraph.cli.options import data_dir_of, data_options, open_store, refuse_memory, reports_errors
from conceptgraph.config import setting


@click.command()
@click.option(
    "--store",
    "store_url",
    required=True,
    metavar="URL",
    help="Where to load: oxigraph:PATH (on disk) or sparql:QUERY_URL;update=URL[;gsp=URL] (a SPARQL server).",
)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_options
@click.option("--graph", metavar="IRI", help="Named graph for triple files (default: <base>graph/<file name>).")
@click.option("--replace", is_flag=True, help="Empty each target graph before loading into it.")
@reports_errors
def load(
    store_url: str, files: tuple[Path, ...], data_dir: Path | None, base: str | None, graph: str | None, replace: bool
) -> None:
    """Load RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD, .gz too) or the YAML course
    (--data) into a store, one transaction per file."""
    import tempfile

    from conceptgraph.course.build import TRIG_NAME, compile_course, serialise
    from conceptgraph.store.load_files import load_file, remove_staging
    from conceptgraph.store.new_store import load_new_store
    from conceptgraph.store.remote import RemoteStore

    refuse_memory(store_url)  # before the course is compiled, not after
    base_iri = setting("base_iri", base)
    sources = list(files)
    with tempfile.TemporaryDirectory() as folder:
        if data_dir is not None or not files:
            course = Path(folder) / TRIG_NAME
            course.write_bytes(serialise(compile_course(data_dir_of(data_dir), base_iri))[TRIG_NAME])
            sources.insert(0, course)
        new = Path(store_url[len("oxigraph:") :]) if store_url.startswith("oxigraph:") else None
        if new is not None and not new.exists():
            with _progress_bar() as (progress, say):
                count = load_new_store(new, sources, graph=graph, base=base_iri, progress=progress, report=say)
            click.echo(f"{store_url} is a new store holding {count} triples.")
            return
        store = open_store(store_url, base_iri, read_only=False)
        if remove_staging(store):
            click.echo("removed what an unfinished earlier load left behind")
        total = sum(
            load_file(store, path, graph=graph, base=base_iri, replace=replace, report=click.echo) for path in sources
        )
    if isinstance(store, RemoteStore):
        click.echo(f"Sent {total} triples; the graphs under {' '.join(store.prefixes)} now hold {len(store)}.")
    else:
        click.echo(f"{store_url} now holds {len(store)} triples ({total:+d}).")


@contextmanager
def _progress_bar() -> Iterator[tuple[Callable[[int, int, int], None], Callable[[str], None]]]:
    """Progress of a load: a bar with triples/s and ETA on a terminal, else a plain line per step.

    Yields the progress callback and one for messages, which on a terminal first wipes the bar's
    line (the next update draws the bar again below the message).
    """
    start = time.perf_counter()
    if not sys.stderr.isatty():

        def line(done: int, total: int, triples: int) -> None:
            rate = triples / max(time.perf_counter() - start, 1e-6)
            click.echo(f"  {triples:,} triples, {done / max(total, 1):.0%} of the file, {rate:,.0f}/s", err=True)

        yield line, click.echo
        return
    with click.progressbar(length=1, label="loading", show_eta=True, file=sys.stderr) as bar:
        seen = [0]

        def update(done: int, total: int, triples: int) -> None:
            bar.length = total
            bar.label = f"{triples:,} triples, {triples / max(time.perf_counter() - start, 1e-6):,.0f}/s"
            bar.update(done - seen[0])
            seen[0] = done

        def say(message: str) -> None:
            click.echo("\r\033[K", nl=False, err=True)
            click.echo(message)

        yield update, say
