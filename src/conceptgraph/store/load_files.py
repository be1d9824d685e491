"""Load RDF files into a store: Turtle, TriG, N-Triples, N-Quads, RDF/XML and JSON-LD, gzip or not.

Loading streams (memory stays flat with file size) into staging graphs, then swaps them in with
one update, so each file is one transaction: a file that does not parse, or a load killed half-way,
leaves the graphs it targets as they were. A killed load leaves only staging graphs, which the
next load removes and a server refuses to start on. Triple files go into a named graph (given, or
`<base>graph/<file name>`); quad files keep their graphs.

A remote store (`sparql:`) gets the same staging and swap, through its Graph Store Protocol
endpoint (or SPARQL Update) in batches. Batches are separate requests, so a blank node that
spans two of them would become two; remote loads therefore replace blank nodes with Skolem IRIs
(RDF 1.1 Concepts §3.5), unique to the load.
"""

from __future__ import annotations

import gzip
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from conceptgraph.errors import StoreError
from conceptgraph.store.embedded import Store
from conceptgraph.store.interface import STAGING, GraphStore, readable_position, serialised
from conceptgraph.store.rdf_xml import check_entities
from conceptgraph.store.remote import RemoteStore

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
REMOTE_BATCH = 20_000  # triples per request to a remote store


def format_of(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format a file name says, and whether it is gzip-compressed. Raises StoreError."""
    gzipped = path.suffix == ".gz"
    suffix = Path(path.stem).suffix if gzipped else path.suffix
    if suffix not in FORMATS:
        raise StoreError(f"{path}: unknown file type '{suffix}'; use one of {', '.join(sorted(FORMATS))} (or .gz)")
    return FORMATS[suffix], gzipped


def checked_format(path: Path) -> tuple[ox.RdfFormat, bool]:
    """`format_of`, after refusing an RDF/XML file whose entities could expand without bound (see
    `rdf_xml`); every load reads its files' formats through here. Raises StoreError."""
    fmt, gzipped = format_of(path)
    if fmt == ox.RdfFormat.RDF_XML:
        try:
            check_entities(path, lambda: _open(path, gzipped))
        except (OSError, EOFError) as exc:
            raise StoreError(f"{path}: cannot read it: {exc}") from None
    return fmt, gzipped


def default_graph(path: Path, base: str) -> str:
    """Where a file's triples go when no graph is given: `<base>graph/<file name without suffixes>`."""
    stem = Path(path.stem).stem if path.suffix == ".gz" else path.stem
    return f"{base}graph/{stem}"


def _open(path: Path, gzipped: bool) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb")) if gzipped else path.open("rb")


@dataclass(frozen=True)
class Files:
    """RDF files a `memory:` store loads at start (`serve --load`), into the graphs `load` would
    use. Picklable, so every query worker loads the same."""

    paths: tuple[str, ...]
    base: str

    def open(self) -> Store:
        """A new in-memory store holding the files. Raises StoreError naming file and line."""
        engine = ox.Store()
        for name in self.paths:
            path = Path(name)
            fmt, gzipped = checked_format(path)
            graph = None if fmt in QUAD_FORMATS else ox.NamedNode(default_graph(path, self.base))
            try:
                with _open(path, gzipped) as handle:
                    engine.bulk_load(handle, format=fmt, to_graph=graph)
            except SyntaxError as exc:
                raise StoreError(f"{path}: {readable_position(str(exc.msg))}") from None
            except OSError as exc:
                raise StoreError(f"{path}: cannot read it: {exc}") from None
        return Store(engine)


def remove_staging(store: GraphStore) -> int:
    """Drop what killed loads left behind; return how many staging graphs there were."""
    if isinstance(store, RemoteStore):
        rows = store.fetch(
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRENDS(STR(?g), "{STAGING}")) }}',
            default_graphs=(),
            named_graphs=None,
        )
        found = [row["g"].value for row in cast(ox.QuerySolutions, rows)]
        if found:
            store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in found))
        return len(found)
    engine = cast(Store, store).engine
    leftovers = [g for g in engine.named_graphs() if isinstance(g, ox.NamedNode) and g.value.endswith(STAGING)]
    for graph in leftovers:
        engine.remove_graph(graph)
    return len(leftovers)


def _staged(quads: Iterator[ox.Quad], default: str, seen: set[str]) -> Iterator[ox.Quad]:
    """Each quad moved into the staging twin of its graph (triples without one: into `default`)."""
    for quad in quads:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else default
        seen.add(graph)
        yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(graph + STAGING))


