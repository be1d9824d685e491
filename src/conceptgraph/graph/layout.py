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
# A force layout costs O(n²) per round: beyond this, an overview grid grouped by class (linear time).
FORCE_LAYOUT_UP_TO = 1000


def positions(
    nodes: list[str], edges: Iterable[tuple[str, str, str]], groups: dict[str, str] | None = None
) -> dict[str, tuple[float, float]]:
    """Pixel positions for the nodes of a view (deterministic for the same nodes and edges).

    `groups` (node → class) arranges very large views as one block per class.
    """
    if not nodes:
        return {}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted({tuple(sorted((u, v))) for u, v, _ in edges if u != v}))
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) > FORCE_LAYOUT_UP_TO:
        return _grid_by_group(sorted(nodes), groups or {})
    if len(nodes) <= KAMADA_KAWAI_UP_TO:
        # Evens out distances: the small views people read closely get no overlapping nodes.
        start = nx.spring_layout(graph, seed=SEED)
        raw = nx.kamada_kawai_layout(graph, pos=start)
    else:
        raw = nx.spring_layout(graph, k=1.6 / math.sqrt(len(nodes)), iterations=120, seed=SEED)
    scale = SPACING * math.sqrt(len(nodes))
    return {node: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for node, (x, y) in raw.items()}


def _grid_by_group(nodes: list[str], groups: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Blocks of nodes, one per group, each a square grid, side by side in rows."""
    blocks: dict[str, list[str]] = {}
    for node in nodes:
        blocks.setdefault(groups.get(node, ""), []).append(node)
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    width = SPACING * math.sqrt(len(nodes)) * 1.5
    for _, members in sorted(blocks.items()):
        side = math.ceil(math.sqrt(len(members)))
        if x and x + side * SPACING > width:
            x, y, row_height = 0.0, y + row_height + 2 * SPACING, 0.0
        for index, node in enumerate(members):
            placed[node] = (x + (index % side) * SPACING, y + (index // side) * SPACING * 0.6)
        x += (side + 2) * SPACING
        row_height = max(row_height, math.ceil(len(members) / side) * SPACING * 0.6)
    return placed


# A view is spread by at most this factor to keep its labels apart; beyond it, letters would shrink
# more than the overlaps it removes are worth.
MAX_SPREAD = 2.5


def spread(
    placed: dict[str, tuple[float, float]], sizes: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """The positions scaled about the origin just enough that no two boxes (`sizes`: width,
    height) overlap, up to MAX_SPREAD: wrapped labels need more room than the force layout gives."""
    nodes = sorted(placed)
    if len(nodes) > FORCE_LAYOUT_UP_TO:
        return placed  # the grid overview spaces its own cells
    factor = 1.0
    for i, a in enumerate(nodes):
        (ax, ay), (aw, ah) = placed[a], sizes[a]
        for b in nodes[i + 1 :]:
            (bx, by), (bw, bh) = placed[b], sizes[b]
            dx, dy = abs(ax - bx), abs(ay - by)
            need_x = (aw + bw) / 2 / dx if dx else math.inf
            need_y = (ah + bh) / 2 / dy if dy else math.inf
            factor = max(factor, min(need_x, need_y))
            if factor >= MAX_SPREAD:
                factor = MAX_SPREAD
                break
        if factor >= MAX_SPREAD:
            break
    return {n: (round(x * factor, 1), round(y * factor, 1)) for n, (x, y) in placed.items()}
