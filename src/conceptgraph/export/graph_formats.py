"""Graph formats for Gephi, yEd, spreadsheets and scripts: GraphML, GEXF, node-link JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import networkx as nx

from conceptgraph.export.context import Snapshot

NODE_COLUMNS = (
    "id",
    "cls",
    "label_da",
    "label_en",
    "definition_da",
    "source_text",
    "section",
    "colour",
    "iri",
)
EDGE_COLUMNS = ("source", "target", "relation", "label_da", "label_en", "rationale_da", "rationale_en")


def to_json(snapshot: Snapshot) -> bytes:
    """networkx node-link data, with the provenance as graph attributes."""
    data = nx.node_link_data(snapshot.graph, edges="links")
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def to_graphml(snapshot: Snapshot) -> bytes:
    """GraphML with class, labels, colour and relation as attributes (Gephi, yEd)."""
    buffer = io.BytesIO()
    nx.write_graphml(snapshot.graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_gexf(snapshot: Snapshot) -> bytes:
    """GEXF with Gephi's own colour attribute; the date is the data's, so the bytes are stable."""
    graph = snapshot.graph.copy()
    for _, attrs in graph.nodes(data=True):
        colour = attrs["colour"].lstrip("#")
        attrs["viz"] = {
            "color": {
                "r": int(colour[0:2], 16),
                "g": int(colour[2:4], 16),
                "b": int(colour[4:6], 16),
                "a": 1.0,
            }
        }
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8", prettyprint=True)
    text = buffer.getvalue().decode("utf-8")
    date = snapshot.data_date[:10] or "1970-01-01"
    text = _replace_between(text, 'lastmodifieddate="', '"', date)
    return text.encode("utf-8")


def _replace_between(text: str, start: str, end: str, value: str) -> str:
    head, found, rest = text.partition(start)
    if not found:
        return text
    _, _, tail = rest.partition(end)
    return f"{head}{start}{value}{end}{tail}"


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8 (æøå)


def to_csv_zip(snapshot: Snapshot) -> bytes:
    """A zip of nodes.csv and edges.csv (UTF-8 with BOM) and a note on where they come from."""
    graph = snapshot.graph
    nodes = [{"id": n, **{k: a[k] for k in NODE_COLUMNS[1:]}} for n, a in graph.nodes(data=True)]
    edges = [{"source": u, "target": v, **{k: d[k] for k in EDGE_COLUMNS[2:]}} for u, v, d in graph.edges(data=True)]
    about = "\r\n".join(f"{k}: {v}" for k, v in snapshot.provenance.items()) + "\r\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            ("nodes.csv", _csv(nodes, NODE_COLUMNS)),
            ("edges.csv", _csv(edges, EDGE_COLUMNS)),
            ("about.txt", about.encode("utf-8")),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
        archive.comment = snapshot.caption().encode("utf-8")
    return buffer.getvalue()
