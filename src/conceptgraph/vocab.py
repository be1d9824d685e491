"""Namespaces and the IRIs conceptgraph mints, in one place so every module agrees on them."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

CG = Namespace("https://w3id.org/conceptgraph/vocab#")
SCHEMA = Namespace("https://schema.org/")
DEFAULT_BASE = "https://w3id.org/conceptgraph/"

PREFIXES: dict[str, Namespace] = {
    prefix: Namespace(str(namespace))
    for prefix, namespace in (
        ("cg", CG),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
        ("owl", OWL),
        ("prov", PROV),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("schema", SCHEMA),
        ("skos", SKOS),
        ("xsd", XSD),
    )
}


def resource_iri(base: str, slug: str) -> URIRef:
    """The IRI of a course resource; `/id/<slug>` is also its page in the web service."""
    return URIRef(f"{base}id/{slug}")


def tour_iri(base: str, tour: str, step: str | None = None) -> URIRef:
    """The IRI of a guided tour (`/tour/<slug>` is its page) or of one of its steps. Outside `id/`,
    so tours are not drawn on the map they walk through."""
    return URIRef(f"{base}tour/{tour}" + (f"/{step}" if step else ""))


def graph_iri(base: str, name: str) -> URIRef:
    """The IRI of the named graph built from one data file (or `vocab`, `build`)."""
    return URIRef(f"{base}graph/{name}")


def query_prefixes(base: str) -> dict[str, str]:
    """The prefixes every query may use undeclared: the namespaces above and `id:` for resources."""
    return {**{p: str(ns) for p, ns in PREFIXES.items()}, "id": f"{base}id/"}


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, so queries can use the short names."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))
