"""The course as the reflection pages refer to it: resource IRIs, labels, the questions in order.

A reflection stores absolute IRIs (`<base>id/<slug>`), the pages show labels and link to
`/id/<slug>`; this module translates between the two so no view builds an IRI by hand.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from rdflib.namespace import PROV

from conceptgraph.graph.describe import address_order, label, text_of
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.render import class_name
from conceptgraph.ontology import superclasses
from conceptgraph.vocab import CG, SCHEMA

# What a reflection can draw on, as classes of the vocabulary: the course's theory (every kind of
# cg:Concept), the works that carry it (texts, frameworks, figures, quotes: schema:CreativeWork),
# the people and organisations behind them (prov:Agent) and its questions. Not what only
# organises the course: sessions, programme items, themes, question sets, lists, phases.
DRAWN_ON = (CG.Concept, SCHEMA.CreativeWork, PROV.Agent, CG.ReflectionQuestion)


def projection() -> Projection:
    """The course graph the pages draw on."""
    found: Projection = current_app.extensions["conceptgraph"].projection
    return found


def iri_of(slug: str) -> str:
    """The IRI a reflection stores for the course resource `slug`."""
    return f"{current_app.extensions['conceptgraph'].base}id/{slug}"


def slug_of(iri: str) -> str | None:
    """The slug of a course resource's IRI; None for an IRI outside the course."""
    prefix = f"{current_app.extensions['conceptgraph'].base}id/"
    slug = iri[len(prefix) :] if iri.startswith(prefix) else None
    return slug if slug and slug in projection().graph else None


def label_of(iri: str, lang: str) -> str:
    """What a page shows for a linked IRI: the resource's label, or the IRI itself."""
    slug = slug_of(iri)
    return label(projection(), slug, lang) if slug else iri


def is_question(slug: str) -> bool:
    """Whether `slug` is one of the course's reflection questions."""
    graph = projection().graph
    return slug in graph and graph.nodes[slug]["cls"] == "ReflectionQuestion"


def questions(lang: str) -> list[dict[str, str]]:
    """Every reflection question in course order (by its list, then its rank): slug, IRI, label."""
    graph = projection().graph
    sets = {s: a.get("rank", 0) for s, a in graph.nodes(data=True) if a["cls"] == "QuestionSet"}

    def order(slug: str) -> tuple[int, int]:
        lists = [v for _, v, k in graph.out_edges(slug, keys=True) if k == "cg:inList"]
        return (min((sets.get(s, 0) for s in lists), default=0), graph.nodes[slug].get("rank", 0))

    found = sorted((s for s, a in graph.nodes(data=True) if a["cls"] == "ReflectionQuestion"), key=order)
    return [{"slug": s, "iri": iri_of(s), "label": label(projection(), s, lang)} for s in found]


def addresses(slug: str, lang: str) -> list[dict[str, Any]]:
    """The question's own `cg:addresses` links: what the writing form offers as suggestions."""
    found = projection()
    graph = found.graph
    targets = [v for _, v, k in graph.out_edges(slug, keys=True) if k == "cg:addresses"]
    return [
        {
            "slug": target,
            "label": label(found, target, lang),
            "kind": class_name(graph.nodes[target]["cls"], lang),
            "rationale": text_of(graph.edges[slug, target, "cg:addresses"].get("rationale") or {}, lang),
        }
        for target in sorted(targets, key=lambda t: address_order(found, t, lang))
    ]


def can_draw_on(slug: str) -> bool:
    """Whether a reflection can sensibly link to the course resource `slug` (see DRAWN_ON)."""
    kinds = superclasses(projection().graph.nodes[slug]["cls"])
    return any(kind in kinds for kind in DRAWN_ON)


def suggestions(slug: str, lang: str) -> list[dict[str, Any]]:
    """What the writing form offers for `slug`: a question's own `cg:addresses` links; for a
    concept, text or any other resource, the resources it is linked to in the course (either
    direction, the course's reason where the link has one) that a reflection can draw on, by label."""
    if is_question(slug):
        return addresses(slug, lang)
    found = projection()
    graph = found.graph
    reasons: dict[str, str] = {}
    edges = [(v, d) for _, v, d in graph.out_edges(slug, data=True)]
    edges += [(u, d) for u, _, d in graph.in_edges(slug, data=True)]
    for other, data in edges:
        if other != slug and can_draw_on(other):
            why = text_of(data.get("rationale") or {}, lang)
            reasons[other] = reasons.get(other) or why
    return sorted(
        (
            {"slug": other, "label": label(found, other, lang), "kind": class_name(graph.nodes[other]["cls"], lang)}
            | {"rationale": why}
            for other, why in reasons.items()
        ),
        key=lambda s: s["label"].casefold(),
    )
