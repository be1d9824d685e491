"""SHACL rejects hand-broken graphs: the shapes are the contract whoever produced the RDF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, SKOS

from conceptgraph.course.build import Build
from conceptgraph.course.shacl import shacl_problems
from conceptgraph.vocab import CG, DEFAULT_BASE, resource_iri


def node(slug: str):  # noqa: ANN201 - a URIRef
    return resource_iri(DEFAULT_BASE, slug)


def drop_danish_label(g: Graph) -> None:
    g.remove((node("stoej"), SKOS.prefLabel, Literal("Støj", lang="da")))


def second_danish_label(g: Graph) -> None:
    g.add((node("stoej"), SKOS.prefLabel, Literal("Larm", lang="da")))


def question_without_links(g: Graph) -> None:
    g.remove((node("hvad-vil-du-goere-i-morgen"), CG.addresses, None))


def link_without_rationale(g: Graph) -> None:
    statement = node("hvad-vil-du-goere-i-morgen/addresses/ledelse-paa-alle-niveauer")
    g.remove((statement, CG.rationale, None))


def text_without_creator(g: Graph) -> None:
    g.remove((node("tekst-5-bason"), DCTERMS.creator, None))


def concept_without_text(g: Graph) -> None:
    g.remove((node("stoej"), CG.introducedIn, None))


def rank_collision(g: Graph) -> None:
    g.set((node("eksperimenter"), CG.rank, Literal(2)))


def precedes_cycle(g: Graph) -> None:
    g.add((node("saet-hold-der-braender"), CG.precedes, node("blik-for-borgernes-virkelighed")))


def addresses_a_person(g: Graph) -> None:
    g.add((node("hvad-vil-du-goere-i-morgen"), CG.addresses, node("bason")))


BREAKS: list[tuple[Callable[[Graph], None], str, str]] = [
    (drop_danish_label, "stoej", "exactly one Danish skos:prefLabel"),
    (second_danish_label, "stoej", "exactly one Danish skos:prefLabel"),
    (question_without_links, "hvad-vil-du-goere-i-morgen", "must address at least one"),
    (link_without_rationale, "hvad-vil-du-goere-i-morgen", "without a cg:rationale"),
    (text_without_creator, "tekst-5-bason", "needs at least one dcterms:creator"),
    (concept_without_text, "stoej", "needs cg:introducedIn"),
    (rank_collision, "eksperimenter", "is used twice in one list"),
    (precedes_cycle, "saet-hold-der-braender", "forms a cycle"),
    (addresses_a_person, "hvad-vil-du-goere-i-morgen", "must address at least one cg:Concept or cg:Text"),
]


def test_the_course_conforms(course: Build) -> None:
    assert shacl_problems(course.merged()) == []


@pytest.mark.parametrize(("breaker", "slug", "message"), BREAKS, ids=[b[0].__name__ for b in BREAKS])
def test_shacl_rejects_a_hand_broken_graph(course: Build, breaker, slug: str, message: str) -> None:  # noqa: ANN001
    graph = course.merged()
    breaker(graph)
    problems = shacl_problems(graph)
    assert any(focus == node(slug) and message in text for focus, text in problems), problems


def test_shacl_holds_tours_to_their_shape(course: Build) -> None:
    """A tour step without its Danish text, or with a view that is not a /map URL, is refused."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS

    from conceptgraph.course.shacl import shacl_problems
    from conceptgraph.vocab import CG, DEFAULT_BASE

    graph = course.merged()
    step = URIRef(f"{DEFAULT_BASE}tour/uddannelsesgang-1/aakerstroem")
    assert (step, CG.mapView, None) in graph
    graph.remove((step, DCTERMS.description, None))
    graph.set((step, CG.mapView, Literal("https://elsewhere.example/")))
    messages = [m for focus, m in shacl_problems(graph) if focus == step]
    assert any("Danish dcterms:description" in m for m in messages), messages
    assert any("cg:mapView" in m for m in messages), messages
