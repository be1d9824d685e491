"""The SPARQL 1.1 Service Description of the endpoint, with a VoID description of its graphs.

It also says what a graph name outside the dataset means (FROM, FROM NAMED, default-graph-uri,
named-graph-uri): an empty graph, never loaded or fetched. That is the feature
`cg:UnknownGraphsAreEmpty` (defined in the vocabulary), said again in words on the dataset;
`sd:DereferencesURIs` is never claimed.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from conceptgraph.sparql.formats import GRAPH_TYPES
from conceptgraph.vocab import CG

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

UNKNOWN_GRAPHS = (
    "The default graph is the union of the named graphs listed here. FROM, FROM NAMED, "
    "default-graph-uri and named-graph-uri choose among them; a name that is not one of them "
    "stands for an empty graph. Nothing is ever loaded or fetched from a graph name."
)
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
)
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


def describe_service(endpoint: str, graphs: dict[str, int], media_type: str) -> bytes:
    """The description serialised as `media_type` (one of the graph media types)."""
    if media_type not in GRAPH_TYPES:
        raise ValueError(f"no service description in {media_type}")
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.feature, CG.UnknownGraphsAreEmpty))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    dataset, default = BNode("dataset"), BNode("default")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDFS.comment, Literal(UNKNOWN_GRAPHS, lang="en")))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(sum(graphs.values()), datatype=XSD.integer)))
    for iri, triples in sorted(graphs.items()):
        named, description = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
        g.add((named, SD.graph, description))
        g.add((description, RDF.type, SD.Graph))
        g.add((description, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return g.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")
