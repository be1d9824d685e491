"""Who sees and may change which reflection, on every path, over real HTTP on SQLite and PostgreSQL.

Issue 14's access model as one table. Two cohorts; in each, participant 1 writes one private and
one shared reflection to the same question (both linked to two concepts), and in hold-a
participant 2 writes a private one too. Every role then tries every path, and each answers with
exactly the status and exactly the reflections the table says: a reflection shows up as its text
(a unique marker) or its id anywhere in the answer (HTML, JSON, Markdown, CSV, PDF text, zip).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from conceptgraph.reflections.annotation_json import MEDIA_TYPE
from conceptgraph.reflections.schema import reflection_history, reflection_links, reflections
from conceptgraph.vocab import DEFAULT_BASE
from tests.annotation_http import annotation
from tests.conftest import DATABASES, QUESTION, SERVER_SETTINGS
from tests.reflections_site import HTML, LINKED, Person, Site, start_site, write

# The reflections: who wrote each (role) and to whom they showed it.
WRITTEN = {
    "ap": ("a1", "private"),
    "as": ("a1", "cohort"),
    "a2p": ("a2", "private"),
    "bp": ("b1", "private"),
    "bs": ("b1", "cohort"),
}
MARKERS = {key: f"MARK-{key}-{visibility}" for key, (_, visibility) in WRITTEN.items()}
# Participants 1 and 2 and the facilitator of hold-a and of hold-b, and a visitor without a session.
PEOPLE = {"a1": "hold-a", "a2": "hold-a", "af": "hold-a", "b1": "hold-b", "b2": "hold-b", "bf": "hold-b"}
ROLES = (*PEOPLE, "visitor")

# Each cell is the status, then after ":" the reflections the answer shows (none without ":").
# {ap} in a path is that reflection's id; {question} and {concept} are course resources (the
# reflections' target and one of their links). On PUT, DELETE and POST every non-author sends the
# reflection's current version, so a write that got through would change it; its author sends a
# stale one and is stopped by the version (412) — past the access check, and nothing changes.
# A member of the cohort who may read a shared reflection is told 403 on the W3C API; everyone
# who may not read it gets 404, as if it did not exist.
TABLE = """
method path                            accept  a1         a2         af         b1         b2      bf      visitor
GET    /                               html    200        200        200        200        200     200     200
GET    /me                             html    200:ap,as  200:a2p    200        200:bp,bs  200     200     303
GET    /me                             json    200        200        200        200        200     200     401
GET    /me/export                      ld      200:ap,as  200:a2p    200        200:bp,bs  200     200     401
GET    /me/export?format=md            html    200:ap,as  200:a2p    200        200:bp,bs  200     200     401
GET    /me/map-layer                   json    200:ap,as  200:as,a2p 200:as     200:bp,bs  200:bs  200:bs  401
GET    /questions                      html    200:ap,as  200:as,a2p 200:as     200:bp,bs  200:bs  200:bs  200
GET    /questions/{question}/reflect   html    200        200        200        200        200     200     303
GET    /id/{concept}/reflect           html    200        200        200        200        200     200     303
GET    /me/delete                      html    200        200        200        200        200     200     401
GET    /map?path={question}            html    200:ap,as  200:a2p    200        200:bp,bs  200     200     200
GET    /map?focus={question}&depth=1   html    200        200        200        200        200     200     200
GET    /id/{question}                  html    200:ap,as  200:as,a2p 200:as     200:bp,bs  200:bs  200:bs  200
GET    /id/{concept}                   html    200:ap,as  200:as,a2p 200:as     200:bp,bs  200:bs  200:bs  200
GET    /id/{question}.ttl              html    200        200        200        200        200     200     200
GET    /id/{question}                  rdf     200        200        200        200        200     200     200
GET    /api/search?q=MARK-as-cohort    json    200        200        200        200        200     200     200
GET    /api/search?q=st%C3%B8j         json    200        200        200        200        200     200     200
GET    /annotations/                   ld      200:ap,as  200:as,a2p 200:as     200:bp,bs  200:bs  200:bs  200
GET    /annotations/?page=0            ld      200:ap,as  200:as,a2p 200:as     200:bp,bs  200:bs  200:bs  200
GET    /annotations/?iris=1&page=0     ld      200:ap,as  200:as,a2p 200:as     200:bp,bs  200:bs  200:bs  200
GET    /cohort/hold-a                  html    404        404        200:as     404        404     404     404
GET    /cohort/hold-a?names=1          html    404        404        200:as     404        404     404     404
GET    /cohort/hold-a/handout.md       html    404        404        200:as     404        404     404     404
GET    /cohort/hold-a/handout.pdf      html    404        404        200:as     404        404     404     404
GET    /cohort/hold-a/reflections.csv  html    404        404        200:as     404        404     404     404
GET    /cohort/hold-a/reflections.jsonld ld    404        404        200:as     404        404     404     404
GET    /cohort/hold-b                  html    404        404        404        404        404     200:bs  404
GET    /cohort/hold-b/handout.md       html    404        404        404        404        404     200:bs  404
GET    /cohort/hold-b/handout.pdf      html    404        404        404        404        404     200:bs  404
GET    /cohort/hold-b/reflections.csv  html    404        404        404        404        404     200:bs  404
GET    /cohort/hold-b/reflections.jsonld ld    404        404        404        404        404     200:bs  404
GET    /export/html?{view}             html    200        200        200        200        200     200     200
GET    /export/svg?{view}              html    200        200        200        200        200     200     200
GET    /export/pdf?{view}              html    200        200        200        200        200     200     200
GET    /export/graphml?{view}          html    200        200        200        200        200     200     200
GET    /export/gexf?{view}             html    200        200        200        200        200     200     200
GET    /export/json?{view}             html    200        200        200        200        200     200     200
GET    /export/ttl?{view}              html    200        200        200        200        200     200     200
GET    /export/jsonld?{view}           html    200        200        200        200        200     200     200
GET    /export/nt?{view}               html    200        200        200        200        200     200     200
GET    /export/csv?{view}              html    200        200        200        200        200     200     200
GET    /export/handout?{view}          html    200        200        200        200        200     200     200
GET    /export/handout-md?{view}       html    200        200        200        200        200     200     200
GET    /sparql?query={markers}         sparql  200        200        200        200        200     200     200
GET    /sparql?query={annotations}     sparql  200        200        200        200        200     200     200
GET    /annotations/{ap}               ld      200:ap     404        404        404        404     404     404
HEAD   /annotations/{ap}               ld      200        404        404        404        404     404     404
PUT    /annotations/{ap}               ld      412        404        404        404        404     404     401
DELETE /annotations/{ap}               ld      412        404        404        404        404     404     401
GET    /reflections/{ap}/edit          html    200:ap     404        404        404        404     404     303
POST   /reflections/{ap}/edit          html    412        404        404        404        404     404     401
POST   /reflections/{ap}/delete        html    412        404        404        404        404     404     401
GET    /annotations/{as}               ld      200:as     200:as     200:as     404        404     404     404
HEAD   /annotations/{as}               ld      200        200        200        404        404     404     404
PUT    /annotations/{as}               ld      412        403        403        404        404     404     401
DELETE /annotations/{as}               ld      412        403        403        404        404     404     401
GET    /reflections/{as}/edit          html    200:as     404        404        404        404     404     303
POST   /reflections/{as}/edit          html    412        404        404        404        404     404     401
POST   /reflections/{as}/delete        html    412        404        404        404        404     404     401
GET    /annotations/{a2p}              ld      404        200:a2p    404        404        404     404     404
HEAD   /annotations/{a2p}              ld      404        200        404        404        404     404     404
PUT    /annotations/{a2p}              ld      404        412        404        404        404     404     401
DELETE /annotations/{a2p}              ld      404        412        404        404        404     404     401
GET    /reflections/{a2p}/edit         html    404        200:a2p    404        404        404     404     303
POST   /reflections/{a2p}/edit         html    404        412        404        404        404     404     401
POST   /reflections/{a2p}/delete       html    404        412        404        404        404     404     401
GET    /annotations/{bp}               ld      404        404        404        200:bp     404     404     404
HEAD   /annotations/{bp}               ld      404        404        404        200        404     404     404
PUT    /annotations/{bp}               ld      404        404        404        412        404     404     401
DELETE /annotations/{bp}               ld      404        404        404        412        404     404     401
GET    /reflections/{bp}/edit          html    404        404        404        200:bp     404     404     303
POST   /reflections/{bp}/edit          html    404        404        404        412        404     404     401
POST   /reflections/{bp}/delete        html    404        404        404        412        404     404     401
GET    /annotations/{bs}               ld      404        404        404        200:bs     200:bs  200:bs  404
HEAD   /annotations/{bs}               ld      404        404        404        200        200     200     404
PUT    /annotations/{bs}               ld      404        404        404        412        403     403     401
DELETE /annotations/{bs}               ld      404        404        404        412        403     403     401
GET    /reflections/{bs}/edit          html    404        404        404        200:bs     404     404     303
POST   /reflections/{bs}/edit          html    404        404        404        412        404     404     401
POST   /reflections/{bs}/delete        html    404        404        404        412        404     404     401
"""

ACCEPT = {
    "html": HTML["Accept"],
    "json": "application/json",
    "ld": MEDIA_TYPE,
    "rdf": "application/ld+json",
    "sparql": "application/sparql-results+json",
}
QUERIES = {
    # Any literal holding a marker, or any resource under /annotations/, in any graph.
    "markers": 'SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER(CONTAINS(STR(?o), "MARK-")'
    ' || CONTAINS(STR(?s), "/annotations/")) }',
    # Any Web Annotation at all.
    "annotations": "SELECT * WHERE { { ?a a <http://www.w3.org/ns/oa#Annotation> ; ?p ?o }"
    " UNION { GRAPH ?g { ?a a <http://www.w3.org/ns/oa#Annotation> ; ?p ?o } } }",
}
SPELLED = {
    "question": QUESTION,
    "concept": LINKED[1],
    "view": f"focus={QUESTION}&depth=1",
    **{name: quote(query) for name, query in QUERIES.items()},
}


@dataclass(frozen=True)
class Row:
    """One line of the table: a request and what each role gets back."""

    method: str
    path: str  # with {placeholders}
    accept: str
    cells: dict[str, str]  # role → "status" or "status:reflection,reflection"

    @property
    def reflection(self) -> str | None:
        """The reflection the path names, if it names one."""
        found = re.search(r"\{(" + "|".join(WRITTEN) + r")\}", self.path)
        return found.group(1) if found else None


def rows(table: str) -> list[Row]:
    """The table's lines, each with a cell for every role (a malformed line fails at collection)."""
    header, *lines = table.strip().splitlines()
    assert header.split()[3:] == list(ROLES)
    parsed = []
    for line in lines:
        method, path, accept, *cells = line.split()
        assert len(cells) == len(ROLES) and accept in ACCEPT, line
        parsed.append(Row(method, path, accept, {role: normal(cell) for role, cell in zip(ROLES, cells, strict=True)}))
    return parsed


