"""The class hierarchy of the vocabulary, read from ontology/conceptgraph.ttl.

The loader checks `type:` values and reference targets against it, and the RDF output states each
resource's superclasses too, so a query for `cg:Concept` finds principles without a reasoner.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from conceptgraph.assets import ontology_file
from conceptgraph.vocab import CG


@cache
def vocabulary() -> Graph:
    """The parsed vocabulary (cached: it never changes while the program runs)."""
    graph = Graph()
    graph.parse(ontology_file("conceptgraph.ttl"), format="turtle")
    return graph


@cache
def class_names() -> tuple[str, ...]:
    """The local names of the vocabulary's own classes, e.g. `Principle`."""
    graph = vocabulary()
    names = [str(c)[len(str(CG)) :] for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(str(CG))]
    return tuple(sorted(names))


@cache
def superclasses(name: str) -> tuple[URIRef, ...]:
    """Every class `cg:<name>` is a subclass of, itself included, nearest first."""
    graph = vocabulary()
    found: list[URIRef] = []
    frontier = [CG[name]]
    while frontier:
        current = frontier.pop(0)
        if current in found:
            continue
        found.append(current)
        frontier.extend(sorted(o for o in graph.objects(current, RDFS.subClassOf) if isinstance(o, URIRef)))
    return tuple(found)


def is_a(name: str, ancestor: str) -> bool:
    """Whether class `name` is `ancestor` or one of its subclasses (both local names)."""
    return CG[ancestor] in superclasses(name)
