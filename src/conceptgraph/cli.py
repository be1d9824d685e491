"""The `conceptgraph` command: build, validate, inspect and query the course graph.

Library errors (ConceptGraphError) become a clean message on stderr and exit code 2.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from conceptgraph import __version__
from conceptgraph.assets import default_data_dir
from conceptgraph.build import compile_course, open_course, write_build
from conceptgraph.config import public_url as config_public_url
from conceptgraph.config import setting
from conceptgraph.errors import ConceptGraphError, explain
from conceptgraph.export.context import Limits, Snapshot
from conceptgraph.results import FORMATS, render
from conceptgraph.stats import course_stats, format_stats
from conceptgraph.vocab import sparql_prologue

if TYPE_CHECKING:
    from conceptgraph.store import GraphStore

DEFAULT_OUT = Path("build")
# Seconds one request to a remote store may take from the command line (a query, a load batch, the
# final swap): the person at the terminal asked for it, so the server's own limit is what counts.
REMOTE_TIMEOUT = 600.0


def out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The build folder option, with the help a command needs."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_OUT,
        show_default=True,
        help=help_text,
    )


def _reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ConceptGraphError into a message and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConceptGraphError as exc:
            click.echo("\n".join(explain(exc)), err=True)
            sys.exit(2)

    return wrapper


def data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads the course shares."""
    command = click.option(
        "--base",
        "base",
        default=None,
        metavar="IRI",
        help="Base of resource IRIs (default: CONCEPTGRAPH_BASE_IRI or https://w3id.org/conceptgraph/).",
    )(command)
    command = click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of course YAML files (default: the built-in course).",
    )(command)
    return command


def _shown(path: Path) -> str:
    """A path as short as it can be said from the current folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _data_dir(given: Path | None) -> Path:
    data_dir = given or default_data_dir()
    if not data_dir.is_dir():
        raise click.BadParameter(f"{data_dir} is not a folder", param_hint="--data")
    return data_dir


def store_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--store for the commands that read: a store instead of the YAML course."""
    return click.option(
        "--store",
        "store_url",
        default=None,
        metavar="URL",
        help="Read this store (oxigraph:PATH or sparql:QUERY_URL) instead of the YAML course.",
    )(command)


def _read_store(store_url: str | None, data_dir: Path | None, out_dir: Path, base_iri: str) -> GraphStore:
    """The store a reading command asked for, or the course (built, or compiled in memory)."""
    if store_url is not None:
        return _open_store(store_url, base_iri, read_only=True)
    store, warning = open_course(_data_dir(data_dir), out_dir, base_iri)
    if warning:
        click.echo(warning, err=True)
    return store


def _refuse_memory(store_url: str) -> None:
    """memory: holds nothing once a command ends, so a command naming it is refused up front."""
    from conceptgraph.errors import StoreError

    if store_url == "memory:":
        raise StoreError("a memory: store holds nothing once this command ends; use oxigraph:PATH or sparql:URL")


def _open_store(store_url: str, base_iri: str, *, read_only: bool) -> GraphStore:
    """An existing store by URL."""
    from conceptgraph.remote import SCHEME, RemoteStore
    from conceptgraph.store import Store

    _refuse_memory(store_url)
    if store_url.startswith(SCHEME):
        prefixes = setting("graphs") or (base_iri,)
        return RemoteStore.open(store_url, prefixes=prefixes, timeout=REMOTE_TIMEOUT)
    return Store.open(store_url, read_only=read_only)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="conceptgraph")
def cli() -> None:
    """conceptgraph: course material as a living knowledge graph.

    Edit the course in YAML, build it into validated RDF, and query it with SPARQL.
    """


@cli.command()
@data_options
@out_option("Folder to write dataset.trig, course.ttl and build.json into.")
@_reports_errors
def build(data_dir: Path | None, base: str | None, out_dir: Path) -> None:
    """Compile the YAML course into a validated RDF dataset (written atomically)."""
    source = _data_dir(data_dir)
    result = compile_course(source, setting("base_iri", base))
    written = write_build(result, out_dir)
    course = result.course
    click.echo(
        f"Built {len(course.resources)} resources, {result.triple_count} triples "
        f"from {len(course.files)} files in {_shown(source)} (data version {course.version[:12]})."
    )
    for path in written:
        click.echo(f"  wrote {path}")


@cli.command()
@data_options
@_reports_errors
def validate(data_dir: Path | None, base: str | None) -> None:
    """Check the YAML course (syntax, keys, types, ids, references, SHACL); write nothing."""
    source = _data_dir(data_dir)
    result = compile_course(source, setting("base_iri", base))
    click.echo(
        f"OK: {len(result.course.resources)} resources in {len(result.course.files)} files "
        f"in {_shown(source)} pass every check."
    )