def normal(cell: str) -> str:
    """The cell with its reflections in WRITTEN's order, so equal cells are equal strings."""
    status, _, shown = cell.partition(":")
    return cell_of(int(status), set(shown.split(",")) - {""})


def cell_of(status: int, shown: set[str]) -> str:
    """A cell as the table writes it, from an answer's status and the reflections it shows."""
    listed = ",".join(key for key in WRITTEN if key in shown)
    return f"{status}:{listed}" if listed else str(status)


ROWS = rows(TABLE)


@dataclass
class World:
    site: Site
    people: dict[str, Person]
    ids: dict[str, str]  # "ap" → the reflection's id
    stored: Any  # every stored row of the reflections, as written


@pytest.fixture(scope="module", params=DATABASES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The two cohorts' people and their five reflections, written once through the form."""
    root = tmp_path_factory.mktemp(f"access-{request.param}")
    sites = start_site(request.param, root, request, SERVER_SETTINGS)
    site = next(sites)
    try:
        people = {
            role: site.join(slug, f"Person {role}", "facilitator" if role.endswith("f") else "participant")
            for role, slug in PEOPLE.items()
        }
        people["visitor"] = Person(site.visitor(), "visitor", "")
        ids = {key: write(people[author], MARKERS[key], visibility=shown) for key, (author, shown) in WRITTEN.items()}
        yield World(site, people, ids, everything_stored(site))
    finally:
        sites.close()


def everything_stored(site: Site) -> Any:
    """Every row of the reflections, their links and their history."""
    with site.db.read() as connection:
        return {
            table.name: sorted(tuple(map(str, row)) for row in connection.execute(select(table)))
            for table in (reflections, reflection_links, reflection_history)
        }


def ask(world: World, role: str, row: Row) -> httpx.Response:
    """The row's request as `role`'s browser or program sends it (with its CSRF token)."""
    person = world.people[role]
    path = row.path.format(**SPELLED, **world.ids)
    headers = {"Accept": ACCEPT[row.accept], "X-CSRF-Token": person.csrf}
    key = row.reflection
    version = 999 if key and WRITTEN[key][0] == role else 1  # the author's is stale
    if row.method in ("PUT", "DELETE"):
        headers["If-Match"] = f'"{world.ids[key or ""]}.{version}"'
    if row.method == "PUT":
        headers["Content-Type"] = MEDIA_TYPE
        changed = annotation(f"Ændret af {role}", visibility="cohort", target=f"{DEFAULT_BASE}id/{QUESTION}")
        return person.client.put(path, content=json.dumps(changed), headers=headers)
    if row.method == "POST":
        form = {"csrf_token": person.csrf, "text": f"Ændret af {role}", "visibility": "cohort", "version": version}
        return person.client.post(path, data=form, headers=headers)
    return person.client.request(row.method, path, headers=headers)


def readable(answer: httpx.Response) -> str:
    """The answer's text as a reader gets it: a PDF's text, a zip's files, else the body."""
    kind = answer.headers.get("content-type", "")
    if kind.startswith("application/pdf"):
        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(answer.content)).pages)
    if kind.startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
            return " ".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    if kind.startswith("application/sparql-results+json"):
        assert "results" in answer.json(), answer.text  # the query ran
    return answer.text


