"""The reflections database: settings, migrations, durability across kill -9, concurrent writers."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from conceptgraph.config import load_settings
from conceptgraph.reflections.cohorts import create_cohort
from conceptgraph.reflections.database import Database, database_url, open_database
from conceptgraph.reflections.errors import LimitReached
from conceptgraph.reflections.migrations import LATEST, STEPS, current_version, migrate
from conceptgraph.reflections.model import Draft
from conceptgraph.reflections.schema import metadata, reflections
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
    start, outcomes = threading.Barrier(10), []

    def write(n: int) -> None:
        start.wait()
        try:
            create_reflection(limited, carl, Draft(QUESTION, f"samtidig {n}"))
            outcomes.append("kept")
        except LimitReached:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - every other failure is the test's finding
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["kept"] * 3 + ["refused"] * 7 and kept(limited, carl) == 3
