"""The projection and the views drawn from it: nodes, links, filters, paths, search, layout."""

from __future__ import annotations

import pytest

from conceptgraph.course.build import Build
from conceptgraph.graph.layout import positions
from conceptgraph.graph.projection import Projection, project
from conceptgraph.graph.render import network_data
from conceptgraph.graph.views import ViewError, parse_view, search, select
from conceptgraph.server.explore import view_query
from conceptgraph.store.embedded import Store
from conceptgraph.vocab import DEFAULT_BASE
from tests.conftest import QUESTION_PATH


@pytest.fixture(scope="module")
def projection(store: Store) -> Projection:
    return project(store, DEFAULT_BASE)


def view(projection: Projection, max_nodes: int = 1000, **args: str):  # noqa: ANN201
    return select(projection, parse_view(args, projection), max_nodes=max_nodes)


def test_every_resource_is_a_node_and_links_are_directed_edges(projection: Projection, course: Build) -> None:
    graph = projection.graph
    assert set(graph) == set(course.course.resources)
    assert graph.nodes["den-potentielle-organisation"]["cls"] == "InstitutionForm"
    assert graph.nodes["stoej"]["label"] == {"da": "Støj", "en": "Noise"}
    edge = graph.edges["netvaerkstema-og-stoej", "stoej", "cg:addresses"]
    assert edge["label"]["da"] == "adresserer"
    assert edge["rationale"]["da"].startswith("Spørgsmålet spørger direkte")
    addresses = [1 for _, _, k in graph.edges(keys=True) if k == "cg:addresses"]
    assert len(addresses) == 86


def test_the_slides_cross_links_are_drawn_with_labels_and_their_sentence(projection: Projection) -> None:
    graph = projection.graph
    edge = graph.edges["tekst-2-mandag-morgen", "de-fem-lederroller", "cg:alignsWith"]
    assert edge["label"] == {"da": "ligger op ad", "en": "is in line with"}
    assert edge["source_text"].startswith("Teksten ligger godt op af de fem lederroller fra Mandag Morgen")
    crossing = [d for _, _, k, d in graph.edges(keys=True, data=True) if k in CROSS_RELATIONS]
    assert len(crossing) >= 11
    assert all(d["source_text"] and d["label"]["da"] != d["label"]["en"] for d in crossing)
    data = network_data(projection, view(projection, focus="barrierer-for-innovation", depth="1"))
    drawn = [e for e in data["edges"] if e["relation"] == "cg:setAgainst"]
    assert drawn and drawn[0]["source_text"].startswith("Barriererne har en mere strukturel karakter")


CROSS_RELATIONS = {"cg:alignsWith", "cg:setAgainst", "cg:refersTo", "cg:speaksOfSameAs"}


def test_a_symmetric_link_is_one_edge(projection: Projection) -> None:
    graph = projection.graph
    assert graph.has_edge("lyst-1-aabne-spoergsmaal", "pligt-1-udkast", "cg:contrastsWith")
    assert not graph.has_edge("pligt-1-udkast", "lyst-1-aabne-spoergsmaal", "cg:contrastsWith")


def test_every_relation_has_a_danish_label(projection: Projection) -> None:
    unlabelled = {k for _, _, k, d in projection.graph.edges(keys=True, data=True) if d["label"]["da"] == k}
    assert unlabelled == set()


def test_focus_and_depth(projection: Projection) -> None:
    one = view(projection, focus="den-potentielle-organisation", depth="1")
    two = view(projection, focus="den-potentielle-organisation", depth="2")
    questions = {"ak-som-potentiel-organisation", "netvaerkstema-og-stoej", "maal-og-strategi-med-aabne-muligheder"}
    assert questions <= set(one.nodes)
    assert set(one.nodes) < set(two.nodes)
    assert one.highlight == {"den-potentielle-organisation"}


def test_types_filter_keeps_the_focus(projection: Projection) -> None:
    shown = view(
        projection,
        focus="den-potentielle-organisation",
        depth="2",
        types="ReflectionQuestion,InstitutionForm",
    )
    classes = {projection.graph.nodes[n]["cls"] for n in shown.nodes}
    assert classes == {"ReflectionQuestion", "InstitutionForm"}
    concepts = view(projection, types="Concept")
    assert "eksperimenter" in concepts.nodes  # a Principle is a Concept


def test_text_author_and_theme_filters(projection: Projection) -> None:
    bason = set(view(projection, text="tekst-5-bason").nodes)
    assert {"tekst-5-bason", "bason", "eksperimenter", "parat-til-at-eksperimentere"} <= bason
    assert "stoej" not in bason
    assert set(view(projection, text="bason").nodes) == bason
    theme = set(view(projection, theme="borgerinddragelse").nodes)
    assert {"tekst-4-tortzen", "tekst-6-tortzen", "tortzen", "vadestoevlerne-paa"} <= theme


def test_path_from_question_to_theory_texts_and_authors(projection: Projection) -> None:
    shown = view(projection, path="netvaerkstema-og-stoej")
    assert set(shown.nodes) == QUESTION_PATH
    assert ("netvaerkstema-og-stoej", "stoej", "cg:addresses") in shown.highlight_edges
    reasons = [step.rationale.get("da") for step in shown.paths[0] if step.relation == "cg:addresses"]
    assert len(reasons) == 4 and all(reasons)


