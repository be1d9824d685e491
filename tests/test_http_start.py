"""The start page, the guided tours and the Danish error pages over real HTTP, as parsed HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.server import RunningServer, fetch

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
TOUR = "uddannelsesgang-1"
TOUR_STEPS = 20


class Tree(HTMLParser):
    """Elements by id and class with their text, and every link with its text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, dict[str, str]]] = []  # (href, text, attributes)
        self.text_by_id: dict[str, str] = {}
        self.text_by_class: dict[str, list[str]] = {}
        self.attrs_by_id: dict[str, dict[str, str]] = {}
        self.headings: list[tuple[str, str]] = []
        self.html_lang = ""
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = values.get("lang", "")
        if "id" in values:
            self.attrs_by_id[values["id"]] = {"tag": tag, **values}
        if tag not in ("meta", "link", "input", "br", "img"):
            self._open.append((tag, values, []))

    def handle_data(self, data: str) -> None:
        for _, _, parts in self._open:
            parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, values, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if "id" in values:
                self.text_by_id[values["id"]] = text
            for cls in values.get("class", "").split():
                self.text_by_class.setdefault(cls, []).append(text)
            if name == "a" and "href" in values:
                self.links.append((values["href"], text, values))
            if name in ("h1", "h2", "h3"):
                self.headings.append((name, text))
            if name == tag:
                break

    def hrefs(self) -> list[str]:
        return [href for href, _, _ in self.links]


def get(server: RunningServer, path: str, status: int = 200) -> Tree:
    reply = fetch(server.url + path, headers=HTML)
    assert reply.status == status, reply.text[:500]
    assert reply.headers["content-type"].startswith("text/html")
    tree = Tree()
    tree.feed(reply.text)
    return tree


# ---------------------------------------------------------------- the start page


def test_the_start_page_says_what_this_is_and_names_the_session(server: RunningServer) -> None:
    tree = get(server, "/")
    assert ("h1", "Ny form for velfærd") in tree.headings
    assert "som et kort" in tree.text_by_class["lead"][0]
    facts = tree.text_by_class["facts"][0]
    assert "8. september" in facts and "Jacob Torfing" in facts
    assert ("h2", "1. uddannelsesgang") in tree.headings


def test_the_start_page_lists_every_question_by_set_with_its_path(server: RunningServer) -> None:
    tree = get(server, "/")
    sets = [text for tag, text in tree.headings if tag == "h3"]
    assert len(sets) == 6 and sets[0].startswith("Refleksion: AK som potentiel organisation")
    assert sets[-1] == "Vi gør os klar til at møde Jakob"
    paths = [href for href, _, attrs in tree.links if attrs.get("class") == "path-link"]
    assert len(paths) == 23
    assert all(urlsplit(p).path == "/map" and list(dict(parse_qsl(urlsplit(p).query))) == ["path"] for p in paths)
    builds_on = tree.text_by_class["builds-on"]
    assert builds_on[0].startswith("Bygger på: Den potentielle organisation")
    assert all("AK" not in line.split(":", 1)[1].split(", ") for line in builds_on)  # abbreviations left out
    for path in paths[:3]:
        assert fetch(server.url + path, headers=HTML).status == 200


def test_the_start_page_lists_the_seven_texts_and_the_themes(server: RunningServer) -> None:
    tree = get(server, "/")
    texts = tree.text_by_class["text"]
    assert len(texts) == 7
    assert texts[0].startswith("Samarbejdsdrevet innovation") and "Sørensen" in texts[0] and "Torfing" in texts[0]
    themes = [t.split(" (")[0] for t in tree.text_by_class["theme"]]
    assert themes == ["Velfærdstransformation", "Sæt borgeren i spil", "Borgerinddragelse", "Motivation"]


def test_the_start_page_opens_two_doors_and_searches_without_script(server: RunningServer) -> None:
    tree = get(server, "/")
    assert tree.attrs_by_id["door-map"]["href"] == "/map"
    assert tree.attrs_by_id["door-tour"]["href"] == f"/tour/{TOUR}"
    assert tree.text_by_id["door-map"] == "Udforsk kortet"
    assert tree.text_by_id["door-tour"] == "Følg dagens gennemgang"
    assert tree.attrs_by_id["search"]["name"] == "q"
    found = fetch(f"{server.url}/map?q=potentielle", headers=HTML)  # what the plain form sends
    assert found.status == 200 and '"focus": "den-potentielle-organisation"' in found.text


def test_the_start_page_in_english(server: RunningServer) -> None:
    tree = get(server, "/?lang=en")
    assert ("h1", "A new form of welfare") in tree.headings
    assert tree.text_by_id["door-map"] == "Explore the map"
    assert tree.attrs_by_id["door-tour"]["href"] == f"/tour/{TOUR}?lang=en"
    assert all(h.endswith("lang=en") for h in tree.hrefs() if h.startswith(("/map", "/tour", "/id")))


