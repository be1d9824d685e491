"""Load files into an on-disk store that does not exist yet: built beside it, renamed into place.

Making staged graphs live costs RocksDB about 60 µs a triple (a minute for a million), which is
the price of keeping an existing store's other graphs untouched. A new store has nothing to keep,
so the whole load goes straight into a directory beside it (`PATH.loading`), in chunks that keep
memory flat, and one rename makes it the store: a load that fails or is killed leaves no store
at PATH (the next load clears the remains), never part of one. Measured: 1,000,000 triples in
about 10 s with under 400 MB, against 101 s and 2.5 GB through staging.
"""

from __future__ import annotations

import gc
import gzip
import itertools
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from conceptgraph.errors import StoreError
from conceptgraph.store.embedded import lock_beside
from conceptgraph.store.interface import readable_position
from conceptgraph.store.load_files import checked_format, default_graph

CHUNK = 250_000  # triples per bulk insert: bounds memory (about 400 MB at this size)
# (bytes read, bytes in the file, triples so far) after each chunk; for progress bars
Progress = Callable[[int, int, int], None]


def load_new_store(
    target: Path,
    sources: list[Path],
    *,
    graph: str | None,
    base: str,
    progress: Progress,
    report: Callable[[str], None],
) -> int:
    """Load every file into a new store at `target`; all or nothing. Returns the triple count."""
    lock = lock_beside(target, shared=False)
    building = target.with_name(target.name + ".loading")
    try:
        shutil.rmtree(building, ignore_errors=True)  # what a killed load left
        engine = ox.Store(str(building))
        for path in sources:
            _load(engine, path, graph=graph, base=base, progress=progress, report=report)
        engine.flush()
        count = len(engine)
        del engine
        gc.collect()  # the store closes when its last reference goes, before the rename
        os.rename(building, target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        lock.close()
    return count


def _load(
    engine: ox.Store, path: Path, *, graph: str | None, base: str, progress: Progress, report: Callable[[str], None]
) -> None:
    fmt, gzipped = checked_format(path)
    default = ox.NamedNode(graph or default_graph(path, base))
    size, start, count = path.stat().st_size, time.perf_counter(), 0
    with path.open("rb") as raw:
        handle: BinaryIO = gzip.GzipFile(fileobj=raw) if gzipped else raw  # type: ignore[assignment]
        graphs: set[str] = set()
        quads = _placed(ox.parse(handle, format=fmt), default, graphs)
        try:
            while chunk := list(itertools.islice(quads, CHUNK)):
                engine.bulk_extend(chunk)
                count += len(chunk)
                progress(raw.tell(), size, count)
        except SyntaxError as exc:
            raise StoreError(f"{path}: {readable_position(str(exc.msg))}; nothing was loaded") from None
        except (OSError, EOFError) as exc:
            raise StoreError(f"{path}: cannot read it: {exc}; nothing was loaded") from None
    seconds = time.perf_counter() - start
    where = ", ".join(f"<{g}>" for g in sorted(graphs)) or "nothing (empty file)"
    report(f"loaded {count} triples from {path} into {where} in {seconds:.1f} s ({count / max(seconds, 1e-6):,.0f}/s)")


def _placed(quads: Iterator[ox.Quad], default: ox.NamedNode, graphs: set[str]) -> Iterator[ox.Quad]:
    """Quads keep their own graph; triples (and quads of the default graph) go into `default`.
    Each graph used is added to `graphs`."""
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            quad = ox.Quad(quad.subject, quad.predicate, quad.object, default)
        graphs.add(quad.graph_name.value)  # type: ignore[union-attr]  # named by now
        yield quad
