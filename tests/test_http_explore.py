"""The map, the question list and the resource pages over real HTTP."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from tests.conftest import HOSTILE
from tests.server import RunningServer, fetch

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


def map_data(body: str) -> dict:
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', body, re.S)
    assert match, "the page has no map data"
    return json.loads(match.group(1))


class Questions(HTMLParser):
    """The question list's structure: sets (h2), questions (h3) and their links with reasons."""

    def __init__(self) -> None:
        super().__init__()
        self.sets: list[str] = []
        self.questions: list[str] = []
        self.reasons = 0
        self.kinds: list[list[str]] = []  # per question, the kind of each link in page order
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h3":
            self.kinds.append([])
        is_kind = ("class", "kind") in attrs
        if tag in ("h2", "h3"):
            self._tag = tag
        elif ("class", "why") in attrs:
            self._tag = "why"
        elif is_kind:
            self._tag = "kind"

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        if self._tag == "h2":
            self.sets.append(data.strip())
        elif self._tag == "h3":
            self.questions.append(data.strip())
        elif self._tag == "why":
            self.reasons += 1
        elif self._tag == "kind" and self.kinds:
            self.kinds[-1].append(data.strip(" ()"))
        self._tag = ""


def test_map_of_the_whole_course(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/map?all=1", headers=HTML)
    assert reply.status == 200
    data = map_data(reply.text)
    assert len(data["nodes"]) == 183 and len(data["edges"]) > 400
    assert all("x" in node and "y" in node for node in data["nodes"])
    assert data["options"]["physics"]["enabled"] is False
    assert "script-src 'self'" in reply.headers["content-security-policy"]


def test_the_same_view_gives_the_same_map(server: RunningServer) -> None:
    view = "focus=den-potentielle-organisation&depth=2&types=ReflectionQuestion,InstitutionForm"
    url = f"{server.url}/map?{view}"
    first, second = (map_data(fetch(url, headers=HTML).text) for _ in range(2))
    assert first == second
    assert {n["cls"] for n in first["nodes"]} == {"ReflectionQuestion", "InstitutionForm"}


def test_filter_form_checkboxes_work_like_types(server: RunningServer) -> None:
    query = urlencode([("type", "Principle"), ("type", "Text")])
    data = map_data(fetch(f"{server.url}/map?{query}", headers=HTML).text)
    assert {n["cls"] for n in data["nodes"]} == {"Principle", "Text"}


def test_english_labels(server: RunningServer) -> None:
    data = map_data(fetch(f"{server.url}/map?focus=stoej&lang=en", headers=HTML).text)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["stoej"] == "Noise"
    assert data["details"]["stoej"]["kind"] == "concept"


@pytest.mark.parametrize(
    ("query", "status", "fragment", "danish"),
    [
        ("depth=-1&focus=stoej", 400, "depth", "Parameteren depth"),
        ("depth=999&focus=stoej", 400, "depth", "Parameteren depth"),
        ("types=Nope", 400, "unknown type Nope", "Parameteren types"),
        ("focus=no-such-thing", 404, "no resource 'no-such-thing'", "Der findes ikke noget med navnet"),
        ("path=stoej", 400, "not a reflection question", "Parameteren path"),
    ],
)
def test_bad_parameters_get_a_message_not_a_500(
    server: RunningServer, query: str, status: int, fragment: str, danish: str
) -> None:
    """Browsers read it in Danish (tests/test_http_start.py has the wording); programs in English."""
    page = fetch(f"{server.url}/map?{query}", headers=HTML)
    assert page.status == status and page.headers["content-type"].startswith("text/html")
    assert danish in html.unescape(page.text)
    api = fetch(f"{server.url}/map?{query}")
    assert api.status == status and fragment in api.json()["error"]


def test_search_api_and_search_redirect(server: RunningServer) -> None:
    found = fetch(f"{server.url}/api/search?q=aakerstroem").json()
    assert found[0]["slug"] == "aakerstroem" and found[0]["url"] == "/map?focus=aakerstroem&depth=1"
    reply = fetch(f"{server.url}/map?q=stoej", headers=HTML)
    assert map_data(reply.text)["focus"] == "stoej"


def test_the_sparql_control_runs_the_view_query(server: RunningServer) -> None:
    body = fetch(f"{server.url}/map?focus=stoej&depth=1", headers=HTML).text
    link = re.search(r'id="run-sparql" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    result = fetch(server.url + link, headers={"Accept": "application/sparql-results+json"}).json()
    assert len(result["results"]["bindings"]) == len(map_data(body)["edges"])


def test_questions_page_lists_every_question_with_reasons(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/questions", headers=HTML)
    parsed = Questions()
    parsed.feed(reply.text)
    assert parsed.sets == [
        "Refleksion: AK som potentiel organisation, barrierer og drivkræfter",
        "Refleksion: strategi, åbenhed og støj",
        "Refleksion: borgercentreret innovation",
        "Refleksion: borgerinddragelse og indflydelse",
        "Billeder på motivation",
        "Vi gør os klar til at møde Jakob",
    ]
    assert len(parsed.questions) == 23
    assert parsed.questions[0] == "Hvor og hvordan ser I AK som en potentiel organisation?"
    assert parsed.reasons == 86


def test_questions_page_lists_theory_first_and_abbreviations_last(server: RunningServer) -> None:
    parsed = Questions()
    parsed.feed(fetch(f"{server.url}/questions", headers=HTML).text)
    assert len(parsed.kinds) == 23
    rank = {"tekst": 2, "tema": 3, "forkortelse": 4, "citat": 1}
    for question, kinds in zip(parsed.questions, parsed.kinds, strict=True):
        order = [rank.get(k.lower(), 0) for k in kinds]
        assert order == sorted(order), (question, kinds)
        assert order[0] == 0, f"{question}: the first link is a {kinds[0]}, not theory"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")],
)
def test_resource_content_negotiation(server: RunningServer, accept: str, rdf_format: str) -> None:
    reply = fetch(f"{server.url}/id/den-potentielle-organisation", headers={"Accept": accept})
    assert reply.status == 200 and reply.headers["content-type"].startswith(accept)
    assert "Accept" in reply.headers["vary"]
    graph = Graph().parse(data=reply.text, format=rdf_format)
    node = URIRef("https://w3id.org/conceptgraph/id/den-potentielle-organisation")
    assert str(graph.value(node, SKOS.prefLabel)) in (
        "Den potentielle organisation",
        "The potential organisation",
    )
    assert len(list(graph.subjects(None, node))) >= 3  # the questions that address it


@pytest.mark.parametrize(
    ("suffix", "rdf_format"),
    [(".ttl", "turtle"), (".jsonld", "json-ld"), (".json", "json-ld"), (".nt", "nt")],
)
def test_resource_twins(server: RunningServer, suffix: str, rdf_format: str) -> None:
    reply = fetch(f"{server.url}/id/stoej{suffix}")
    assert reply.status == 200
    assert len(Graph().parse(data=reply.text, format=rdf_format)) > 5


def test_resource_page(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/id/den-potentielle-organisation", headers=HTML)
    assert reply.status == 200 and "Andenordensstrategi" in reply.text
    assert "I den potentielle organisation møder støjen organisationen" in html.unescape(reply.text)
    assert map_data(reply.text)["focus"] == "den-potentielle-organisation"
    assert 'rel="alternate" type="text/turtle"' in reply.text


def test_a_resource_page_shows_the_slides_cross_links_in_their_words(server: RunningServer) -> None:
    body = html.unescape(fetch(f"{server.url}/id/tekst-2-mandag-morgen", headers=HTML).text)
    assert "ligger op ad" in body
    assert '<q class="slide-sentence">Teksten ligger godt op af de fem lederroller fra Mandag Morgen' in body
    edges = map_data(fetch(f"{server.url}/id/tekst-2-mandag-morgen", headers=HTML).text)["edges"]
    assert any(e["relation"] == "cg:alignsWith" and e["source_text"].startswith("Teksten ligger") for e in edges)


def test_unknown_resource_is_a_404_with_suggestions(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/id/potentielle", headers=HTML)
    assert reply.status == 404 and "den-potentielle-organisation" in reply.text


def test_resource_iris_resolve_when_the_base_is_the_server(hostile_server: RunningServer) -> None:
    graph = Graph().parse(data=fetch(f"{hostile_server.url}/id/stoej.ttl").text, format="turtle")
    iri = f"{hostile_server.url}/id/stoej"
    assert (URIRef(iri), None, None) in graph
    assert fetch(iri, headers=HTML).status == 200


def test_hostile_label_is_escaped_in_html_and_json(hostile_server: RunningServer) -> None:
    body = fetch(f"{hostile_server.url}/map?focus=fjendtlig-etiket", headers=HTML).text
    assert "<img src=x" not in body
    assert map_data(body)["details"]["fjendtlig-etiket"]["label"] == HOSTILE
    page = fetch(f"{hostile_server.url}/id/fjendtlig-etiket", headers=HTML).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_large_view_says_what_it_hides(hostile_server: RunningServer) -> None:
    body = fetch(f"{hostile_server.url}/map?all=1", headers=HTML).text
    assert len(map_data(body)["nodes"]) == 50
    assert "Kortet viser 50 af 184 elementer" in body


def test_embed_view_may_be_framed_and_others_not(server: RunningServer) -> None:
    embedded = fetch(f"{server.url}/map?focus=stoej&embed=1", headers=HTML)
    assert "frame-ancestors *" in embedded.headers["content-security-policy"]
    assert 'class="embed"' in embedded.text and "map-tools" not in embedded.text
    normal = fetch(f"{server.url}/map?focus=stoej", headers=HTML)
    assert "frame-ancestors 'self'" in normal.headers["content-security-policy"]


OVERVIEW_THEMES = {"velfaerdstransformation", "saet-borgeren-i-spil", "borgerinddragelse", "motivation"}
OVERVIEW_TEXTS = {
    f"tekst-{n}-{name}"
    for n, name in enumerate(
        ["soerensen-torfing", "mandag-morgen", "aakerstroem", "tortzen", "bason", "tortzen", "mandag-morgen"], start=1
    )
}


def test_first_map_is_an_overview_of_themes_texts_and_main_concepts(server: RunningServer) -> None:
    body = fetch(f"{server.url}/map", headers=HTML).text
    data = map_data(body)
    slugs = {n["id"] for n in data["nodes"]}
    assert OVERVIEW_THEMES | OVERVIEW_TEXTS <= slugs
    concepts = slugs - OVERVIEW_THEMES - OVERVIEW_TEXTS
    assert {"den-potentielle-organisation", "borgercentreret-innovation"} <= concepts and len(concepts) == 7
    assert data["overview"] is True and set(data["narrow"]) == slugs
    # Each text and theme opens into its own view, which says how much it unfolds.
    assert data["open"]["tekst-3-aakerstroem"]["url"] == "/map?text=tekst-3-aakerstroem"
    assert data["open"]["borgerinddragelse"]["url"] == "/map?theme=borgerinddragelse"
    assert data["open"]["tekst-3-aakerstroem"]["count"] > 9
    assert 'href="/map?all=1"' in body
    assert len(map_data(fetch(f"{server.url}/map?all=1", headers=HTML).text)["nodes"]) == 183
    # "Download this view" downloads the overview, not the whole course.
    assert "/export/png?overview=1" in body


def test_long_labels_wrap_and_are_never_cut(server: RunningServer) -> None:
    data = map_data(fetch(f"{server.url}/map?path=netvaerkstema-og-stoej", headers=HTML).text)
    for node in data["nodes"]:
        assert node["label"].replace("\n", " ") == data["details"][node["id"]]["label"]
        assert max(len(line) for line in node["label"].split("\n")) <= max(28, *map(len, node["label"].split()))
    question = next(n for n in data["nodes"] if n["id"] == "netvaerkstema-og-stoej")
    assert question["label"].count("\n") >= 2


def test_connection_form_works_by_name_without_the_script(server: RunningServer) -> None:
    """A browser without JavaScript submits the names as typed; the server answers with the slugs."""
    reply = fetch(f"{server.url}/map?from=potentielle&to=Bason", headers=HTML)  # the redirect is followed
    data = map_data(reply.text)
    assert data["view"] == {"from": "den-potentielle-organisation", "to": "bason"}
    assert {"den-potentielle-organisation", "bason"} <= {n["id"] for n in data["nodes"]}
