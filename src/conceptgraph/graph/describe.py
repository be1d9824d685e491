"""What a participant reads about a node and a link: in the side panel, on its page, in exports.

Plain data in the requested language (Danish falling back where English is missing), built from
the projection; templates and scripts only ever insert it as text.
"""

from __future__ import annotations

from typing import Any

from conceptgraph.graph.projection import Projection
from conceptgraph.graph.render import class_name

# The columns of Figur 20, named as on the slide (and in English).
COLUMNS = {
    "operation": ("Operation", "Operation"),
    "self_reliance": ("Selvstændighedens form", "Form of self-reliance"),
    "noise_function": ("Funktionen af støj", "Function of noise"),
}


def text_of(values: dict[str, str], lang: str) -> str:
    """The `lang` text of a {da, en} mapping, falling back to Danish."""
    return values.get(lang) or values.get("da") or ""


def label(projection: Projection, slug: str, lang: str) -> str:
    """A node's label in `lang`."""
    return text_of(projection.graph.nodes[slug]["label"], lang)


def details(projection: Projection, slug: str, lang: str) -> dict[str, Any]:
    """Everything the side panel shows about a node."""
    graph = projection.graph
    attrs = graph.nodes[slug]
    texts = [v for _, v, k in graph.out_edges(slug, keys=True) if k == "cg:introducedIn"]
    if attrs["cls"] == "Text":
        texts = [slug]
    authors = sorted({v for t in texts for _, v, k in graph.out_edges(t, keys=True) if k == "dcterms:creator"})
    return {
        "slug": slug,
        "label": label(projection, slug, lang),
        "kind": class_name(attrs["cls"], lang),
        "definition": text_of(attrs["definition"], lang),
        "source_text": attrs.get("source_text", ""),
        "section": attrs.get("section", ""),
        "note": text_of(attrs["note"], lang),
        "texts": [{"slug": t, "label": label(projection, t, lang)} for t in texts],
        "authors": [{"slug": a, "label": label(projection, a, lang)} for a in authors],
        "columns": [{"name": COLUMNS[k][0 if lang == "da" else 1], "value": attrs[k]} for k in COLUMNS if k in attrs],
    }


def links(projection: Projection, slug: str, lang: str) -> dict[str, list[dict[str, Any]]]:
    """A node's outgoing and incoming links grouped by relation, each with its rationale."""
    graph = projection.graph
    grouped: dict[str, list[dict[str, Any]]] = {"out": [], "in": []}
    for direction, edges in (
        ("out", graph.out_edges(slug, keys=True)),
        ("in", graph.in_edges(slug, keys=True)),
    ):
        for u, v, key in sorted(edges):
            other = v if direction == "out" else u
            data = graph.edges[u, v, key]
            grouped[direction].append(
                {
                    "relation": text_of(data["label"], lang),
                    "key": key,
                    "slug": other,
                    "label": label(projection, other, lang),
                    "kind": class_name(graph.nodes[other]["cls"], lang),
                    "rationale": text_of(data.get("rationale") or {}, lang),
                    "source_text": data.get("source_text", ""),
                }
            )
    return grouped


# How a question's links are listed: the theory it asks about first, then quotes, the texts they
# come from and themes, and the abbreviations it merely uses last.
_LINK_ORDER = {"Quote": 1, "Text": 2, "Theme": 3, "Abbreviation": 4}


def address_order(projection: Projection, target: str, lang: str) -> tuple[int, str]:
    """Sort key for a question's link to `target`: theory before texts, abbreviations last."""
    return (_LINK_ORDER.get(projection.graph.nodes[target]["cls"], 0), label(projection, target, lang).casefold())


def neighbour_summary(projection: Projection, slug: str, lang: str) -> str:
    """'3 spørgsmål, 1 tekst, …': the neighbours of a node counted by class, for screen readers."""
    graph = projection.graph
    counts: dict[str, int] = {}
    for other in set(graph.successors(slug)) | set(graph.predecessors(slug)):
        cls = graph.nodes[other]["cls"]
        counts[cls] = counts.get(cls, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{n} {class_name(cls, lang, n)}" for cls, n in ordered)