@cli.command()
@data_options
@out_option("Folder of an existing build to read (built in memory if absent).")
@store_option
@_reports_errors
def stats(data_dir: Path | None, base: str | None, out_dir: Path, store_url: str | None) -> None:
    """Count resources per class and links per type."""
    base_iri = setting("base_iri", base)
    store = _read_store(store_url, data_dir, out_dir, base_iri)
    click.echo(format_stats(course_stats(store, base_iri), len(store)), nl=False)


@cli.command()
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
@_reports_errors
def query(sparql: str, fmt: str, data_dir: Path | None, base: str | None, out_dir: Path, store_url: str | None) -> None:
    """Run a SPARQL query; the default graph is the union of all named graphs.

    The prefixes cg, dcterms, foaf, owl, prov, rdf, rdfs, schema, skos and xsd are predeclared.
    Give '-' to read the query from standard input.
    """
    base_iri = setting("base_iri", base)
    text = sys.stdin.read() if sparql == "-" else sparql
    store = _read_store(store_url, data_dir, out_dir, base_iri)
    declared = sparql_prologue() + f"PREFIX id: <{base_iri}id/>\n"
    result = store.query(declared + text, prologue_lines=declared.count("\n"))
    sys.stdout.buffer.write(render(result, fmt, base=base_iri))


@cli.command()
@data_options
@out_option("Folder of the build to serve (built first when missing or stale).")
@click.option("--host", default=None, help="Address to listen on (default: CONCEPTGRAPH_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default: CONCEPTGRAPH_PORT or 5000).")
@click.option(
    "--store",
    "store_url",
    default=None,
    metavar="URL",
    help="Serve what this store holds (oxigraph:PATH or sparql:QUERY_URL) instead of building the YAML course.",
)
@click.option(
    "--load",
    "load_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE",
    help="Load this RDF file into memory at start and serve it (repeatable) instead of the YAML course.",
)
@_reports_errors
def serve(
    data_dir: Path | None,
    base: str | None,
    out_dir: Path,
    host: str | None,
    port: int | None,
    store_url: str | None,
    load_files: tuple[str, ...],
) -> None:
    """Build the course if needed and serve it over HTTP (SPARQL endpoint and pages)."""
    from conceptgraph.config import load_settings
    from conceptgraph.server.listen import serve as listen

    overrides = {"build_dir": str(out_dir), "base_iri": setting("base_iri", base)}
    if data_dir is not None:
        overrides["data_dir"] = str(_data_dir(data_dir))
    if store_url is not None:
        overrides["store"] = store_url
    if load_files:
        if store_url not in (None, "memory:"):
            raise click.UsageError("--load fills a memory: store; load into other stores with `conceptgraph load`")
        overrides["load"] = load_files
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = setting("port", str(port))
    listen(overrides, load_settings(overrides))