# ---------------------------------------------------------------- guided tours


def test_a_tour_step_shows_its_number_text_view_and_neighbours(server: RunningServer) -> None:
    tree = get(server, f"/tour/{TOUR}?step=3")
    assert tree.text_by_id["step-number"] == f"Trin 3 af {TOUR_STEPS}"
    assert tree.text_by_id["step-title"].startswith("Åkerstrøm")
    assert tree.attrs_by_id["step-previous"]["href"] == f"/tour/{TOUR}?step=2"
    assert tree.attrs_by_id["step-next"]["href"] == f"/tour/{TOUR}?step=4"
    frame = tree.attrs_by_id["tour-map"]
    assert frame["tag"] == "iframe" and frame["title"]
    assert dict(parse_qsl(urlsplit(frame["src"]).query)) == {"text": "tekst-3-aakerstroem", "embed": "1"}
    embedded = fetch(server.url + frame["src"], headers=HTML)
    assert embedded.status == 200 and "frame-ancestors" in embedded.headers["content-security-policy"]


def test_the_tour_runs_from_the_first_to_the_last_step(server: RunningServer) -> None:
    first = get(server, f"/tour/{TOUR}")
    assert first.text_by_id["step-number"] == f"Trin 1 af {TOUR_STEPS}" and "step-previous" not in first.attrs_by_id
    last = get(server, f"/tour/{TOUR}?step={TOUR_STEPS}")
    assert last.text_by_id["step-title"] == "Vi gør os klar til at møde Jakob" and "step-next" not in last.attrs_by_id


def test_the_tour_follows_the_slides_order(server: RunningServer) -> None:
    tree = get(server, f"/tour/{TOUR}?print=1")
    titles = [text.split(": ", 1)[1] for tag, text in tree.headings if tag == "h2"]
    assert len(titles) == TOUR_STEPS
    expected = ["Velfærdstransformation", "Åkerstrøm", "Sørensen/Torfing", "Refleksion: AK", "Mandag Morgen", "Bason"]
    positions = [next(i for i, t in enumerate(titles) if t.startswith(e)) for e in expected]
    assert positions == sorted(positions)
    assert titles[-1] == "Vi gør os klar til at møde Jakob"


def test_the_tour_in_english_and_from_the_menu(server: RunningServer) -> None:
    tree = get(server, f"/tour/{TOUR}?step=2&lang=en")
    assert tree.text_by_id["step-number"] == f"Step 2 of {TOUR_STEPS}"
    assert tree.text_by_id["step-title"] == "Welfare transformation"
    assert "lang=en" in tree.attrs_by_id["tour-map"]["src"]
    menu = fetch(f"{server.url}/tour", headers=HTML)
    assert menu.status == 200 and "Trin 1 af" in menu.text  # followed the redirect to the first tour


def test_a_step_iri_dereferences_to_its_page(server: RunningServer) -> None:
    tree = get(server, f"/tour/{TOUR}/aakerstroem")
    assert tree.text_by_id["step-number"] == f"Trin 3 af {TOUR_STEPS}"


# ---------------------------------------------------------------- Danish error pages


@pytest.mark.parametrize(
    ("path", "message", "first"),
    [
        (
            "/id/den-potentiele-organisation",
            "Der findes ikke noget med navnet 'den-potentiele-organisation' i kurset.",
            "/id/den-potentielle-organisation",
        ),
        (
            "/map?focus=basson&depth=2",
            "Der findes ikke noget med navnet 'basson' i kurset. Navnet stod i adressens parameter focus.",
            "/map?focus=bason&depth=2",
        ),
        (
            # (names search finds, like `stoj`, are resolved to their slug instead: test_browser_readable_map)
            "/map?from=stoje&to=bason",
            "Der findes ikke noget med navnet 'stoje' i kurset. Navnet stod i adressens parameter from.",
            "/map?from=stoej&to=bason",
        ),
        (
            "/map?from=stoej&to=aakerstromm",
            "Der findes ikke noget med navnet 'aakerstromm' i kurset. Navnet stod i adressens parameter to.",
            "/map?from=stoej&to=aakerstroem",
        ),
        (
            "/map?path=netvaerkstema-og-stoj",
            "Der findes ikke noget med navnet 'netvaerkstema-og-stoj' i kurset. "
            "Navnet stod i adressens parameter path.",
            "/map?path=netvaerkstema-og-stoej",
        ),
        (
            "/tour/uddannelsesgang1",
            "Der findes ingen gennemgang med navnet 'uddannelsesgang1' i kurset.",
            f"/tour/{TOUR}",
        ),
        (
            f"/tour/{TOUR}?step=99",
            f"Parameteren step skal være et trinnummer fra 1 til {TOUR_STEPS}; adressen giver '99'.",
            f"/tour/{TOUR}?step=1",
        ),
        (
            "/export/pgn?focus=stoej",
            "Der findes ikke noget eksportformat med navnet 'pgn'.",
            "/export/png?focus=stoej",
        ),
    ],
)
def test_a_mistyped_name_gets_a_danish_404_with_the_nearest_match(
    server: RunningServer, path: str, message: str, first: str
) -> None:
    tree = get(server, path, 404)
    assert tree.text_by_id["error-message"].startswith(message)
    assert tree.text_by_id["did-you-mean"] == "Mente du:"
    offered = [href for href, _, _ in tree.links]
    assert first in offered, offered
    api = fetch(server.url + path)
    assert api.status == 404 and not api.json()["error"].startswith("Der findes")