def _stage_locally(engine: ox.Store, handle: IO[bytes], fmt: ox.RdfFormat, default: str, seen: set[str]) -> None:
    if fmt in QUAD_FORMATS:  # each quad to its own graph's staging twin
        engine.bulk_extend(_staged(ox.parse(handle, format=fmt), default, seen))
    else:  # one target graph: the engine streams it in natively
        engine.bulk_load(handle, format=fmt, to_graph=ox.NamedNode(default + STAGING))
        seen.add(default)


def _send_staged(store: RemoteStore, quads: Iterator[ox.Quad], default: str, seen: set[str], genid: str) -> int:
    """Post the quads to their staging graphs on the server, REMOTE_BATCH triples at a time;
    return how many were sent."""
    skolem = f"{genid}{uuid.uuid4()}-"
    batch: defaultdict[str, list[ox.Triple]] = defaultdict(list)
    size = sent = 0
    for quad in _staged(quads, default, seen):
        batch[quad.graph_name.value].append(  # type: ignore[union-attr]  # _staged names every graph
            ox.Triple(_named(quad.subject, skolem), quad.predicate, _named(quad.object, skolem))
        )
        size += 1
        if size == REMOTE_BATCH:
            _post(store, batch)
            batch, sent, size = defaultdict(list), sent + size, 0
    _post(store, batch)
    return sent + size


def _named(term: Any, skolem: str) -> Any:
    return ox.NamedNode(skolem + term.value) if isinstance(term, ox.BlankNode) else term


def _post(store: RemoteStore, batch: dict[str, list[ox.Triple]]) -> None:
    for graph, triples in batch.items():
        store.post_triples(graph, serialised(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)))


def _swap_in_remote(store: RemoteStore, graphs: list[str], *, replace: bool) -> None:
    """Make the staged graphs live with one update request."""
    verb = "MOVE" if replace else "ADD"
    steps = [f"{verb} SILENT GRAPH <{g}{STAGING}> TO GRAPH <{g}>" for g in graphs]
    steps += [f"DROP SILENT GRAPH <{g}{STAGING}>" for g in graphs if not replace]
    if steps:
        store.update(" ; ".join(steps))


def _swap_in(engine: ox.Store, graphs: list[str], *, replace: bool) -> None:
    """Make the staged graphs live in one transaction. Replacing uses SPARQL MOVE (atomic, but
    RocksDB moves ~30,000 triples/s); adding copies with one `extend` transaction (~2× faster)."""
    if not graphs:
        return
    if replace:
        engine.update(" ; ".join(f"MOVE SILENT GRAPH <{g}{STAGING}> TO <{g}>" for g in graphs))
        return
    engine.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(g))
        for g in graphs
        for q in engine.quads_for_pattern(None, None, None, ox.NamedNode(g + STAGING))
    )
    for g in graphs:  # what is left is only staging: harmless, and removed by the next load
        engine.remove_graph(ox.NamedNode(g + STAGING))


def load_file(
    store: GraphStore,
    path: Path,
    *,
    graph: str | None,
    base: str,
    replace: bool,
    report: Callable[[str], None] = lambda _: None,
) -> int:
    """Load one file; return how many triples the store gained (a remote store: how many were
    sent, as its size is only known for our graphs). Raises StoreError naming the line."""
    fmt, gzipped = checked_format(path)
    default = graph or default_graph(path, base)
    remote = isinstance(store, RemoteStore)
    before, start, seen, sent = 0 if remote else len(store), time.perf_counter(), set[str](), 0
    try:
        with _open(path, gzipped) as handle:
            if isinstance(store, RemoteStore):
                genid = f"{base}.well-known/genid/"
                quads = ox.parse(handle, format=fmt)
                sent = _send_staged(store, quads, default, seen, genid)
                _swap_in_remote(store, sorted(seen), replace=replace)
            else:
                _stage_locally(cast(Store, store).engine, handle, fmt, default, seen)
                _swap_in(cast(Store, store).engine, sorted(seen), replace=replace)
    except SyntaxError as exc:
        remove_staging(store)
        raise StoreError(f"{path}: {readable_position(str(exc.msg))}; nothing from this file was loaded") from None
    except (OSError, EOFError) as exc:
        remove_staging(store)
        raise StoreError(f"{path}: cannot read it: {exc}") from None
    gained = sent if remote else len(store) - before
    seconds = time.perf_counter() - start
    where = ", ".join(f"<{g}>" for g in sorted(seen)) or "nothing (empty file)"
    report(
        f"loaded {gained} triples from {path} into {where} in {seconds:.1f} s ({gained / max(seconds, 1e-6):,.0f}/s)"
    )
    return gained
