"""The course content: everything on the slides is in the graph, verbatim, complete and in order."""

from __future__ import annotations

import re

import pytest

from conceptgraph.build import Build
from conceptgraph.store import Store
from tests.conftest import SLIDES, rows


def tokens(text: str) -> list[str]:
    """Words only: markup, list markers, quotes and dashes do not count, typos and case do."""
    text = re.sub(r"<[^>]+>", " ", text)
    return re.findall(r"\w+", text)


@pytest.fixture(scope="module")
def slide_tokens() -> list[str]:
    return tokens(SLIDES.read_text(encoding="utf-8"))


def position(needle: list[str], haystack: list[str], start: int = 0) -> int:
    """Index where `needle` first occurs in `haystack` at or after `start`, or -1."""
    n = len(needle)
    for i in range(start, len(haystack) - n + 1):
        if haystack[i : i + n] == needle:
            return i
    return -1


def test_every_source_text_is_verbatim_on_the_slides(store: Store, slide_tokens: list[str]) -> None:
    texts = rows(store, "SELECT DISTINCT ?t WHERE { ?s cg:sourceText ?t }")
    assert len(texts) > 150
    not_found = [t for (t,) in texts if position(tokens(t), slide_tokens) < 0]
    assert not_found == []


def test_every_source_section_is_a_slide_heading_or_caption(store: Store, slide_tokens: list[str]) -> None:
    sections = rows(store, "SELECT DISTINCT ?t WHERE { ?s cg:sourceSection ?t }")
    assert len(sections) > 15
    assert [t for (t,) in sections if position(tokens(t), slide_tokens) < 0] == []


QUESTIONS_IN_ORDER = """
SELECT ?set ?q ?text WHERE {
  ?q a cg:ReflectionQuestion ; cg:inList ?s ; cg:rank ?r ; cg:sourceText ?text .
  ?s a cg:QuestionSet ; cg:rank ?sr ; cg:sourceText ?set .
} ORDER BY ?sr ?r
"""


def test_twenty_three_questions_in_six_sets(store: Store) -> None:
    found = rows(store, QUESTIONS_IN_ORDER)
    assert len(found) == 23
    sets = [s for s, _, _ in found]
    assert sorted(set(sets)) == [
        "Billeder på motivation",
        "REFLEKSION",
        "Refleksion",
        "Vi gør os klar til at møde Jakob",
    ]
    per_set = rows(
        store,
        "SELECT ?s (COUNT(?q) AS ?n) WHERE { ?q a cg:ReflectionQuestion ; cg:inList ?s ."
        " ?s cg:rank ?r } GROUP BY ?s ?r ORDER BY ?r",
    )
    assert [int(n) for _, n in per_set] == [3, 4, 6, 5, 3, 2]


def test_questions_follow_the_slides_order(store: Store, slide_tokens: list[str]) -> None:
    cursor = 0
    for _, question, text in rows(store, QUESTIONS_IN_ORDER):
        found = position(tokens(text), slide_tokens, cursor)
        assert found >= cursor, f"{question} is out of slide order"
        cursor = found + 1


def test_every_question_addresses_theory_with_a_rationale(store: Store) -> None:
    unlinked = rows(
        store,
        """
        SELECT ?q WHERE { ?q a cg:ReflectionQuestion .
          FILTER NOT EXISTS { ?q cg:addresses ?t . ?l rdf:subject ?q ; rdf:object ?t ;
                              cg:rationale ?why . FILTER(lang(?why) = "da") } }""",
    )
    assert unlinked == []
    counts = rows(store, "SELECT ?q (COUNT(?t) AS ?n) WHERE { ?q cg:addresses ?t } GROUP BY ?q")
    assert sum(int(n) for _, n in counts) >= 23 * 2


def test_questions_reach_authors_through_texts(store: Store) -> None:
    authors = rows(
        store,
        """
        SELECT DISTINCT ?name WHERE {
          ?q a cg:ReflectionQuestion ; cg:addresses ?t .
          { ?t a cg:Text . BIND(?t AS ?w) } UNION { ?t cg:introducedIn ?w }
          ?w dcterms:creator/skos:prefLabel ?name . FILTER(lang(?name) = "da") }""",
    )
    assert {a for (a,) in authors} >= {"Bason", "Tortzen", "Åkerstrøm", "Mandag Morgen", "Jacob Torfing"}