def test_a_path_offers_only_questions(server: RunningServer) -> None:
    tree = get(server, "/map?path=netvaerkstema-og-stoj", 404)
    offered = [dict(parse_qsl(urlsplit(h).query)).get("path") for h, _, _ in tree.links if h.startswith("/map?path=")]
    assert offered and all(slug and slug != "stoej" for slug in offered)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/map?focus=stoej&depth=9", "Parameteren depth skal være et helt tal fra 0 til 5; adressen giver '9'."),
        ("/map?types=Nope", "Parameteren types kender ikke typen Nope."),
        ("/map?path=stoej", "Parameteren path skal være navnet på et refleksionsspørgsmål"),
        ("/map?from=stoej", "Parametrene from og to hører sammen"),
        (
            f"/tour/{TOUR}?step=tre",
            f"Parameteren step skal være et trinnummer fra 1 til {TOUR_STEPS}; adressen giver 'tre'.",
        ),
        ("/export/png?depth=x&focus=stoej", "Parameteren depth skal være et helt tal fra 0 til 5"),
    ],
)
def test_a_bad_parameter_gets_a_danish_400_naming_it(server: RunningServer, path: str, message: str) -> None:
    tree = get(server, path, 400)
    assert tree.text_by_id["error-message"].startswith(message)
    assert tree.html_lang == "da"


def test_error_pages_in_english_and_for_programs(server: RunningServer) -> None:
    tree = get(server, "/map?focus=basson&lang=en", 404)
    assert tree.text_by_id["error-message"] == (
        "There is nothing named 'basson' in the course. The name was in the address's parameter focus."
    )
    assert tree.text_by_id["did-you-mean"] == "Did you mean:"
    assert "/map?focus=bason&lang=en&depth=1" in tree.hrefs()
    api = fetch(f"{server.url}/map?focus=basson")
    assert api.status == 404 and api.json()["error"].startswith("focus: no resource 'basson'")
    page = get(server, "/no/such/page", 404)
    assert page.text_by_id["error-message"] == "Der findes ingen side på adressen /no/such/page."


@pytest.mark.parametrize("query", ["", "lang=en", "endpoint=x"])
def test_the_front_door_is_the_start_page_unless_a_map_view_is_asked(server: RunningServer, query: str) -> None:
    tree = get(server, "/?" + query)
    assert "door-map" in tree.attrs_by_id


# ---------------------------------------------------------------- tours as RDF

STEPS_IN_ORDER = """
PREFIX cg: <https://w3id.org/conceptgraph/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?rank ?title ?view ?about WHERE {
  ?tour a cg:Tour ; skos:prefLabel "Dagens gennemgang: 1. uddannelsesgang"@da .
  ?step a cg:TourStep ; cg:inList ?tour ; cg:rank ?rank ; cg:mapView ?view ;
        skos:prefLabel ?title ; dcterms:description ?text .
  OPTIONAL { ?step dcterms:subject ?about }
  FILTER(lang(?title) = "da" && lang(?text) = "da")
} ORDER BY ?rank"""


def test_the_sparql_endpoint_lists_a_tours_steps_in_order(server: RunningServer) -> None:
    from urllib.parse import urlencode

    reply = fetch(
        f"{server.url}/sparql?" + urlencode({"query": STEPS_IN_ORDER}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert reply.status == 200, reply.text[:300]
    rows = [{k: v["value"] for k, v in b.items()} for b in reply.json()["results"]["bindings"]]
    assert [int(r["rank"]) for r in rows] == list(range(1, TOUR_STEPS + 1))
    assert rows[0]["title"] == "Dagens program" and rows[-1]["title"] == "Vi gør os klar til at møde Jakob"
    assert rows[3]["view"] == "/map?focus=institutionens-former&depth=1"
    assert rows[3]["about"].endswith("/id/institutionens-former")
    chained = fetch(
        f"{server.url}/sparql?"
        + urlencode(
            {
                "query": "PREFIX cg: <https://w3id.org/conceptgraph/vocab#> SELECT (COUNT(*) AS ?n) WHERE "
                "{ ?a cg:precedes ?b . ?a a cg:TourStep . ?b a cg:TourStep }"
            }
        ),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert int(chained.json()["results"]["bindings"][0]["n"]["value"]) == TOUR_STEPS - 1