def view_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The map's view parameters, for the commands that export views."""
    options = [
        click.option("--focus", metavar="SLUG", help="Centre the view on this resource."),
        click.option("--depth", metavar="N", help="How many links out from the focus (0-5, default 1)."),
        click.option("--types", metavar="A,B", help="Only these classes, e.g. ReflectionQuestion,Principle."),
        click.option("--text", metavar="SLUG", help="Only what comes from this text or author."),
        click.option("--theme", metavar="SLUG", help="Only what belongs to this theme."),
        click.option("--path", metavar="SLUG", help="A reflection question's path to theory, texts and authors."),
        click.option("--from", "source", metavar="SLUG", help="With --to: how two resources connect."),
        click.option("--to", "target", metavar="SLUG", help="With --from: how two resources connect."),
        click.option(
            "--lang", type=click.Choice(["da", "en"]), default="da", show_default=True, help="Language of labels."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def snapshot_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Everything that chooses a snapshot: the view, the data, the build and where it links to."""
    command = click.option("--public-url", default=None, help="Where the live map is served, for links and QR codes.")(
        command
    )
    command = click.option(
        "--build-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_OUT,
        show_default=True,
        help="Folder of an existing build (the course is built in memory if absent).",
    )(command)
    return view_options(data_options(command))


def _view_args(**given: Any) -> dict[str, str]:
    names = {"source": "from", "target": "to"}
    return {names.get(k, k): str(v) for k, v in given.items() if v not in (None, "")}


def _snapshot(
    data_dir: Path | None, base: str | None, build_dir: Path, public_url: str | None, args: dict[str, str]
) -> Snapshot:
    from conceptgraph.loader import data_version
    from conceptgraph.projection import project

    base_iri = setting("base_iri", base)
    source = _data_dir(data_dir)
    store, warning = open_course(source, build_dir, base_iri)
    if warning:
        click.echo(warning, err=True)
    address = {"public_url": setting("public_url", public_url), "host": setting("host"), "port": setting("port")}
    return Snapshot.of(
        project(store, base_iri),
        store,
        args,
        public_url=config_public_url(address),
        data_version=data_version(source),
        max_nodes=setting("map_max_nodes"),
        limits=Limits(draw_seconds=setting("draw_timeout")),
    )


@cli.command()
@click.option(
    "--format",
    "fmt",
    required=True,
    metavar="FORMAT",
    help="html, png, svg, pdf, graphml, gexf, json, ttl, jsonld, nt, csv, handout or handout-md.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (written whole or not at all).",
)
@snapshot_options
@_reports_errors
def export(
    fmt: str,
    output: Path,
    data_dir: Path | None,
    base: str | None,
    build_dir: Path,
    public_url: str | None,
    **view: Any,
) -> None:
    """Export a view of the map (the same parameters as /map) as a file."""
    from conceptgraph.export import export_view, write_atomically

    snapshot = _snapshot(data_dir, base, build_dir, public_url, _view_args(**view))
    write_atomically(export_view(snapshot, fmt), output)
    click.echo(f"Wrote {output} ({fmt}, {len(snapshot.view.nodes)} nodes, view {snapshot.url}).")


@cli.command()
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
@_reports_errors
def load(
    store_url: str, files: tuple[Path, ...], data_dir: Path | None, base: str | None, graph: str | None, replace: bool
) -> None:
    """Load RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD, .gz too) or the YAML course
    (--data) into a store, one transaction per file."""
    import tempfile

    from conceptgraph.build import TRIG_NAME, compile_course, serialise
    from conceptgraph.fresh_load import load_new_store
    from conceptgraph.loading import load_file, remove_staging
    from conceptgraph.remote import RemoteStore

    _refuse_memory(store_url)  # before the course is compiled, not after
    base_iri = setting("base_iri", base)
    sources = list(files)
    with tempfile.TemporaryDirectory() as folder:
        if data_dir is not None or not files:
            course = Path(folder) / TRIG_NAME
            course.write_bytes(serialise(compile_course(_data_dir(data_dir), base_iri))[TRIG_NAME])
            sources.insert(0, course)
        new = Path(store_url[len("oxigraph:") :]) if store_url.startswith("oxigraph:") else None
        if new is not None and not new.exists():
            with _progress_bar() as (progress, say):
                count = load_new_store(new, sources, graph=graph, base=base_iri, progress=progress, report=say)
            click.echo(f"{store_url} is a new store holding {count} triples.")
            return
        store = _open_store(store_url, base_iri, read_only=False)
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


@cli.group()
def snapshot() -> None:
    """Named snapshots of views: save, list and compare them (folder: --dir, default snapshots/)."""


SNAPSHOT_DIR = click.option(
    "--dir",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("snapshots"),
    show_default=True,
    help="Folder that holds the snapshots.",
)


@snapshot.command("save")
@click.argument("name")
@click.option(
    "--formats",
    default="html,png,pdf,gexf,graphml,json,ttl,csv",
    show_default=True,
    help="Comma-separated formats to include (json is always included).",
)
@SNAPSHOT_DIR
@snapshot_options
@_reports_errors
def snapshot_save(
    name: str,
    formats: str,
    root: Path,
    data_dir: Path | None,
    base: str | None,
    build_dir: Path,
    public_url: str | None,
    **view: Any,
) -> None:
    """Save the view as snapshot NAME: the files and a manifest.json (never overwrites)."""
    from conceptgraph.export.snapshots import save

    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    manifest = save(root, name, _snapshot(data_dir, base, build_dir, public_url, _view_args(**view)), chosen)
    click.echo(f"Saved snapshot {name} in {root / name}: " + ", ".join(f["file"] for f in manifest["files"]))


@snapshot.command("list")
@SNAPSHOT_DIR
@_reports_errors
def snapshot_list(root: Path) -> None:
    """List the saved snapshots with their view and data version."""
    from conceptgraph.export.snapshots import listing

    for manifest in listing(root):
        click.echo(
            f"{manifest['name']}\t{manifest['view']}\tdata {manifest['data_version'][:12]}\t"
            f"{len(manifest['files'])} files"
        )


@snapshot.command("diff")
@click.argument("first")
@click.argument("second")
@SNAPSHOT_DIR
@_reports_errors
def snapshot_diff(first: str, second: str, root: Path) -> None:
    """Nodes and edges added or removed from snapshot FIRST to SECOND."""
    from conceptgraph.export.snapshots import diff

    changes = diff(root, first, second)
    for key, items in changes.items():
        click.echo(f"{key.replace('_', ' ')}: {len(items)}")
        for item in items:
            click.echo("  " + (" ".join(item) if isinstance(item, list | tuple) else str(item)))


def main() -> None:
    """Entry point of the console script."""
    cli()
