"""`conceptgraph serve`: the service over HTTP, on the course or on a store."""

from __future__ import annotations

from pathlib import Path

import click

from conceptgraph.cli.options import data_dir_of, data_options, out_option, reports_errors
from conceptgraph.config import setting


@click.command()
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
@reports_errors
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
        overrides["data_dir"] = str(data_dir_of(data_dir))
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
