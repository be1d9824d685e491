"""The course's ordered lists as a participant reads them: question sets with their questions and
the theory each builds on, the texts with their authors, the themes with their texts.

Plain data in the requested language from the projection, shared by `/questions`, the start page
and the tour's printed version, so they always list the same things in the same order.
"""

from __future__ import annotations

from typing import Any

from conceptgraph.graph.describe import address_order, label, text_of
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.render import class_name

# What a one-line "builds on" leaves out: abbreviations a question merely uses.
NOT_THEORY = ("Abbreviation",)


def _ranked(projection: Projection, slugs: Any) -> list[str]:
    graph = projection.graph
    return sorted(slugs, key=lambda s: (graph.nodes[s].get("rank", 0), s))


def of_class(projection: Projection, cls: str) -> list[str]:
    """The slugs of one class in their list order (rank), then by slug."""
    return _ranked(projection, (s for s, a in projection.graph.nodes(data=True) if a["cls"] == cls))


def question_sets(projection: Projection, lang: str) -> list[dict[str, Any]]:
    """Every question set in course order, each with its questions and what they address, and why."""
    graph = projection.graph
    listing = []
    for question_set in of_class(projection, "QuestionSet"):
        members = _ranked(projection, (u for u, _, k in graph.in_edges(question_set, keys=True) if k == "cg:inList"))
        items = [_question(projection, question, lang) for question in members]
        listing.append({"slug": question_set, "label": label(projection, question_set, lang), "questions": items})
    return listing


def _question(projection: Projection, question: str, lang: str) -> dict[str, Any]:
    graph = projection.graph
    targets = [v for _, v, k in graph.out_edges(question, keys=True) if k == "cg:addresses"]
    links = [
        {
            "slug": target,
            "label": label(projection, target, lang),
            "cls": graph.nodes[target]["cls"],
            "kind": class_name(graph.nodes[target]["cls"], lang),
            "rationale": text_of(graph.edges[question, target, "cg:addresses"].get("rationale") or {}, lang),
        }
        for target in sorted(targets, key=lambda t: address_order(projection, t, lang))
    ]
    builds_on = [link["label"] for link in links if link["cls"] not in NOT_THEORY]
    return {"slug": question, "label": label(projection, question, lang), "links": links, "builds_on": builds_on}


def texts(projection: Projection, lang: str) -> list[dict[str, Any]]:
    """The course texts by their number, each with its authors and themes."""
    graph = projection.graph
    listing = []
    for text in of_class(projection, "Text"):
        out = [(v, k) for _, v, k in graph.out_edges(text, keys=True)]
        authors = [v for v, k in sorted(out) if k == "dcterms:creator"]
        listing.append(
            {
                "slug": text,
                "number": graph.nodes[text].get("rank", 0),
                "label": label(projection, text, lang),
                "authors": [{"slug": v, "label": label(projection, v, lang)} for v in authors],
                "themes": sorted(v for v, k in out if k == "cg:partOfTheme"),
            }
        )
    return listing


def themes(projection: Projection, lang: str) -> list[dict[str, Any]]:
    """The themes in the order the course reaches them (by their first text), each with its texts."""
    listed = texts(projection, lang)
    found = []
    for theme in of_class(projection, "Theme"):
        members = [t for t in listed if theme in t["themes"]]
        first = min((t["number"] for t in members), default=len(listed) + 1)
        found.append((first, theme, members))
    return [
        {"slug": theme, "label": label(projection, theme, lang), "texts": members}
        for _, theme, members in sorted(found, key=lambda item: (item[0], item[1]))
    ]
