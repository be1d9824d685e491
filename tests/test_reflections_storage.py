"""The reflections database: settings, migrations, durability across kill -9, concurrent writers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, inspect, select, text

from conceptgraph.config import load_settings
from conceptgraph.reflections.budget import ROW_BYTES
from conceptgraph.reflections.cohorts import create_cohort
from conceptgraph.reflections.database import Database, database_url, open_database
from conceptgraph.reflections.errors import LimitReached, VersionConflict
from conceptgraph.reflections.migrations import LATEST, STEPS, current_version, migrate
from conceptgraph.reflections.model import Draft, Link
from conceptgraph.reflections.schema import (
    accounts,
    cohorts,
    metadata,
    reflection_history,
    reflection_links,
    reflections,
)
from conceptgraph.reflections.visibility import Viewer
from conceptgraph.reflections.writing import create_reflection, delete_reflection, update_reflection
from tests.reflections_people import member

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "https://ex.org/q"


def test_migrate_brings_a_new_database_to_the_latest_version_and_matches_the_schema(reflections_db: Database) -> None:
    with reflections_db.read() as connection:
        assert current_version(connection) == LATEST
        found = inspect(connection)
        for table in metadata.sorted_tables:
            columns = {c["name"] for c in found.get_columns(table.name)}
            assert columns == set(table.columns.keys()), table.name
    assert migrate(reflections_db) == LATEST  # a second run changes nothing


def test_an_old_database_is_upgraded_with_its_data_kept(reflections_url: str) -> None:
    db = open_database(reflections_url)
    with db.write() as connection:
        for statement in STEPS[0].statements:
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("UPDATE schema_version SET version = 1")
        connection.execute(
            text("INSERT INTO cohorts (id, slug, title, created_at) VALUES ('c1', 'hold-1', 'Hold 1', :t)"),
            {"t": "2026-01-02 03:04:05+00:00" if db.dialect == "postgresql" else "2026-01-02 03:04:05.000000"},
        )
    assert migrate(db) == LATEST
    with db.read() as connection:
        assert inspect(connection).has_table("sessions")
        assert connection.execute(text("SELECT slug FROM cohorts")).scalars().all() == ["hold-1"]
    db.close()


def test_a_newer_database_is_refused(reflections_db: Database) -> None:
    from conceptgraph.reflections.errors import DatabaseUnavailable

    with reflections_db.write() as connection:
        connection.exec_driver_sql(f"UPDATE schema_version SET version = {LATEST + 1}")
    with pytest.raises(DatabaseUnavailable, match="newer than this program"):
        migrate(reflections_db)


def test_the_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    settings = load_settings({"instance_dir": str(tmp_path / "instance")})
    db = open_database(settings=settings)
    migrate(db)
    assert (tmp_path / "instance" / "reflections.sqlite3").is_file()
    with db.read() as connection:
        pragmas = [connection.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "synchronous")]
        assert pragmas == ["wal", 2] and connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()


def test_the_password_comes_from_a_file_and_never_shows(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3cr3t-word\n")
    settings = load_settings({"reflections_db_password_file": str(secret)})
    url = database_url("postgresql://refl@127.0.0.1:1/refl", settings)
    assert url.password == "s3cr3t-word" and url.drivername == "postgresql+psycopg"
    from conceptgraph.reflections.errors import DatabaseUnavailable

    with pytest.raises(DatabaseUnavailable) as caught:
        open_database("postgresql://refl:other-s3cr3t@127.0.0.1:1/refl", settings=load_settings())
    assert "other-s3cr3t" not in str(caught.value) and "***" in str(caught.value)


WRITER = """
import sys
from conceptgraph.reflections.database import open_database
from conceptgraph.reflections.cohorts import create_cohort
db = open_database(sys.argv[1])
cohort = create_cohort(db, sys.argv[2], title="Hold")
print(cohort.id, flush=True)
sys.stdin.read()
"""


def test_a_committed_row_survives_kill_9(reflections_db: Database, reflections_url: str) -> None:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-c", WRITER, reflections_url, "kept"]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) as writer:
        assert writer.stdout is not None
        cohort_id = writer.stdout.readline().decode().strip()
        writer.kill()  # SIGKILL right after the commit returned: no clean shutdown, no flush
    reflections_db.close()
    again = open_database(reflections_url)
    with again.read() as connection:
        if again.dialect == "postgresql":  # the server acknowledges a commit only once it is on disk
            assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
        assert connection.execute(text("SELECT id FROM cohorts WHERE slug = 'kept'")).scalar_one() == cohort_id
    again.close()


def test_twenty_writers_at_once_lose_nothing(reflections_db: Database) -> None:
    from tests.reflections_people import member

    cohort = create_cohort(reflections_db, "busy", title="Busy")
    writers = [member(reflections_db, cohort.slug, f"p{n}") for n in range(20)]
    start, failures, made = threading.Barrier(20), [], []

    def write(viewer: Any) -> None:
        from conceptgraph.reflections.model import Draft
        from conceptgraph.reflections.writing import create_reflection

        start.wait()
        try:
            for n in range(5):
                made.append(create_reflection(reflections_db, viewer, Draft("https://ex.org/q", f"tekst {n}")).id)
        except Exception as exc:  # noqa: BLE001 - every failure is the test's finding
            failures.append(repr(exc))

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with reflections_db.read() as connection:
        stored = connection.execute(select(reflections.c.id)).scalars().all()
    assert sorted(stored) == sorted(made) and len(made) == 100


@pytest.fixture
def limited(reflections_db: Database, reflections_url: str) -> Iterator[Database]:
    """The migrated database opened again as a service would with `max_reflections_per_account=3`,
    and a cohort "fuld" on it."""
    with open_database(reflections_url, settings=load_settings({"max_reflections_per_account": 3})) as db:
        create_cohort(db, "fuld", title="Fuld")
        yield db


def kept(db: Database, viewer: Any) -> int:
    """How many reflections the account keeps."""
    mine = select(reflections.c.id).where(reflections.c.author_id == viewer.account_id)
    with db.read() as connection:
        return len(connection.execute(mine).all())


def test_an_account_keeps_at_most_the_set_number_of_reflections(limited: Database) -> None:
    anne, bo = member(limited, "fuld", "Anne"), member(limited, "fuld", "Bo")
    first, *_ = (create_reflection(limited, anne, Draft(QUESTION, f"tekst {n}")) for n in range(3))
    with pytest.raises(LimitReached) as refused:
        create_reflection(limited, anne, Draft(QUESTION, "én for meget"))
    assert (refused.value.setting, refused.value.limit) == ("max_reflections_per_account", 3)
    assert kept(limited, anne) == 3
    assert "max_reflections_per_account" in str(refused.value) and "én for meget" not in str(refused.value)
    create_reflection(limited, bo, Draft(QUESTION, "Bo har plads"))  # the limit is per account
    update_reflection(limited, anne, first.id, Draft(QUESTION, "ændret"), expected_version=1)  # edits add none
    delete_reflection(limited, anne, first.id, expected_version=2)
    create_reflection(limited, anne, Draft(QUESTION, "plads igen"))
    assert kept(limited, anne) == 3


def test_the_limit_holds_for_writes_of_one_account_at_once(limited: Database) -> None:
    """Counted in the insert's transaction, one writer of an account after the other: ten at once, three kept."""
    carl = member(limited, "fuld", "Carl")
    outcomes = at_once(10, lambda n: create_reflection(limited, carl, Draft(QUESTION, f"samtidig {n}")))
    assert sorted(outcomes) == ["kept"] * 3 + ["refused"] * 7 and kept(limited, carl) == 3


