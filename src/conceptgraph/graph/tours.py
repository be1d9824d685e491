"""The guided tours as the store holds them: each tour with its steps in order.

Read with one query through the store interface (so the same on every backend) from the triples
about `<base>tour/…`; the tour page and the start page draw from this, never from the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from conceptgraph.store.interface import GraphStore
from conceptgraph.vocab import CG

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
DESCRIPTION = "http://purl.org/dc/terms/description"
SUBJECT = "http://purl.org/dc/terms/subject"


@dataclass(frozen=True)
class Step:
    """One step: its position (from 1), title and text {da, en}, slide heading and map view."""

    slug: str
    rank: int
    title: dict[str, str]
    text: dict[str, str]
    section: str
    view: dict[str, str]  # the /map parameters, as in its cg:mapView URL
    subjects: tuple[str, ...]  # slugs of what the view names


@dataclass(frozen=True)
class Tour:
    """A tour: its slug, label {da, en}, session slug ("" if none) and steps in order."""

    slug: str
    label: dict[str, str]
    session: str
    steps: tuple[Step, ...]


def read_tours(store: GraphStore, base: str) -> dict[str, Tour]:
    """Every tour in the store by slug, in slug order."""
    prefix = f"{base}tour/"
    query = f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o . FILTER(STRSTARTS(STR(?s), "{prefix}")) }}'
    about: dict[str, dict[str, list[Any]]] = {}
    for row in store.select(query):
        about.setdefault(row["s"].value, {}).setdefault(row["p"].value, []).append(row["o"])
    tours = {}
    for iri, facts in sorted(about.items()):
        if str(CG.Tour) not in {o.value for o in facts.get(RDF_TYPE, [])}:
            continue
        steps = [_step(s, f, base) for s, f in about.items() if iri in {o.value for o in f.get(str(CG.inList), [])}]
        session = [o.value[len(f"{base}id/") :] for o in facts.get(str(CG.partOfSession), [])]
        slug = iri[len(prefix) :]
        tours[slug] = Tour(slug, _texts(facts, PREF_LABEL), (session or [""])[0], tuple(sorted(steps, key=_rank)))
    return tours


def _rank(step: Step) -> int:
    return step.rank


def _texts(facts: dict[str, list[Any]], predicate: str) -> dict[str, str]:
    return {(o.language or "da"): o.value for o in facts.get(predicate, [])}


def _step(iri: str, facts: dict[str, list[Any]], base: str) -> Step:
    view_url = facts[str(CG.mapView)][0].value
    sections = facts.get(str(CG.sourceSection), [])
    return Step(
        slug=iri.rsplit("/", 1)[1],
        rank=int(facts[str(CG.rank)][0].value),
        title=_texts(facts, PREF_LABEL),
        text=_texts(facts, DESCRIPTION),
        section=sections[0].value if sections else "",
        view=dict(parse_qsl(urlsplit(view_url).query)),
        subjects=tuple(sorted(o.value[len(f"{base}id/") :] for o in facts.get(SUBJECT, []))),
    )
