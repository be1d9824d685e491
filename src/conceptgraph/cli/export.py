"""The commands that write views as files: export, and named snapshots (save, list, diff)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from conceptgraph.cli.options import DEFAULT_OUT, data_dir_of, data_options, reports_errors
from conceptgraph.config import public_url as config_public_url
from conceptgraph.config import setting
from conceptgraph.course.build import open_course
from conceptgraph.export.context import Limits, Snapshot


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
    from conceptgraph.course.model import data_version
    from conceptgraph.graph.projection import project

    base_iri = setting("base_iri", base)
    source = data_dir_of(data_dir)
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


@click.command()
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
@reports_errors
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


@click.group()
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
@reports_errors
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
@reports_errors
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
@reports_errors
def snapshot_diff(first: str, second: str, root: Path) -> None:
    """Nodes and edges added or removed from snapshot FIRST to SECOND."""
    from conceptgraph.export.snapshots import diff

    changes = diff(root, first, second)
    for key, items in changes.items():
        click.echo(f"{key.replace('_', ' ')}: {len(items)}")
        for item in items:
            click.echo("  " + (" ".join(item) if isinstance(item, list | tuple) else str(item)))
