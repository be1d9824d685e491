"""Reflections: who sees what (every reader role against every kind of reflection), writing with
versions and history, a participant's export, a facilitator's summary. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from conceptgraph.reflections.cohorts import close_cohort, create_cohort
from conceptgraph.reflections.database import Database
from conceptgraph.reflections.errors import CohortClosed, Invalid, NotAllowed, NotFound, VersionConflict
from conceptgraph.reflections.model import Draft, Link
from conceptgraph.reflections.reading import cohort_summary, export_account, get_reflection, list_reflections
from conceptgraph.reflections.schema import reflection_history, reflection_links
from conceptgraph.reflections.visibility import Viewer
from conceptgraph.reflections.writing import (
    create_reflection,
    delete_reflection,
    reflection_history_of,
    update_reflection,
)
from tests.reflections_people import member

QUESTION = "https://w3id.org/conceptgraph/id/q-i-morgen"
CONCEPT = "https://w3id.org/conceptgraph/id/den-potentielle-organisation"


@dataclass
class World:
    """Two cohorts of two participants and a facilitator each; one private and one shared
    reflection by the first participant of each cohort."""

    people: dict[str, Viewer]
    written: dict[str, str]  # "a-private" → id


@pytest.fixture
def world(reflections_db: Database) -> World:
    people: dict[str, Viewer] = {}
    written: dict[str, str] = {}
    for cohort in ("a", "b"):
        create_cohort(reflections_db, f"hold-{cohort}", title=f"Hold {cohort}")
        people[f"{cohort}1"] = member(reflections_db, f"hold-{cohort}", "Anne")
        people[f"{cohort}2"] = member(reflections_db, f"hold-{cohort}", "Bo")
        people[f"{cohort}f"] = member(reflections_db, f"hold-{cohort}", "Fie", "facilitator")
        for visibility in ("private", "cohort"):
            draft = Draft(QUESTION, f"{cohort} {visibility}", visibility=visibility, links=(Link(CONCEPT, "fordi"),))
            written[f"{cohort}-{visibility}"] = create_reflection(reflections_db, people[f"{cohort}1"], draft).id
    return World(people, written)


# Who may read which of the four reflections (cohort a's private and shared, cohort b's).
MATRIX = {
    "a1": {"a-private", "a-cohort"},
    "a2": {"a-cohort"},
    "af": {"a-cohort"},
    "b1": {"b-private", "b-cohort"},
    "b2": {"b-cohort"},
    "bf": {"b-cohort"},
    "visitor": set(),
}


def test_a_list_about_a_target_or_a_link_keeps_to_what_each_reader_may_see(
    reflections_db: Database, world: World
) -> None:
    """Every path over HTTP is test_access_matrix's table; `about`, which no page asks for, is checked here."""
    for reader, may_see in MATRIX.items():
        viewer = world.people.get(reader)
        for about in (QUESTION, CONCEPT):
            page = list_reflections(reflections_db, viewer, about=about)
            assert {r.id for r in page.items} == {world.written[n] for n in may_see} and page.total == len(
                page.items
            ), (reader, about)


def test_filters_narrow_what_a_reader_sees(reflections_db: Database, world: World) -> None:
    a1 = world.people["a1"]
    assert list_reflections(reflections_db, a1, shared=True).total == 1
    assert list_reflections(reflections_db, world.people["a2"], mine=True).total == 0
    assert list_reflections(reflections_db, a1, about="https://example.org/other").total == 0
    page = list_reflections(reflections_db, a1, limit=1, offset=1)
    assert len(page.items) == 1 and page.total == 2
    with pytest.raises(Invalid, match="limit"):
        list_reflections(reflections_db, a1, limit=0)


def test_only_the_author_changes_a_reflection(reflections_db: Database, world: World) -> None:
    shared = world.written["a-cohort"]
    draft = Draft(QUESTION, "ændret")
    with pytest.raises(NotAllowed):
        update_reflection(reflections_db, world.people["a2"], shared, draft, expected_version=1)
    with pytest.raises(NotAllowed):
        delete_reflection(reflections_db, world.people["af"], shared, expected_version=None)
    with pytest.raises(NotFound):  # someone else's private one does not exist for them
        update_reflection(reflections_db, world.people["a2"], world.written["a-private"], draft, expected_version=1)
    with pytest.raises(NotAllowed):
        create_reflection(reflections_db, None, draft)