@pytest.mark.parametrize(
    ("cls", "labels"),
    [
        (
            "Principle",
            [
                "Blik for borgernes virkelighed",
                "Tænk i sammenhænge",
                "Eksperimenter",
                "Innovationsforløb er ikke projekter",
                "Afstem forventninger",
                "Insister på forskellighed",
                "Sæt hold, der brænder",
            ],
        ),
        (
            "InstitutionForm",
            [
                "Den uskyldige institution",
                "Den fagligt ansvarlige institution",
                "Den strategiske organisation",
                "Den potentielle organisation",
            ],
        ),
        ("ChangeOrder", ["Førsteordensforandring", "Andenordensforandring", "Tredjeordensforandring"]),
        (
            "Barrier",
            [
                "Ingen klar bundlinje",
                "Manglende økonomisk incitament",
                "Komplekse og rettighedsbaserede ydelser",
                "Krav om retssikkerhed, offentlighed og kontrol",
                "Politisk ledet",
            ],
        ),
        (
            "Driver",
            [
                "Politisk konkurrence",
                "Veluddannede ledere og engagerede medarbejdere",
                "Borgere med høj uddannelse og social kapital",
            ],
        ),
        (
            "LeaderRole",
            ["Udforskeren", "Initiativdyrkeren", "Meningsskaberen", "Netværkssmeden", "Effektjægeren"],
        ),
    ],
)
def test_ordered_lists_are_complete_and_in_order(store: Store, cls: str, labels: list[str]) -> None:
    found = rows(
        store,
        f"""SELECT ?r ?l WHERE {{ ?x a cg:{cls} ; cg:rank ?r ; skos:prefLabel ?l .
                             FILTER(lang(?l) = "da") }} ORDER BY ?r""",
    )
    assert [label for _, label in found] == labels
    assert [int(r) for r, _ in found] == list(range(1, len(labels) + 1))


def test_every_list_is_numbered_one_to_n_and_chained(store: Store) -> None:
    lists = rows(
        store,
        """SELECT ?list (COUNT(?x) AS ?n) (MIN(?r) AS ?lo) (MAX(?r) AS ?hi)
                           (COUNT(DISTINCT ?r) AS ?d) WHERE { ?x cg:inList ?list ; cg:rank ?r }
                           GROUP BY ?list""",
    )
    assert len(lists) >= 20
    for name, n, lo, hi, distinct in lists:
        assert (int(lo), int(hi), int(distinct)) == (1, int(n), int(n)), name
    chains = rows(
        store,
        "SELECT ?a ?b WHERE { ?a cg:precedes ?b . ?a cg:inList ?l ; cg:rank ?ra ."
        " ?b cg:inList ?l ; cg:rank ?rb . FILTER(?rb = ?ra + 1) }",
    )
    links = rows(store, "SELECT ?a ?b WHERE { ?a cg:precedes ?b }")
    assert len(chains) == len(links) == sum(int(n) - 1 for _, n, _, _, _ in lists)


def test_texts_numbered_one_to_seven_with_authors_and_themes(store: Store) -> None:
    found = rows(
        store,
        """SELECT ?r (GROUP_CONCAT(?a; separator="+") AS ?authors) ?theme WHERE {
        ?t a cg:Text ; cg:rank ?r ; dcterms:creator/skos:prefLabel ?a ;
           cg:partOfTheme/skos:prefLabel ?theme . FILTER(lang(?a) = "da" && lang(?theme) = "da") }
        GROUP BY ?r ?theme ORDER BY ?r""",
    )
    assert [(int(r), sorted(a.split("+")), t) for r, a, t in found] == [
        (1, ["Jacob Torfing", "Sørensen"], "Velfærdstransformation"),
        (2, ["Mandag Morgen"], "Sæt borgeren i spil"),
        (3, ["Åkerstrøm"], "Velfærdstransformation"),
        (4, ["Tortzen"], "Borgerinddragelse"),
        (5, ["Bason"], "Sæt borgeren i spil"),
        (6, ["Tortzen"], "Borgerinddragelse"),
        (7, ["Mandag Morgen"], "Motivation"),
    ]


