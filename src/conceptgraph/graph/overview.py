"""The first map a participant sees: the themes, their texts and each text's main concept, with the
rest folded into the text it comes from — few enough nodes to read on a phone without zooming.

The nodes are arranged in blocks, one per theme: the theme on top, its texts in a row under it,
and each text's main concept under its text (on a narrow screen: one text a row, its concept
beside it). Row heights and column widths come from the wrapped labels, so no two labels share
space. Two
arrangements are computed, both fixed: blocks side by side for a wide screen, stacked for a narrow
one; the page picks by its own width, so the same view on the same screen is drawn the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

# Main concepts shown under each text; the rest of the text opens on click (`/map?text=…`).
MAIN_CONCEPTS = 1
# Beyond this many nodes an overview is no longer one: main concepts are folded in first, then texts.
MAX_NODES = 30
BLOCKS_PER_ROW = {"wide": 2, "narrow": 1}
COLUMN_GAP = 24.0
ROW_GAP = 30.0
BLOCK_GAP = 56.0

Size = Callable[[str], tuple[float, float]]


@dataclass(frozen=True)
class Block:
    """One theme with its texts; `main` maps each text to the concepts drawn under it."""

    theme: str | None
    texts: tuple[str, ...]
    main: dict[str, tuple[str, ...]]

    def nodes(self) -> list[str]:
        """Every node this block draws."""
        head = [self.theme] if self.theme else []
        return head + list(self.texts) + [c for t in self.texts for c in self.main[t]]

    def rows(self, shape: str) -> list[list[str | None]]:
        """The block's grid, row by row (None is an empty cell). "wide": the texts side by side,
        each main concept under its text; "narrow": one text a row, its main concepts beside it."""
        head: list[str | None] = [self.theme]
        if shape == "narrow":
            rows = [head] + [[t, *self.main[t]] for t in self.texts]
        else:
            rows = [head, [*self.texts]]
            for rank in range(max((len(m) for m in self.main.values()), default=0)):
                rows.append([self.main[t][rank] if rank < len(self.main[t]) else None for t in self.texts])
        columns = max(len(row) for row in rows)
        return [row + [None] * (columns - len(row)) for row in rows if any(row)]


def _ranked(graph: nx.MultiDiGraph, slugs: list[str]) -> list[str]:
    """Course order where the data gives one, else by slug."""
    return sorted(slugs, key=lambda s: (graph.nodes[s].get("rank", 0), s))


def _sources(graph: nx.MultiDiGraph, target: str, relation: str, cls: str | None = None) -> list[str]:
    found = {u for u, _, k in graph.in_edges(target, keys=True) if k == relation}
    return [s for s in found if cls is None or graph.nodes[s]["cls"] == cls]


def _main_concepts(graph: nx.MultiDiGraph, text: str, taken: set[str], count: int) -> tuple[str, ...]:
    """The text's best connected concepts (ties by slug), skipping any already drawn and any that
    bears the text's own name (a chapter's concept named for its title says nothing new)."""
    title = graph.nodes[text]["label"]["da"]
    concepts = [
        c for c in _sources(graph, text, "cg:introducedIn") if c not in taken and graph.nodes[c]["label"]["da"] != title
    ]
    return tuple(sorted(concepts, key=lambda c: (-graph.degree(c), c))[:count])


def blocks(graph: nx.MultiDiGraph) -> list[Block]:
    """The overview's blocks in course order, folded until at most MAX_NODES are drawn."""
    for main, with_texts in ((MAIN_CONCEPTS, True), (0, True), (0, False)):
        found = _blocks(graph, main, with_texts)
        if sum(len(b.nodes()) for b in found) <= MAX_NODES:
            return found
    return found


def _themes_in_course_order(graph: nx.MultiDiGraph, texts: list[str]) -> list[str]:
    """A theme comes in the course where its first text does."""
    order = {text: index for index, text in enumerate(texts)}

    def first(theme: str) -> int:
        return min((order[t] for t in _sources(graph, theme, "cg:partOfTheme", "Text")), default=len(texts))

    return sorted((s for s, a in graph.nodes(data=True) if a["cls"] == "Theme"), key=lambda s: (first(s), s))


def _blocks(graph: nx.MultiDiGraph, main: int, with_texts: bool) -> list[Block]:
    every_text = _ranked(graph, [s for s, a in graph.nodes(data=True) if a["cls"] == "Text"])
    texts = every_text if with_texts else []
    themes = _themes_in_course_order(graph, every_text)
    unthemed = set(texts)
    grouped: list[tuple[str | None, list[str]]] = []
    for theme in themes:
        members = set(_sources(graph, theme, "cg:partOfTheme", "Text"))
        own = [t for t in texts if t in unthemed and t in members]
        unthemed -= set(own)
        grouped.append((theme, own))
    if unthemed:
        grouped.append((None, [t for t in texts if t in unthemed]))
    taken = set(themes) | set(texts)
    found: list[Block] = []
    for head, own in grouped:
        chosen = {t: _main_concepts(graph, t, taken, main) for t in own}
        taken |= {c for cs in chosen.values() for c in cs}
        found.append(Block(head, tuple(own), chosen))
    return found


def arrange(found: list[Block], size: Size, shape: str) -> dict[str, tuple[float, float]]:
    """Centre positions of every node, blocks in rows of BLOCKS_PER_ROW[shape].

    `size(slug)` is the drawn box of a node (width, height). Each column is as wide as its widest
    box and each row as tall as its tallest, plus a gap, so no two boxes can overlap.
    """
    grids = [block.rows(shape) for block in found]
    widths: dict[int, float] = {}
    for grid in grids:
        for row in grid:
            for index, slug in enumerate(row):
                if slug:
                    widths[index] = max(widths.get(index, 0.0), size(slug)[0] + COLUMN_GAP)
    placed: dict[str, tuple[float, float]] = {}
    top = 0.0
    per_row = BLOCKS_PER_ROW[shape]
    for start in range(0, len(grids), per_row):
        left, tallest = 0.0, 0.0
        for grid in grids[start : start + per_row]:
            tallest = max(tallest, _place_grid(grid, size, widths, (left, top), placed))
            left += sum(widths.get(i, 0.0) for i in range(len(grid[0]))) + BLOCK_GAP
        top += tallest + BLOCK_GAP
    return placed


def _place_grid(
    grid: list[list[str | None]],
    size: Size,
    widths: dict[int, float],
    corner: tuple[float, float],
    placed: dict[str, tuple[float, float]],
) -> float:
    """Place one block's grid with its top-left at `corner`; returns the grid's height."""
    left, y = corner
    for row in grid:
        height = max(size(slug)[1] for slug in row if slug)
        x = left
        for index, slug in enumerate(row):
            if slug:
                placed[slug] = (round(x + widths[index] / 2, 1), round(y + height / 2, 1))
            x += widths.get(index, 0.0)
        y += height + ROW_GAP
    return y - ROW_GAP - corner[1]
