"""The one projection of the RDF graph into networkx that every view draws from.

Nodes are the course's resources (IRIs under `<base>id/`), with their labels, texts and most
specific class; edges are the links between them, directed, keyed by relation, labelled in
Danish and English, and carrying the rationale where the link has one (and, for a link the slides
draw themselves, the slide's sentence). It is read through the
store interface only, so it is the same on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from conceptgraph.ontology import superclasses
from conceptgraph.store.interface import GraphStore
from conceptgraph.vocab import CG, PREFIXES

LITERAL_ATTRIBUTES = {
    "http://www.w3.org/2004/02/skos/core#prefLabel": "label",
    "http://www.w3.org/2004/02/skos/core#definition": "definition",
    "http://www.w3.org/2004/02/skos/core#editorialNote": "note",
    "http://www.w3.org/2004/02/skos/core#altLabel": "alt_labels",
    str(CG.sourceText): "source_text",
    str(CG.sourceSection): "section",
    str(CG.rank): "rank",
    str(CG.operation): "operation",
    str(CG.formOfSelfReliance): "self_reliance",
    str(CG.functionOfNoise): "noise_function",
    str(CG.expansion): "expansion",
}
SYMMETRIC = {str(CG.contrastsWith)}


@dataclass
class Projection:
    """The course as a directed multigraph keyed by slug."""

    graph: nx.MultiDiGraph
    base: str

    def node(self, slug: str) -> dict[str, Any]:
        """The attributes of one node."""
        return dict(self.graph.nodes[slug])


def curie(iri: str) -> str:
    """`cg:addresses` for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def project(store: GraphStore, base: str) -> Projection:
    """Read the projection from a store holding a built course."""
    prefix = f"{base}id/"
    graph = nx.MultiDiGraph()
    _add_nodes(graph, store, prefix)
    _add_literals(graph, store, prefix)
    _add_edges(graph, store, prefix)
    return Projection(graph, base)


def _rows(store: GraphStore, query: str) -> list[tuple[Any, ...]]:
    result = store.select(query)
    names = [v.value for v in result.variables]
    return [tuple(solution[n] for n in names) for solution in result]


def _slug(iri: str, prefix: str) -> str:
    return iri[len(prefix) :]


def _add_nodes(graph: nx.MultiDiGraph, store: GraphStore, prefix: str) -> None:
    classes: dict[str, list[str]] = {}
    query = f"""SELECT ?s ?type WHERE {{ ?s a ?type .
        FILTER(STRSTARTS(STR(?s), "{prefix}") && STRSTARTS(STR(?type), "{CG}")) }}"""
    for subject, cls in _rows(store, query):
        classes.setdefault(_slug(subject.value, prefix), []).append(cls.value[len(str(CG)) :])
    for slug, names in sorted(classes.items()):
        specific = max(names, key=lambda name: (len(superclasses(name)), name))
        graph.add_node(
            slug,
            id=slug,
            iri=prefix + slug,
            cls=specific,
            classes=sorted(names),
            label={},
            definition={},
            note={},
            alt_labels=[],
        )


def _add_literals(graph: nx.MultiDiGraph, store: GraphStore, prefix: str) -> None:
    query = f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o .
        FILTER(isLiteral(?o) && STRSTARTS(STR(?s), "{prefix}")) }}"""
    for subject, predicate, value in _rows(store, query):
        slug, key = _slug(subject.value, prefix), LITERAL_ATTRIBUTES.get(predicate.value)
        if key is None or slug not in graph:
            continue
        attrs = graph.nodes[slug]
        if key in ("label", "definition", "note"):
            attrs[key][value.language or "da"] = value.value
        elif key == "alt_labels":
            attrs[key].append(value.value)
        elif key == "rank":
            attrs[key] = int(value.value)
        else:
            attrs[key] = value.value
    for slug in graph:
        graph.nodes[slug]["alt_labels"].sort()
        graph.nodes[slug]["label"].setdefault("da", slug)


def _add_edges(graph: nx.MultiDiGraph, store: GraphStore, prefix: str) -> None:
    labels: dict[str, dict[str, str]] = {}
    for prop, label in _rows(store, "SELECT ?p ?l WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l }"):
        labels.setdefault(prop.value, {})[label.language or "da"] = label.value
    why, quoted = _statements(store)
    query = f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o . FILTER(isIRI(?o) && ?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>
        && STRSTARTS(STR(?s), "{prefix}") && STRSTARTS(STR(?o), "{prefix}")) }}"""
    for subject, predicate, obj in sorted(_rows(store, query), key=lambda r: tuple(t.value for t in r)):
        source, target = _slug(subject.value, prefix), _slug(obj.value, prefix)
        if source not in graph or target not in graph:
            continue
        if predicate.value in SYMMETRIC and source > target:
            continue
        relation = curie(predicate.value)
        graph.add_edge(
            source,
            target,
            key=relation,
            relation=relation,
            label=labels.get(predicate.value, {"da": relation, "en": relation}),
            rationale=why.get((subject.value, predicate.value, obj.value), {}),
            source_text=quoted.get((subject.value, predicate.value, obj.value), ""),
        )


Reasons = dict[tuple[str, str, str], dict[str, str]]
Sentences = dict[tuple[str, str, str], str]
_STATEMENTS = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX cg: <https://w3id.org/conceptgraph/vocab#>"
    " SELECT ?s ?p ?o ?v WHERE {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; {} ?v }}"
)


def _statements(store: GraphStore) -> tuple[Reasons, Sentences]:
    """What reified links say about themselves: a question's reason, a cross-link's slide sentence."""
    why: Reasons = {}
    for subject, predicate, obj, text in _rows(store, _STATEMENTS.format("cg:rationale")):
        why.setdefault((subject.value, predicate.value, obj.value), {})[text.language or "da"] = text.value
    quoted: Sentences = {}
    for subject, predicate, obj, text in _rows(store, _STATEMENTS.format("cg:sourceText")):
        quoted[(subject.value, predicate.value, obj.value)] = text.value
    return why, quoted
