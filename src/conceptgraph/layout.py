"""Node positions computed on the server with a fixed seed, so the same view always looks the same
and the browser has nothing left to settle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

SEED = 7
SPACING = 110.0
KAMADA_KAWAI_UP_TO = 120


def positions(nodes: list[str], edges: Iterable[tuple[str, str, str]]) -> dict[str, tuple[float, float]]:
    """Pixel positions for the nodes of a view (deterministic for the same nodes and edges)."""
    if not nodes:
        return {}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted({tuple(sorted((u, v))) for u, v, _ in edges if u != v}))
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) <= KAMADA_KAWAI_UP_TO:
        # Evens out distances: the small views people read closely get no overlapping nodes.
        start = nx.spring_layout(graph, seed=SEED)
        raw = nx.kamada_kawai_layout(graph, pos=start)
    else:
        raw = nx.spring_layout(graph, k=1.6 / math.sqrt(len(nodes)), iterations=120, seed=SEED)
    scale = SPACING * math.sqrt(len(nodes))
    return {node: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for node, (x, y) in raw.items()}
