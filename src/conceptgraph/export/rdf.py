"""The RDF behind a view: every statement about its nodes that stays inside the view, with the
reasons for its links, and a description of the snapshot itself."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from conceptgraph.export.context import Snapshot
from conceptgraph.store.interface import bounded, serialised
from conceptgraph.vocab import CG, PREFIXES, SCHEMA


def view_query(snapshot: Snapshot) -> str:
    """The CONSTRUCT query of the view's subgraph: its nodes' literals and types, the links among
    them, and the statements that give their reasons."""
    iris = " ".join(f"<{snapshot.projection.graph.nodes[n]['iri']}>" for n in snapshot.view.nodes)
    return f"""CONSTRUCT {{ ?s ?p ?o . ?st ?sp ?so }} WHERE {{
        VALUES ?s {{ {iris} }}
        {{ ?s ?p ?o . FILTER(isLiteral(?o) || ?p = <{RDF.type}>) }}
        UNION {{ VALUES ?o {{ {iris} }} ?s ?p ?o }}
        UNION {{ VALUES ?t {{ {iris} }} ?st <{RDF.subject}> ?s ; <{RDF.object}> ?t ; ?sp ?so . }}
    }}"""


def view_graph(snapshot: Snapshot) -> Graph:
    """The triples `view_query` selects, found with one lookup per node and filtered here: engines
    join several large VALUES blocks slowly (30 s for 5,000 nodes), single lookups take a second."""
    iris = {snapshot.projection.graph.nodes[n]["iri"] for n in snapshot.view.nodes}
    values = " ".join(f"<{iri}>" for iri in sorted(iris))
    limits = snapshot.limits
    about, cut = bounded(
        snapshot.store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"),
        max_rows=limits.rows,
        max_bytes=limits.bytes,
    )
    reasons: list[ox.Triple] = []
    if not cut:  # the statements get what the view's own triples left of the bounds
        reasons, cut = bounded(
            snapshot.store.construct(
                f"CONSTRUCT {{ ?st ?sp ?so . ?st <{RDF.object}> ?t }} WHERE {{ VALUES ?s {{ {values} }} "
                f"?st <{RDF.subject}> ?s ; <{RDF.object}> ?t ; ?sp ?so }}"
            ),
            max_rows=None if limits.rows is None else limits.rows - len(about),
            max_bytes=None if limits.bytes is None else limits.bytes - _size(about),
        )
        if cut:  # named by the whole export's bound, not what was left of it
            cut = f"limit={limits.rows}" if cut.startswith("limit") else f"max-bytes={limits.bytes}"
    snapshot.truncated = cut
    kept = [
        t
        for t in about
        if not isinstance(t.object, ox.NamedNode) or t.object.value in iris or t.predicate.value == str(RDF.type)
    ]
    inside = {
        t.subject
        for t in reasons
        if t.predicate.value == str(RDF.object) and isinstance(t.object, ox.NamedNode) and t.object.value in iris
    }
    kept += [t for t in reasons if t.subject in inside]
    graph = Graph()
    graph.parse(data=serialised(ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)).decode("utf-8"), format="nt")
    return graph


def _size(triples: list[ox.Triple]) -> int:
    return sum(len(str(t).encode("utf-8")) + 3 for t in triples)


def provenance(snapshot: Snapshot) -> Graph:
    """The snapshot described by its own view URL."""
    graph = Graph()
    node = URIRef(snapshot.url)
    facts = snapshot.provenance
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, CG.dataVersion, Literal(facts["data_version"])))
    if facts["date"]:
        graph.add((node, DCTERMS.date, Literal(facts["date"], datatype=XSD.dateTime)))
    graph.add((node, SCHEMA.softwareVersion, Literal(facts["tool"])))
    graph.add((node, DCTERMS.description, Literal(f"view parameters: {facts['parameters'] or '(whole map)'}")))
    if snapshot.truncated:
        note = f"truncated ({snapshot.truncated}): the view holds more RDF than the service gives in one export"
        graph.add((node, DCTERMS.description, Literal(note)))
    return graph


def to_rdf(snapshot: Snapshot, fmt: str) -> bytes:
    """Turtle, JSON-LD or N-Triples of the view's subgraph plus the snapshot's description."""
    graph = view_graph(snapshot) + provenance(snapshot)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if fmt == "nt":
        lines = sorted(graph.serialize(format="nt").splitlines())
        return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")
