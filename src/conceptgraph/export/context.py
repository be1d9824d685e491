"""What every export needs: the view, the data it was drawn from, and where it can be seen live."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import networkx as nx

from conceptgraph import __version__
from conceptgraph.config import DRAW_TIMEOUT
from conceptgraph.graph.describe import text_of
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.render import style
from conceptgraph.graph.views import View, ViewParams, parse_view, select
from conceptgraph.store.interface import GraphStore


@dataclass(frozen=True)
class Limits:
    """What one export may cost: triples and bytes of RDF read from the store (None: no bound, for
    the command line, where the person asking waits for it), and seconds Graphviz may draw."""

    rows: int | None = None
    bytes: int | None = None
    draw_seconds: float = DRAW_TIMEOUT


@dataclass
class Snapshot:
    """One view of one dataset, ready to be written in any format.

    `truncated` is set by a writer that stopped reading at a limit (`limit=N` or `max-bytes=N`).
    """

    projection: Projection
    view: View
    store: GraphStore
    public_url: str
    data_version: str
    data_date: str
    limits: Limits = field(default_factory=Limits)
    truncated: str = ""

    @classmethod
    def of(
        cls,
        projection: Projection,
        store: GraphStore,
        args: dict[str, str],
        *,
        public_url: str,
        data_version: str,
        max_nodes: int,
        limits: Limits | None = None,
    ) -> Snapshot:
        """Select the view that `args` (the map's URL parameters) describe. Raises ViewError."""
        view = select(projection, parse_view(args, projection), max_nodes=max_nodes)
        rows = store.select("SELECT ?t WHERE { ?d <http://www.w3.org/ns/prov#generatedAtTime> ?t } LIMIT 1")
        dates = [row["t"].value for row in rows]
        date = dates[0] if dates else ""
        return cls(projection, view, store, public_url.rstrip("/"), data_version, date, limits or Limits())

    @property
    def params(self) -> ViewParams:
        return self.view.params

    @property
    def lang(self) -> str:
        return self.params.lang

    @property
    def url(self) -> str:
        """The live view this snapshot shows."""
        args = self.params.query_args()
        return f"{self.public_url}/map" + (f"?{urlencode(args)}" if args else "")

    @property
    def provenance(self) -> dict[str, str]:
        """What a snapshot records about itself."""
        return {
            "data_version": self.data_version,
            "date": self.data_date,
            "tool": f"conceptgraph {__version__}",
            "view": self.url,
            "parameters": urlencode(sorted(self.params.query_args().items())),
        }

    def caption(self) -> str:
        """One line for pictures and handouts: where to see the view live, and which data it shows."""
        return f"{self.url} · data {self.data_version[:12]} · {self.data_date[:10]} · conceptgraph {__version__}"

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The view as a flat networkx graph: scalar attributes only, sorted, ready for any writer."""
        source = self.projection.graph
        graph = nx.MultiDiGraph(**{f"conceptgraph_{k}": v for k, v in self.provenance.items()})
        for slug in self.view.nodes:
            attrs = source.nodes[slug]
            graph.add_node(slug, **_node_attributes(attrs))
        for u, v, key in self.view.edges:
            data = source.edges[u, v, key]
            rationale = data.get("rationale") or {}
            graph.add_edge(
                u,
                v,
                key=key,
                relation=key,
                label_da=text_of(data["label"], "da"),
                label_en=text_of(data["label"], "en"),
                rationale_da=rationale.get("da", ""),
                rationale_en=rationale.get("en", ""),
            )
        return graph


def _node_attributes(attrs: dict[str, Any]) -> dict[str, Any]:
    colour = style(attrs["cls"])[0]
    return {
        "cls": attrs["cls"],
        "label_da": text_of(attrs["label"], "da"),
        "label_en": text_of(attrs["label"], "en"),
        "definition_da": text_of(attrs["definition"], "da"),
        "source_text": attrs.get("source_text", ""),
        "section": attrs.get("section", ""),
        "colour": colour,
        "iri": attrs["iri"],
    }
