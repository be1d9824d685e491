"""What the commands share: the data, build and store options, and errors as messages, never tracebacks.

Library errors (ConceptGraphError) become a clean message on stderr and exit code 2.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from conceptgraph.assets import default_data_dir
from conceptgraph.config import setting
from conceptgraph.course.build import open_course
from conceptgraph.errors import ConceptGraphError, explain

if TYPE_CHECKING:
    from conceptgraph.store.interface import GraphStore

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


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
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


def shown(path: Path) -> str:
    """A path as short as it can be said from the current folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def data_dir_of(given: Path | None) -> Path:
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


def read_store(store_url: str | None, data_dir: Path | None, out_dir: Path, base_iri: str) -> GraphStore:
    """The store a reading command asked for, or the course (built, or compiled in memory)."""
    if store_url is not None:
        return open_store(store_url, base_iri, read_only=True)
    store, warning = open_course(data_dir_of(data_dir), out_dir, base_iri)
    if warning:
        click.echo(warning, err=True)
    return store


def refuse_memory(store_url: str) -> None:
    """memory: holds nothing once a command ends, so a command naming it is refused up front."""
    from conceptgraph.errors import StoreError

    if store_url == "memory:":
        raise StoreError("a memory: store holds nothing once this command ends; use oxigraph:PATH or sparql:URL")


def open_store(store_url: str, base_iri: str, *, read_only: bool) -> GraphStore:
    """An existing store by URL."""
    from conceptgraph.store.embedded import Store
    from conceptgraph.store.remote import SCHEME, RemoteStore

    refuse_memory(store_url)
    if store_url.startswith(SCHEME):
        prefixes = setting("graphs") or (base_iri,)
        return RemoteStore.open(store_url, prefixes=prefixes, timeout=REMOTE_TIMEOUT)
    return Store.open(store_url, read_only=read_only)
