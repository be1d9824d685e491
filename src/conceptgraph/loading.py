"""Load RDF files into a store: Turtle, TriG, N-Triples, N-Quads, RDF/XML and JSON-LD, gzip or not.

Each file is loaded in one transaction, so a file that does not parse leaves its graph as it was.
Triple files go into a named graph (given, or `<base>graph/<file name>`); quad files keep theirs.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from conceptgraph.errors import StoreError
from conceptgraph.store import Store, readable_position

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)


def format_of(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format a file name says, and whether it is gzip-compressed. Raises StoreError."""
    gzipped = path.suffix == ".gz"
    suffix = Path(path.stem).suffix if gzipped else path.suffix
    if suffix not in FORMATS:
        raise StoreError(f"{path}: unknown file type '{suffix}'; use one of {', '.join(sorted(FORMATS))} (or .gz)")
    return FORMATS[suffix], gzipped


def _open(path: Path, gzipped: bool) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb")) if gzipped else path.open("rb")


def load_file(
    store: Store,
    path: Path,
    *,
    graph: str | None,
    base: str,
    replace: bool,
    report: Callable[[str], None] = lambda _: None,
) -> int:
    """Load one file; return how many triples the store gained. Raises StoreError naming the line."""
    fmt, gzipped = format_of(path)
    stem = Path(path.stem).stem if gzipped else path.stem
    target = None if fmt in QUAD_FORMATS and graph is None else ox.NamedNode(graph or f"{base}graph/{stem}")
    engine = store.engine
    if replace and target is not None and engine.contains_named_graph(target):
        engine.remove_graph(target)
    before, start = len(engine), time.perf_counter()
    try:
        with _open(path, gzipped) as handle:
            engine.load(handle, format=fmt, to_graph=target)
    except SyntaxError as exc:
        raise StoreError(f"{path}: {readable_position(str(exc.msg))}; nothing from this file was loaded") from None
    except (OSError, EOFError) as exc:
        raise StoreError(f"{path}: cannot read it: {exc}") from None
    gained = len(engine) - before
    seconds = time.perf_counter() - start
    where = f"<{target.value}>" if target is not None else "its own graphs"
    report(
        f"loaded {gained} triples from {path} into {where} in {seconds:.1f} s ({gained / max(seconds, 1e-6):,.0f}/s)"
    )
    return gained
