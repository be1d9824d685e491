"""Turn the checked course records into an RDF dataset: one named graph per data file.

Each graph carries its own provenance (source file, content hash); a `build` graph describes the
dataset as a whole (data version, build time, tool version) and a `vocab` graph holds the
ontology, so the relation labels travel with the data.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from conceptgraph import __version__
from conceptgraph.course.model import Course, Resource, Tour
from conceptgraph.course.schema import CROSS_RELATIONS, FIELDS
from conceptgraph.ontology import superclasses, vocabulary
from conceptgraph.vocab import CG, PREFIXES, SCHEMA, graph_iri, resource_iri, tour_iri


def build_time() -> datetime:
    """Now, unless SOURCE_DATE_EPOCH fixes it (the reproducible-builds convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0)


def course_dataset(course: Course, base: str, *, built: datetime | None = None) -> Dataset:
    """The whole course as a Dataset with a union default graph."""
    dataset = Dataset(default_union=True)
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    vocab_graph = dataset.graph(graph_iri(base, "vocab"))
    for triple in vocabulary():
        vocab_graph.add(triple)
    graphs = {}
    for source in course.files:
        g = dataset.graph(graph_iri(base, source.graph))
        g.add((g.identifier, RDF.type, PROV.Entity))
        g.add((g.identifier, RDFS.label, Literal(source.title, lang="da")))
        g.add((g.identifier, DCTERMS.source, Literal(source.path)))
        g.add((g.identifier, CG.contentHash, Literal(f"sha256:{source.sha256}")))
        graphs[source.graph] = g
    following = _successors(course)
    for resource in course.resources.values():
        _emit(graphs[resource.graph], resource, base)
        if resource.id in following:
            graphs[resource.graph].add(
                (resource_iri(base, resource.id), CG.precedes, resource_iri(base, following[resource.id]))
            )
    for tour in course.tours:
        _emit_tour(graphs[tour.graph], tour, base)
    _describe_build(dataset.graph(graph_iri(base, "build")), course, base, built or build_time())
    return dataset


def _successors(course: Course) -> dict[str, str]:
    """Each ranked item's next item in its list, for the cg:precedes chain."""
    lists: dict[str, list[Resource]] = {}
    for resource in course.resources.values():
        if resource.in_list is not None:
            lists.setdefault(resource.in_list, []).append(resource)
    following = {}
    for items in lists.values():
        items.sort(key=lambda r: r.values["rank"])
        following.update({a.id: b.id for a, b in zip(items, items[1:], strict=False)})
    return following


def _emit(g: Graph, resource: Resource, base: str) -> None:
    node = resource_iri(base, resource.id)
    for cls in superclasses(resource.type):
        g.add((node, RDF.type, cls))
    if resource.section:
        g.add((node, CG.sourceSection, Literal(resource.section, lang="da")))
    if resource.in_list is not None:
        g.add((node, CG.inList, resource_iri(base, resource.in_list)))
    for key, value in resource.values.items():
        if key == "cross_links":
            continue
        for obj in _objects(key, value, base):
            g.add((node, FIELDS[key].predicate, obj))
    if "contrasts_with" in resource.values:
        g.add((resource_iri(base, resource.values["contrasts_with"]), CG.contrastsWith, node))
    for link in resource.values.get("addresses", []):
        _reify_address(g, node, resource.id, link, base)
    for link in resource.values.get("cross_links", []):
        _cross_link(g, node, resource.id, link, base)


def _objects(key: str, value: Any, base: str) -> list[URIRef | Literal]:
    kind = FIELDS[key].kind
    if kind == "langmap":
        return [Literal(text, lang=lang) for lang, text in value.items()]
    if kind in ("text", "texts"):
        return [Literal(v, lang="da") for v in (value if isinstance(value, list) else [value])]
    if kind == "ref":
        return [resource_iri(base, str(value))]
    if kind in ("refs", "addresses"):
        ids = [v["to"] if isinstance(v, dict) else v for v in value]
        return [resource_iri(base, i) for i in ids]
    datatype = {"int": XSD.integer, "bool": XSD.boolean, "time": XSD.time, "monthday": XSD.gMonthDay}
    return [Literal(value, datatype=datatype.get(kind))]


def _reify_address(g: Graph, question: URIRef, qid: str, link: dict[str, Any], base: str) -> None:
    """State why the question addresses its target, on an rdf:Statement with a stable IRI."""
    statement = URIRef(f"{base}id/{qid}/addresses/{link['to']}")
    g.add((statement, RDF.type, RDF.Statement))
    g.add((statement, RDF.subject, question))
    g.add((statement, RDF.predicate, CG.addresses))
    g.add((statement, RDF.object, resource_iri(base, link["to"])))
    for lang, text in link["why"].items():
        g.add((statement, CG.rationale, Literal(text, lang=lang)))


def _cross_link(g: Graph, subject: URIRef, sid: str, link: dict[str, Any], base: str) -> None:
    """A link the slides draw themselves: the triple, and a statement carrying the slide's sentence."""
    predicate = CROSS_RELATIONS[link["relation"]]
    target = resource_iri(base, link["to"])
    g.add((subject, predicate, target))
    statement = URIRef(f"{base}id/{sid}/{predicate[len(str(CG)) :]}/{link['to']}")
    g.add((statement, RDF.type, RDF.Statement))
    g.add((statement, RDF.subject, subject))
    g.add((statement, RDF.predicate, predicate))
    g.add((statement, RDF.object, target))
    g.add((statement, CG.sourceText, Literal(link["source_text"], lang="da")))


def _emit_tour(g: Graph, tour: Tour, base: str) -> None:
    """A tour as an ordered list of steps (cg:inList, cg:rank, cg:precedes like every list), each
    step with its title, text, slide heading, map view URL and the resources that view names."""
    node = tour_iri(base, tour.id)
    for cls in superclasses("Tour"):
        g.add((node, RDF.type, cls))
    for lang, text in tour.label.items():
        g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    if tour.session:
        g.add((node, CG.partOfSession, resource_iri(base, tour.session[0])))
    previous = None
    for rank, step in enumerate(tour.steps, start=1):
        item = tour_iri(base, tour.id, step.id)
        g.add((item, RDF.type, CG.TourStep))
        g.add((item, CG.inList, node))
        g.add((item, CG.rank, Literal(rank, datatype=XSD.integer)))
        g.add((item, CG.mapView, Literal("/map?" + urlencode(step.view) if step.view else "/map")))
        for lang, text in step.title.items():
            g.add((item, SKOS.prefLabel, Literal(text, lang=lang)))
        for lang, text in step.text.items():
            g.add((item, DCTERMS.description, Literal(text, lang=lang)))
        if step.section:
            g.add((item, CG.sourceSection, Literal(step.section, lang="da")))
        for _, slug, _ in step.refs:
            g.add((item, DCTERMS.subject, resource_iri(base, slug)))
        if previous is not None:
            g.add((previous, CG.precedes, item))
        previous = item


def _describe_build(g: Graph, course: Course, base: str, built: datetime) -> None:
    dataset = URIRef(base)
    g.add((dataset, RDF.type, PROV.Entity))
    g.add((dataset, CG.dataVersion, Literal(course.version)))
    g.add((dataset, PROV.generatedAtTime, Literal(built.isoformat(), datatype=XSD.dateTime)))
    g.add((dataset, SCHEMA.softwareVersion, Literal(f"conceptgraph {__version__}")))
    for source in course.files:
        g.add((dataset, PROV.wasDerivedFrom, graph_iri(base, source.graph)))