def at_once(count: int, write: Callable[[int], object]) -> list[str]:
    """Run `write(0)` … `write(count - 1)` in threads released together; each one's outcome:
    "kept", "refused" (LimitReached) or the repr of any other failure (the test's finding)."""
    start, outcomes = threading.Barrier(count), []

    def run(n: int) -> None:
        start.wait()
        try:
            write(n)
            outcomes.append("kept")
        except LimitReached:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - every other failure is the test's finding
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def utf8(*parts: str) -> int:
    return sum(len(part.encode("utf-8")) for part in parts)


def held(db: Database, viewer: Any) -> tuple[int, int]:
    """The bytes the account's reflections say they take, and how many versions it keeps in all."""
    mine = reflections.c.author_id == viewer.account_id
    earlier = select(func.count()).select_from(reflection_history.join(reflections)).where(mine)
    with db.read() as connection:
        counted = connection.execute(select(func.coalesce(func.sum(reflections.c.stored_bytes), 0)).where(mine))
        current = connection.execute(select(func.count()).select_from(reflections).where(mine))
        return int(counted.scalar_one()), int(current.scalar_one()) + int(connection.execute(earlier).scalar_one())


@pytest.fixture
def budgeted(reflections_db: Database, reflections_url: str) -> Iterator[Callable[[int], Database]]:
    """Opens the migrated database again as a service would with `max_account_bytes` set to the
    number given, with a cohort "smal" on it."""
    create_cohort(reflections_db, "smal", title="Smal")
    opened: list[Database] = []

    def with_budget(limit: int) -> Database:
        opened.append(open_database(reflections_url, settings=load_settings({"max_account_bytes": limit})))
        return opened[-1]

    yield with_budget
    for db in opened:
        db.close()


