"""Schema migrations: an ordered list of steps of plain SQL that SQLite and PostgreSQL both run.

A database records the last step it ran in `schema_version`; `migrate` runs the steps after it,
each in its own transaction with its version bump, so a failed step leaves the database at the
version before it. Two services starting at once on one PostgreSQL take turns (an advisory lock);
on SQLite the write transaction is the lock. Steps are never edited once released: a change to the
schema is a new step at the end (and the matching change in `schema`).

Portable SQL only: TEXT, INTEGER, TIMESTAMP WITH TIME ZONE, CHECK, foreign keys with cascades, no
sequences (ids are random text). A step that must compute new values from the rows already there
also names a `fill` function (SQLAlchemy Core, so both databases run it too), run after its
statements in the same transaction. Alembic would add a second tool and a folder of files for
what is, here, a list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text

from conceptgraph.reflections.budget import count_stored_bytes
from conceptgraph.reflections.database import Database
from conceptgraph.reflections.errors import DatabaseUnavailable

_TIME = "TIMESTAMP WITH TIME ZONE"
_ROLE = "TEXT NOT NULL CHECK (role IN ('participant', 'facilitator'))"
_LOCK = 7_211_014  # the advisory lock id migrations hold on PostgreSQL


@dataclass(frozen=True)
class Step:
    """One migration: the version it brings the database to, why, its statements, and the function
    that fills in new values from existing rows, if any."""

    version: int
    purpose: str
    statements: tuple[str, ...]
    fill: Callable[[Connection], None] | None = None


STEPS = (
    Step(
        1,
        "cohorts, invitations, accounts and reflections with their links and history",
        (
            "CREATE TABLE schema_version (version INTEGER NOT NULL)",
            "INSERT INTO schema_version (version) VALUES (0)",
            f"CREATE TABLE cohorts (id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL, "
            f"created_at {_TIME} NOT NULL, closed_at {_TIME})",
            f"CREATE TABLE accounts (id TEXT PRIMARY KEY, "
            f"cohort_id TEXT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE, "
            f"name TEXT NOT NULL, name_key TEXT NOT NULL, role {_ROLE}, passphrase_hash TEXT NOT NULL, "
            f"created_at {_TIME} NOT NULL, UNIQUE (cohort_id, name_key))",
            f"CREATE TABLE invitations (token_hash TEXT PRIMARY KEY, "
            f"cohort_id TEXT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE, role {_ROLE}, "
            f"account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE, created_at {_TIME} NOT NULL, "
            f"expires_at {_TIME} NOT NULL, used_at {_TIME})",
            f"CREATE TABLE reflections (id TEXT PRIMARY KEY, "
            f"author_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, "
            f"cohort_id TEXT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE, target TEXT NOT NULL, "
            f"language TEXT NOT NULL, body TEXT NOT NULL, "
            f"visibility TEXT NOT NULL CHECK (visibility IN ('private', 'cohort')), "
            f"created_at {_TIME} NOT NULL, modified_at {_TIME} NOT NULL, version INTEGER NOT NULL)",
            "CREATE INDEX reflections_by_author ON reflections (author_id)",
            "CREATE INDEX reflections_by_cohort ON reflections (cohort_id, visibility)",
            "CREATE TABLE reflection_links (reflection_id TEXT NOT NULL REFERENCES reflections (id) "
            "ON DELETE CASCADE, position INTEGER NOT NULL, resource TEXT NOT NULL, rationale TEXT NOT NULL, "
            "PRIMARY KEY (reflection_id, position))",
            "CREATE INDEX links_by_resource ON reflection_links (resource)",
            f"CREATE TABLE reflection_history (reflection_id TEXT NOT NULL REFERENCES reflections (id) "
            f"ON DELETE CASCADE, version INTEGER NOT NULL, "
            f"editor_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, edited_at {_TIME} NOT NULL, "
            f"target TEXT NOT NULL, language TEXT NOT NULL, body TEXT NOT NULL, visibility TEXT NOT NULL, "
            f"links TEXT NOT NULL, PRIMARY KEY (reflection_id, version))",
        ),
    ),
    Step(
        2,
        "sign-in: sessions that survive a restart, failed attempts for rate limits",
        (
            f"CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, "
            f"account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, csrf_token TEXT NOT NULL, "
            f"created_at {_TIME} NOT NULL, last_seen_at {_TIME} NOT NULL)",
            "CREATE INDEX sessions_by_account ON sessions (account_id)",
            f"CREATE TABLE signin_failures (id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, failed_at {_TIME} NOT NULL)",
            "CREATE INDEX failures_by_key ON signin_failures (key_hash, failed_at)",
        ),
    ),
    Step(
        3,
        "a per-account limit on bytes: each reflection counts what it and its earlier versions take",
        (
            "ALTER TABLE reflections ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0",
            # the account's sum reads only this index (author_id first: it still finds their reflections)
            "DROP INDEX reflections_by_author",
            "CREATE INDEX reflections_by_author ON reflections (author_id, stored_bytes)",
        ),
        count_stored_bytes,
    ),
)
LATEST = STEPS[-1].version


def current_version(connection: Connection) -> int:
    """The version the database is at (0: no tables of ours yet)."""
    if not inspect(connection).has_table("schema_version"):
        return 0
    return int(connection.execute(text("SELECT version FROM schema_version")).scalar_one())


def migrate(db: Database, *, up_to: int = LATEST) -> int:
    """Run every step after the database's version up to `up_to`; return the version reached.

    Raises DatabaseUnavailable when the database is newer than this program knows (a downgrade).
    """
    for step in STEPS[:up_to]:
        with db.write() as connection:
            if db.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK})
            version = current_version(connection)
            if version > LATEST:
                raise DatabaseUnavailable(
                    f"reflections_db {db.url} is at schema version {version}, newer than this program's "
                    f"{LATEST}; upgrade conceptgraph"
                )
            if version >= step.version:
                continue
            for statement in step.statements:
                connection.exec_driver_sql(statement)
            if step.fill is not None:
                step.fill(connection)
            connection.execute(text("UPDATE schema_version SET version = :v"), {"v": step.version})
    with db.read() as connection:
        return current_version(connection)