def test_an_update_needs_the_current_version_and_keeps_history(reflections_db: Database, world: World) -> None:
    a1, reflection_id = world.people["a1"], world.written["a-private"]
    new = Draft(
        QUESTION, "anden udgave", language="en", visibility="cohort", links=(Link(QUESTION, "a"), Link(CONCEPT, "b"))
    )
    updated = update_reflection(reflections_db, a1, reflection_id, new, expected_version=1)
    assert (updated.version, updated.text, updated.visibility, len(updated.links)) == (2, "anden udgave", "cohort", 2)
    assert updated.etag != get_reflection(reflections_db, a1, world.written["a-cohort"]).etag
    with pytest.raises(VersionConflict) as conflict:
        update_reflection(reflections_db, a1, reflection_id, new, expected_version=1)
    assert conflict.value.current == 2
    (earlier,) = reflection_history_of(reflections_db, a1, reflection_id)
    assert (
        earlier["body"] == "a private" and earlier["visibility"] == "private" and earlier["editor_id"] == a1.account_id
    )
    assert earlier["links"] == [{"resource": CONCEPT, "rationale": "fordi"}]
    assert get_reflection(reflections_db, world.people["a2"], reflection_id).version == 2  # now shared


def test_deleting_removes_the_text_and_its_history(reflections_db: Database, world: World) -> None:
    a1, reflection_id = world.people["a1"], world.written["a-private"]
    update_reflection(reflections_db, a1, reflection_id, Draft(QUESTION, "v2"), expected_version=None)
    with pytest.raises(VersionConflict):
        delete_reflection(reflections_db, a1, reflection_id, expected_version=1)
    delete_reflection(reflections_db, a1, reflection_id, expected_version=2)
    with pytest.raises(NotFound):
        get_reflection(reflections_db, a1, reflection_id)
    with reflections_db.read() as connection:
        for table in (reflection_history, reflection_links):
            left = connection.execute(select(func.count()).where(table.c.reflection_id == reflection_id)).scalar_one()
            assert left == 0, table.name


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (Draft("not an iri", "x"), "target"),
        (Draft(QUESTION, "   "), "text"),
        (Draft(QUESTION, "x", language="de"), "language"),
        (Draft(QUESTION, "x", visibility="public"), "visibility"),
        (Draft(QUESTION, "x", links=(Link(CONCEPT, "ok"), Link("javascript:alert(1)", "x"))), "links[1].resource"),
        (Draft(QUESTION, "x", links=(Link(CONCEPT, " "),)), "links[0].rationale"),
    ],
)
def test_a_bad_draft_names_its_field(reflections_db: Database, world: World, draft: Draft, field: str) -> None:
    with pytest.raises(Invalid) as caught:
        create_reflection(reflections_db, world.people["a1"], draft)
    assert caught.value.field == field


def test_a_closed_cohort_is_read_only_but_erasable(reflections_db: Database, world: World) -> None:
    a1 = world.people["a1"]
    close_cohort(reflections_db, "hold-a")
    with pytest.raises(CohortClosed, match="hold-a"):
        create_reflection(reflections_db, a1, Draft(QUESTION, "ny"))
    with pytest.raises(CohortClosed):
        update_reflection(reflections_db, a1, world.written["a-cohort"], Draft(QUESTION, "ny"), expected_version=1)
    assert get_reflection(reflections_db, world.people["a2"], world.written["a-cohort"])
    delete_reflection(reflections_db, a1, world.written["a-cohort"], expected_version=None)
    create_reflection(reflections_db, world.people["b1"], Draft(QUESTION, "the other cohort still writes"))


def test_an_export_holds_all_of_one_account_and_nothing_of_others(reflections_db: Database, world: World) -> None:
    a1 = world.people["a1"]
    update_reflection(reflections_db, a1, world.written["a-private"], Draft(QUESTION, "v2"), expected_version=1)
    create_reflection(reflections_db, world.people["a2"], Draft(QUESTION, "Bo's", visibility="cohort"))
    exported = export_account(reflections_db, a1.account_id)
    assert exported["account"]["name"] == "Anne" and exported["cohort"]["slug"] == "hold-a"
    texts = {r["text"]: r for r in exported["reflections"]}
    assert set(texts) == {"v2", "a cohort"}
    assert [h["body"] for h in texts["v2"]["history"]] == ["a private"]
    assert "passphrase_hash" not in str(exported)


def test_a_facilitator_summary_shows_shared_reflections_without_names(reflections_db: Database, world: World) -> None:
    create_reflection(reflections_db, world.people["a2"], Draft(CONCEPT, "Bo's", visibility="cohort"))
    summary = cohort_summary(reflections_db, world.people["af"])
    assert [(t["target"], t["count"]) for t in summary["targets"]] == [(CONCEPT, 1), (QUESTION, 1)]
    assert summary["resources"] == [{"resource": CONCEPT, "reflections": 1}]
    assert "Anne" not in str(summary) and "author_id" not in str(summary)
    named = cohort_summary(reflections_db, world.people["af"], with_names=True)
    assert {r["author"] for t in named["targets"] for r in t["reflections"]} == {"Anne", "Bo"}
    for someone in ("a1", "bf"):
        summary = cohort_summary(reflections_db, world.people[someone]) if someone == "bf" else None
        if someone == "a1":
            with pytest.raises(NotAllowed):
                cohort_summary(reflections_db, world.people[someone])
        else:
            assert summary is not None and summary["cohort"]["slug"] == "hold-b" and len(summary["targets"]) == 1