def test_connections_are_explained_step_by_step(projection: Projection) -> None:
    shown = view(projection, **{"from": "den-potentielle-organisation", "to": "bason"})
    assert shown.paths
    for steps in shown.paths:
        ends = {steps[0].subject, steps[0].object} | {steps[-1].subject, steps[-1].object}
        assert {"den-potentielle-organisation", "bason"} <= ends
        assert any(step.rationale for step in steps)
        for step in steps:
            assert projection.graph.has_edge(step.subject, step.object, step.relation)


@pytest.mark.parametrize("query", ["akerstrom", "aakerstroem", "Åkerstrøm", "ÅKERSTRØM"])
def test_search_ignores_case_and_danish_letters(projection: Projection, query: str) -> None:
    assert search(projection, query)[0][0] == "aakerstroem"


def test_search_finds_stoej_and_alternative_spellings(projection: Projection) -> None:
    assert search(projection, "stoej")[0][0] == "stoej"
    assert search(projection, "jakob")[0][0] == "jacob-torfing"
    assert search(projection, "") == []


@pytest.mark.parametrize(
    ("args", "param", "fragment"),
    [
        ({"depth": "-1"}, "depth", "not a whole number from 0 to 5"),
        ({"depth": "999"}, "depth", "not a whole number from 0 to 5"),
        ({"depth": "two"}, "depth", "not a whole number"),
        ({"types": "Principle,Nonsense"}, "types", "unknown type Nonsense"),
        ({"focus": "stoj"}, "focus", "did you mean: stoej"),
        ({"path": "stoej"}, "path", "not a reflection question"),
        ({"from": "stoej"}, "to", "from= and to= go together"),
    ],
)
def test_bad_parameters_are_explained(projection: Projection, args: dict[str, str], param: str, fragment: str) -> None:
    with pytest.raises(ViewError) as caught:
        parse_view(args, projection)
    assert caught.value.param == param and fragment in str(caught.value)


def test_large_views_keep_the_best_connected_and_count_the_rest(projection: Projection) -> None:
    shown = view(projection, max_nodes=50)
    assert len(shown.nodes) == 50 and shown.hidden == 133 and shown.total == 183
    degrees = sorted((projection.graph.degree(n) for n in projection.graph), reverse=True)
    assert min(projection.graph.degree(n) for n in shown.nodes) >= degrees[49]


def test_layout_is_deterministic(projection: Projection) -> None:
    shown = view(projection, focus="stoej", depth="2")
    first = positions(shown.nodes, shown.edges)
    assert first == positions(list(reversed(shown.nodes)), list(reversed(shown.edges)))
    assert len(set(first.values())) == len(shown.nodes)


def test_the_view_query_selects_exactly_the_edges_shown(projection: Projection, store: Store) -> None:
    shown = view(projection, focus="den-potentielle-organisation", depth="1")
    result = store.query(view_query(shown, DEFAULT_BASE))
    prefix = f"{DEFAULT_BASE}id/"
    found = sorted((row["s"].value[len(prefix) :], row["o"].value[len(prefix) :]) for row in result)
    assert found == sorted((u, v) for u, v, _ in shown.edges)


def test_very_large_views_get_a_linear_grid_by_class() -> None:
    nodes = [f"n{i}" for i in range(1500)]
    groups = {n: ("Concept" if i % 3 else "Text") for i, n in enumerate(nodes)}
    placed = positions(nodes, [], groups)
    assert placed == positions(list(reversed(nodes)), [], groups)
    assert len(set(placed.values())) == 1500
    concepts_x = {placed[n][0] for n in nodes if groups[n] == "Concept"}
    texts_x = {placed[n][0] for n in nodes if groups[n] == "Text"}
    assert max(concepts_x) < min(texts_x)  # one block per class, side by side


def test_overview_is_the_map_default_only_and_all_is_the_whole_course(projection: Projection) -> None:
    assert parse_view({}, projection, default_overview=True).overview
    assert not parse_view({"all": "1"}, projection, default_overview=True).overview
    assert not parse_view({"focus": "stoej"}, projection, default_overview=True).overview
    assert not parse_view({}, projection).overview  # exports and the command line draw the whole course
    assert parse_view({"overview": "1"}, projection).query_args() == {"overview": "1"}


@pytest.mark.parametrize("shape", ["wide", "narrow"])
def test_overview_arrangement_keeps_every_estimated_box_apart(projection: Projection, shape: str) -> None:
    from conceptgraph.graph import overview
    from conceptgraph.graph.render import OVERVIEW_WRAP, label_box, wrap

    found = overview.blocks(projection.graph)
    nodes = [n for block in found for n in block.nodes()]
    assert len(nodes) == len(set(nodes)) <= overview.MAX_NODES

    def size(slug: str) -> tuple[float, float]:
        return label_box(wrap(projection.graph.nodes[slug]["label"]["da"], OVERVIEW_WRAP))

    placed = overview.arrange(found, size, shape)
    assert set(placed) == set(nodes)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            (ax, ay), (bx, by) = placed[a], placed[b]
            apart_x = abs(ax - bx) >= (size(a)[0] + size(b)[0]) / 2
            apart_y = abs(ay - by) >= (size(a)[1] + size(b)[1]) / 2
            assert apart_x or apart_y, (a, b)


def test_every_class_colour_keeps_its_label_readable() -> None:
    from conceptgraph.graph.colours import contrast, label_colour
    from conceptgraph.graph.render import DEFAULT_STYLE, STYLE

    for cls, (colour, *_) in {**STYLE, "": DEFAULT_STYLE}.items():
        assert contrast(label_colour(colour, "box"), colour) >= 4.5, cls