def test_involvement_table_has_eight_symmetric_rows(store: Store) -> None:
    pairs = rows(
        store,
        """SELECT ?r ?duty ?desire WHERE {
        ?d cg:inList id:borgerinddragelse-af-pligt ; cg:rank ?r ; cg:contrastsWith ?l .
        ?l cg:contrastsWith ?d ; cg:inList id:borgerinddragelse-af-lyst ; cg:rank ?r2 .
        FILTER(?r = ?r2) ?d cg:sourceText ?duty . ?l cg:sourceText ?desire } ORDER BY ?r""",
    )
    assert len(pairs) == 8
    assert pairs[0][1].startswith("Et gennearbejdet udkast")
    assert pairs[-1][2] == "Beslutning: Den endelige plan/politik afspejler borgernes ønsker og behov"


def test_figure_20_columns_are_verbatim(store: Store) -> None:
    found = rows(
        store,
        """SELECT ?op ?self ?noise WHERE { id:den-strategiske-organisation
        cg:operation ?op ; cg:formOfSelfReliance ?self ; cg:functionOfNoise ?noise }""",
    )
    assert found == [
        (
            "Strategi",
            "Refleksion om målsætninger og dermed om eventuelt konflikten- de fagligheder via "
            "fremmedreference til en fremtid, der søges lagt fast og gjort til organisationens "
            "forankringspunkt",
            "Støj møder institutionen i form af en omverden, der er i konstant forandring",
        )
    ]


def test_picture_only_content_is_flagged_not_invented(store: Store) -> None:
    notes = dict(
        rows(
            store,
            """SELECT ?x ?n WHERE { VALUES ?x { id:figur-19 id:de-fire-kompetencer }
                                 ?x skos:editorialNote ?n . FILTER(lang(?n) = "en") }""",
        )
    )
    assert "only as a picture" in notes[f"{_id('figur-19')}"]
    assert "only as a picture" in notes[f"{_id('de-fire-kompetencer')}"]
    assert rows(store, "SELECT ?c WHERE { ?c a cg:Competence }") == [(_id("de-fire-kompetencer"),)]


def _id(slug: str) -> str:
    from conceptgraph.vocab import DEFAULT_BASE

    return f"{DEFAULT_BASE}id/{slug}"


def test_session_guest_date_and_alternative_spelling(store: Store) -> None:
    found = rows(
        store,
        """SELECT ?date ?alt WHERE { id:uddannelsesgang-1 dcterms:date ?date ;
                           cg:guest ?g . ?g skos:altLabel ?alt }""",
    )
    assert {d for d, _ in found} == {"--09-08"}
    assert "Jakob Torfing" in {a for _, a in found}


def test_abbreviations_with_uncertainty_recorded(store: Store) -> None:
    found = rows(
        store,
        """SELECT ?l ?u ?note WHERE { ?a a cg:Abbreviation ; skos:prefLabel ?l ;
        skos:editorialNote ?note . OPTIONAL { ?a cg:uncertain ?u }
        FILTER(lang(?l) = "da" && lang(?note) = "da") }""",
    )
    labels = {label for label, _, _ in found}
    assert labels == {"NL", "ND", "AK", "BI", "RL", "PL", "NS"}
    uncertain = {label for label, u, _ in found if u == "true"}
    assert uncertain == {"AK", "ND", "RL", "PL", "NS"}


def test_every_resource_has_one_danish_and_one_english_label(course: Build) -> None:
    from rdflib.namespace import SKOS

    graph = course.merged()
    for rid in course.course.resources:
        node = __import__("rdflib").URIRef(_id(rid))
        languages = sorted(o.language for o in graph.objects(node, SKOS.prefLabel))
        assert languages == ["da", "en"], rid