def test_every_version_counts_against_the_accounts_bytes_and_a_delete_frees_them(
    budgeted: Callable[[int], Database],
) -> None:
    """Edits keep every earlier version, so they fill the account; past the budget an edit is
    refused with nothing changed and nothing dropped; deleting the reflection frees its bytes."""
    db = budgeted(3000)
    anne, bo = member(db, "smal", "Anne"), member(db, "smal", "Bo")
    text = "ø" * 500  # 500 characters, 1000 bytes: the budget is in bytes
    each = utf8(text, QUESTION) + ROW_BYTES
    written = create_reflection(db, anne, Draft(QUESTION, text))
    update_reflection(db, anne, written.id, Draft(QUESTION, text), expected_version=1)
    assert held(db, anne) == (2 * each, 2)
    with pytest.raises(LimitReached) as refused:
        update_reflection(db, anne, written.id, Draft(QUESTION, text), expected_version=2)
    assert (refused.value.setting, refused.value.limit) == ("max_account_bytes", 3000)
    assert f"take {2 * each} bytes and this write adds {each}" in str(refused.value) and "ø" not in str(refused.value)
    with pytest.raises(LimitReached):
        create_reflection(db, anne, Draft(QUESTION, text))
    assert held(db, anne) == (2 * each, 2)  # the refused edit changed nothing, and no version was dropped
    linked = Draft(QUESTION, "æ", links=(Link(QUESTION, "Fordi."),))
    create_reflection(db, anne, linked)  # what still fits is kept: text, target, link and its reason
    assert held(db, anne) == (2 * each + utf8("æ", QUESTION, QUESTION, "Fordi.") + 2 * ROW_BYTES, 3)
    create_reflection(db, bo, Draft(QUESTION, text))  # the budget is per account
    delete_reflection(db, anne, written.id, expected_version=2)
    create_reflection(db, anne, Draft(QUESTION, text))
    assert held(db, anne)[1] == 2