def shown(world: World, answer: httpx.Response) -> set[str]:
    """The reflections the answer shows: by text, or by an id the request did not name itself."""
    text, asked = readable(answer), str(answer.request.url)
    return {
        key
        for key, marker in MARKERS.items()
        if marker in text or (world.ids[key] in text and world.ids[key] not in asked)
    }


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method} {r.path} {r.accept}" for r in ROWS])
def test_every_role_gets_exactly_its_cell(world: World, row: Row) -> None:
    answers = {role: ask(world, role, row) for role in ROLES}
    got = {role: cell_of(answer.status_code, shown(world, answer)) for role, answer in answers.items()}
    assert got == row.cells
    if row.method not in ("GET", "HEAD"):
        assert everything_stored(world.site) == world.stored  # nobody's attempt changed anything


def test_only_the_author_is_told_who_wrote_a_reflection(world: World) -> None:
    """A shared reflection names nobody to its readers, not even by an opaque id (ids would let
    them group a cohort's reflections by person); its author sees their own name."""
    for key, (author, _) in WRITTEN.items():
        for role in ROLES:
            answer = world.people[role].client.get(f"/annotations/{world.ids[key]}", headers={"Accept": MEDIA_TYPE})
            if answer.status_code == 200:
                named = "creator" in answer.json() or "urn:conceptgraph:account" in answer.text
                assert named == (role == author), (key, role)
