"""Snapshots of any map view, in every format facilitators use.

`export_view` turns a view into the bytes of one format; every format records, as far as it can,
the data version, the date of the data, the tool version and the view (as its URL). The same view
of the same data gives the same bytes. `write_atomically` leaves no partial file behind.
May import the shared leaves, `store` and `graph`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from conceptgraph.errors import ExportError
from conceptgraph.export.context import Snapshot
from conceptgraph.export.graph_formats import to_csv_zip, to_gexf, to_graphml, to_json
from conceptgraph.export.handout import to_handout_markdown, to_handout_pdf
from conceptgraph.export.picture import to_picture
from conceptgraph.export.rdf import to_rdf
from conceptgraph.export.standalone import to_html

Writer = Callable[[Snapshot], bytes]

# format -> (writer, file extension, media type)
FORMATS: dict[str, tuple[Writer, str, str]] = {
    "html": (to_html, "html", "text/html; charset=utf-8"),
    "png": (lambda s: to_picture(s, "png"), "png", "image/png"),
    "svg": (lambda s: to_picture(s, "svg"), "svg", "image/svg+xml"),
    "pdf": (lambda s: to_picture(s, "pdf"), "pdf", "application/pdf"),
    "graphml": (to_graphml, "graphml", "application/graphml+xml"),
    "gexf": (to_gexf, "gexf", "application/gexf+xml"),
    "json": (to_json, "json", "application/json"),
    "ttl": (lambda s: to_rdf(s, "turtle"), "ttl", "text/turtle; charset=utf-8"),
    "jsonld": (lambda s: to_rdf(s, "json-ld"), "jsonld", "application/ld+json"),
    "nt": (lambda s: to_rdf(s, "nt"), "nt", "application/n-triples"),
    "csv": (to_csv_zip, "zip", "application/zip"),
    "handout": (to_handout_pdf, "pdf", "application/pdf"),
    "handout-md": (to_handout_markdown, "md", "text/markdown; charset=utf-8"),
}


def export_view(snapshot: Snapshot, fmt: str) -> bytes:
    """The view in format `fmt`. Raises ExportError for an unknown format or an empty view."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; the formats are: {', '.join(FORMATS)}")
    if not snapshot.view.nodes:
        raise ExportError("the view is empty: nothing matches these parameters, so there is nothing to export")
    return FORMATS[fmt][0](snapshot)


def write_atomically(content: bytes, target: Path) -> None:
    """Write `content` to `target` through a temporary file, so a failure leaves no partial file."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None


__all__ = ["FORMATS", "Snapshot", "export_view", "write_atomically"]
