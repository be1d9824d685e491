"""The vocabulary: parses, has the DESIGN.md core terms, and labels every term in Danish and English."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from conceptgraph.assets import ontology_file
from conceptgraph.vocab import CG

CORE_CLASSES = (
    "Course Session ProgrammeItem Theme Text Person Organisation ReflectionQuestion Quote Concept "
    "InstitutionForm ChangeOrder Principle Barrier Driver LeaderRole Characteristic Competence "
    "CommunicationTip InvolvementContrast Abbreviation"
).split()
CORE_PROPERTIES = (
    "addresses rationale introducedIn partOfTheme partOfSession rank precedes contrastsWith sourceSection sourceText"
).split()
CONCEPT_SUBCLASSES = CORE_CLASSES[CORE_CLASSES.index("InstitutionForm") :]


@pytest.fixture(scope="module")
def vocab() -> Graph:
    graph = Graph()
    graph.parse(ontology_file("conceptgraph.ttl"), format="turtle")
    return graph


def own_terms(vocab: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted({s for k in kinds for s in vocab.subjects(RDF.type, k) if str(s).startswith(str(CG))})


@pytest.mark.parametrize("name", CORE_CLASSES)
def test_core_class_is_declared(vocab: Graph, name: str) -> None:
    assert (CG[name], RDF.type, OWL.Class) in vocab


@pytest.mark.parametrize("name", CORE_PROPERTIES)
def test_core_property_is_declared(vocab: Graph, name: str) -> None:
    types = set(vocab.objects(CG[name], RDF.type))
    assert types & {OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.mark.parametrize("name", CONCEPT_SUBCLASSES)
def test_concept_kinds_are_concepts(vocab: Graph, name: str) -> None:
    assert (CG[name], RDFS.subClassOf, CG.Concept) in vocab


def test_concept_is_a_skos_concept(vocab: Graph) -> None:
    from rdflib.namespace import SKOS

    assert (CG.Concept, RDFS.subClassOf, SKOS.Concept) in vocab


def test_every_term_has_danish_and_english_label_and_comment(vocab: Graph) -> None:
    terms = own_terms(vocab)
    assert len(terms) > 40
    missing = []
    for term in terms:
        for predicate in (RDFS.label, RDFS.comment):
            languages = {o.language for o in vocab.objects(term, predicate)}
            if not {"da", "en"} <= languages:
                missing.append(f"{term} {predicate}")
    assert missing == []


def test_shapes_parse() -> None:
    shapes = Graph()
    shapes.parse(ontology_file("shapes.ttl"), format="turtle")
    assert len(shapes) > 20