def test_the_byte_budget_holds_for_writes_of_one_account_at_once(budgeted: Callable[[int], Database]) -> None:
    """Five edits and five new reflections of one account at once, with room for three more
    versions: three are kept, seven refused, whichever come first (the edits take the account's
    lock as the new ones do)."""
    each = utf8("samtidig 0", QUESTION) + ROW_BYTES  # what every draft below takes
    db = budgeted(8 * each + each // 2)
    dora = member(db, "smal", "Dora")
    kept = [create_reflection(db, dora, Draft(QUESTION, f"samtidig {n}")) for n in range(5)]

    def write(n: int) -> object:
        draft = Draft(QUESTION, f"samtidig {n}")
        if n < 5:
            return update_reflection(db, dora, kept[n].id, draft, expected_version=None)
        return create_reflection(db, dora, draft)

    outcomes = at_once(10, write)
    assert sorted(outcomes) == ["kept"] * 3 + ["refused"] * 7 and held(db, dora) == (8 * each, 8)


def test_an_upgraded_database_counts_the_bytes_it_already_holds(reflections_url: str) -> None:
    """A database of schema version 2 with a reflection, its link and an earlier version: the
    migration counts what they take, and the budget holds from the first write on."""
    db = open_database(reflections_url, settings=load_settings({"max_account_bytes": 1000}))
    migrate(db, up_to=2)
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    row = {"target": QUESTION, "language": "da", "visibility": "private"}
    with db.write() as connection:  # as a version-2 service wrote them (no stored_bytes yet)
        connection.execute(insert(cohorts).values(id="c", slug="gammel", title="Gammel", created_at=when))
        person = {"cohort_id": "c", "name": "Ib", "name_key": "ib", "role": "participant", "passphrase_hash": "x"}
        connection.execute(insert(accounts).values(id="a", created_at=when, **person))
        current = {"id": "r", "author_id": "a", "cohort_id": "c", "created_at": when, "modified_at": when}
        connection.execute(insert(reflections).values(body="Nu: æble", version=2, **current, **row))
        link = {"reflection_id": "r", "position": 0, "resource": QUESTION, "rationale": "Så."}
        connection.execute(insert(reflection_links).values(**link))
        links = '[{"resource": "https://ex.org/c", "rationale": "Før ø."}]'
        earlier = {"editor_id": "a", "edited_at": when, "body": "Før", "links": links}
        connection.execute(insert(reflection_history).values(reflection_id="r", version=1, **earlier, **row))
    migrate(db)
    now = utf8("Nu: æble", QUESTION, QUESTION, "Så.") + 2 * ROW_BYTES
    before = utf8("Før", QUESTION, "https://ex.org/c", "Før ø.") + 2 * ROW_BYTES
    with db.read() as connection:
        assert connection.execute(select(reflections.c.stored_bytes)).scalar_one() == now + before
    ib = Viewer("a", "c", "participant")
    with pytest.raises(LimitReached):
        create_reflection(db, ib, Draft(QUESTION, "x" * (1000 - now - before)))
    create_reflection(db, ib, Draft(QUESTION, "x" * (1000 - now - before - utf8(QUESTION) - ROW_BYTES)))
    db.close()


def waiting_for_locks(db: Database, count: int) -> None:
    """Return once `count` sessions of the database wait for a lock (PostgreSQL)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(1000):
        with db.read() as connection:
            if connection.execute(query).scalar_one() >= count:
                return
        time.sleep(0.01)
    raise AssertionError(f"{count} writers never waited for the reflection's row")


@pytest.mark.parametrize("reflections_url", ["postgresql"], indirect=True)  # SQLite writers never interleave
@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        ("update", "delete", "it is at version 2"),
        ("delete", "delete", "deleted since you read it"),
        ("delete", "update", "deleted since you read it"),
    ],
)
def test_a_write_that_loses_a_race_says_what_the_winner_left(
    reflections_db: Database, first: str, then: str, message: str
) -> None:
    """Two writers read version 1 and wait for the reflection's row (held a moment); the first in
    line wins, and the other's 412 says the version the winner left, or that it deleted it."""
    db = reflections_db
    create_cohort(db, "kaploeb", title="Kapløb")
    eva = member(db, "kaploeb", "Eva")
    written = create_reflection(db, eva, Draft(QUESTION, "første"))
    writes = {
        "update": lambda: update_reflection(db, eva, written.id, Draft(QUESTION, "anden"), expected_version=1),
        "delete": lambda: delete_reflection(db, eva, written.id, expected_version=1),
    }
    outcomes: dict[str, Any] = {}

    def run(name: str, write: Callable[[], object]) -> None:
        try:
            outcomes[name] = write()
        except Exception as exc:  # noqa: BLE001 - the loser's refusal is what the test reads
            outcomes[name] = exc

    with db.write() as holder:
        holder.execute(select(reflections.c.id).where(reflections.c.id == written.id).with_for_update())
        winner = threading.Thread(target=run, args=("winner", writes[first]))
        winner.start()
        waiting_for_locks(db, 1)
        loser = threading.Thread(target=run, args=("loser", writes[then]))
        loser.start()
        waiting_for_locks(db, 2)
    winner.join()
    loser.join()
    assert not isinstance(outcomes["winner"], Exception), outcomes
    refused = outcomes["loser"]
    assert isinstance(refused, VersionConflict) and message in str(refused), refused
    assert refused.current == (2 if first == "update" else None)
