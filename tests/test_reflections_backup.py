"""Backup and restore: SQLite → file → PostgreSQL → file gives the same bytes; restore refuses
a database that holds data and a file that is no backup."""

from __future__ import annotations

from pathlib import Path

import pytest

from conceptgraph.reflections.accounts import sign_in
from conceptgraph.reflections.backup import backup, restore
from conceptgraph.reflections.cohorts import create_cohort
from conceptgraph.reflections.database import Database, open_database
from conceptgraph.reflections.errors import Invalid
from conceptgraph.reflections.migrations import LATEST, migrate
from conceptgraph.reflections.model import Draft, Link
from conceptgraph.reflections.reading import get_reflection
from conceptgraph.reflections.sessions import session_for, start_session
from conceptgraph.reflections.writing import create_reflection, update_reflection
from tests.postgres import Postgres
from tests.reflections_people import PASSPHRASE, member

QUESTION = "https://w3id.org/conceptgraph/id/q-i-morgen"


def fill(db: Database) -> tuple[str, str]:
    """Some of everything: two cohorts, people, a reflection with links and history, a session."""
    create_cohort(db, "hold", title="Hold ÆØÅ")
    create_cohort(db, "tom", title="Tom")
    anne = member(db, "hold", "Anne")
    member(db, "hold", "Fie", "facilitator")
    draft = Draft(QUESTION, "første «udgave»", links=(Link(QUESTION, "fordi"), Link("urn:x:y", "også")))
    written = create_reflection(db, anne, draft)
    update_reflection(db, anne, written.id, Draft(QUESTION, "anden", visibility="cohort"), expected_version=1)
    session = start_session(db, sign_in(db, "hold", "Anne", PASSPHRASE, address="10.0.0.1"))
    return written.id, str(session.token)


def test_a_backup_round_trips_between_sqlite_and_postgresql(
    tmp_path: Path, postgres: Postgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher

    from conceptgraph.reflections import accounts

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    lite = open_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    migrate(lite)
    reflection_id, token = fill(lite)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    counts = backup(lite, first)
    assert counts["reflections"] == 1 and counts["reflection_history"] == 1 and counts["reflection_links"] == 0
    pg = open_database(postgres.create_database("roundtrip"))
    assert restore(pg, first)["accounts"] == 2
    backup(pg, second)
    assert second.read_bytes() == first.read_bytes()
    anne = session_for(pg, token)  # signed in still, on the other database
    assert anne is not None and get_reflection(pg, anne.account.viewer, reflection_id).text == "anden"
    with pytest.raises(Invalid, match="empty database"):
        restore(pg, first)
    lite.close()
    pg.close()


def test_restore_refuses_what_is_no_backup(reflections_db: Database, reflections_url: str, tmp_path: Path) -> None:
    empty = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    cases = {
        "not json\n": "line 1: not a JSON object",
        '{"format": "other"}\n': "not a reflections backup",
        f'{{"format": "conceptgraph-reflections", "schema_version": {LATEST + 1}}}\n': "not a reflections backup",
        '{"format": "conceptgraph-reflections", "schema_version": 2}\n{"table": "users", "row": {}}\n': "line 2",
    }
    for number, (content, message) in enumerate(cases.items()):
        path = tmp_path / f"bad{number}.jsonl"
        path.write_text(content)
        with pytest.raises(Invalid, match=message) as caught:
            restore(empty, path)
        assert str(path) in str(caught.value)
    with pytest.raises(Invalid, match="cannot be read"):
        restore(empty, tmp_path / "missing.jsonl")
    create_cohort(reflections_db, "hold", title="Hold")
    good = tmp_path / "good.jsonl"
    backup(reflections_db, good)
    with pytest.raises(Invalid, match="empty database"):
        restore(reflections_db, good)
    empty.close()
