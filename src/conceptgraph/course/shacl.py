"""Check an RDF course graph against ontology/shapes.ttl and locate each violation in the YAML.

The shapes are the contract for the RDF whoever produced it; mapping each focus node back to the
resource it came from keeps the messages as actionable as the loader's.
"""

from __future__ import annotations

from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from conceptgraph.assets import ontology_file
from conceptgraph.course.model import Course
from conceptgraph.errors import DataError, Problem
from conceptgraph.vocab import resource_iri, tour_iri


@cache
def shapes() -> Graph:
    """The SHACL shapes (cached: they never change while the program runs)."""
    graph = Graph()
    graph.parse(ontology_file("shapes.ttl"), format="turtle")
    return graph


def shacl_problems(data: Graph) -> list[tuple[URIRef, str]]:
    """Every SHACL violation in `data` as (focus node, message)."""
    conforms, report, _ = shacl_validate(data, shacl_graph=shapes(), inference="none", advanced=True)
    if conforms:
        return []
    found = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        where = f" (at {path.n3(data.namespace_manager)})" if isinstance(path, URIRef) else ""
        found.append((focus, f"{message}{where}"))
    return sorted(set(found))


def check_course(data: Graph, course: Course, base: str) -> None:
    """Raise DataError with every SHACL violation, each at the YAML line of its resource."""
    located = {resource_iri(base, r.id): (r.path, r.pos, r.id) for r in course.resources.values()}
    for tour in course.tours:
        located[tour_iri(base, tour.id)] = (tour.path, tour.pos, tour.id)
        located.update({tour_iri(base, tour.id, s.id): (tour.path, s.pos, s.id) for s in tour.steps})
    problems = []
    for focus, message in shacl_problems(data):
        found = located.get(focus)
        if found is None:
            problems.append(Problem("(graph)", 0, 0, f"{focus}: {message}"))
        else:
            path, pos, rid = found
            problems.append(Problem(path, pos.line, pos.column, f"'{rid}': {message}"))
    if problems:
        raise DataError(problems)
