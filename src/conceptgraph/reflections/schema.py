"""The tables at the latest schema version, as SQLAlchemy Core objects the queries are written with.

The DDL that creates them is in `migrations` (plain SQL both databases run); a test checks that
both agree. Every time is UTC: `Utc` gives aware datetimes back from SQLite and PostgreSQL alike.
Primary keys are random text ids, so rows need no sequence and a backup restores as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Dialect, ForeignKey, Integer, MetaData, Table, Text, TypeDecorator

ROLES = ("participant", "facilitator")
VISIBILITIES = ("private", "cohort")


class Utc(TypeDecorator[datetime]):
    """TIMESTAMP WITH TIME ZONE in and out as aware UTC datetimes (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _account(**options: Any) -> Column[Any]:
    return Column("account_id", Text, ForeignKey("accounts.id", ondelete="CASCADE"), **options)


metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Text, primary_key=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("created_at", Utc, nullable=False),
    Column("closed_at", Utc),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Text, primary_key=True),
    Column("cohort_id", Text, ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),  # the name case-folded: unique per cohort
    Column("role", Text, nullable=False),
    Column("passphrase_hash", Text, nullable=False),
    Column("created_at", Utc, nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("cohort_id", Text, ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False),
    Column("role", Text, nullable=False),
    _account(),  # set: the invitation resets this account's passphrase
    Column("created_at", Utc, nullable=False),
    Column("expires_at", Utc, nullable=False),
    Column("used_at", Utc),
)

reflections = Table(
    "reflections",
    metadata,
    Column("id", Text, primary_key=True),
    Column("author_id", Text, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("cohort_id", Text, ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False),
    Column("target", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("visibility", Text, nullable=False),
    Column("created_at", Utc, nullable=False),
    Column("modified_at", Utc, nullable=False),
    Column("version", Integer, nullable=False),
    # bytes of this version and every earlier one, for the account's limit (`budget`)
    Column("stored_bytes", Integer, nullable=False),
)

reflection_links = Table(
    "reflection_links",
    metadata,
    Column("reflection_id", Text, ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("resource", Text, nullable=False),
    Column("rationale", Text, nullable=False),
)

reflection_history = Table(
    "reflection_history",
    metadata,
    Column("reflection_id", Text, ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),  # the version this row was before the edit
    Column("editor_id", Text, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("edited_at", Utc, nullable=False),
    Column("target", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("visibility", Text, nullable=False),
    Column("links", Text, nullable=False),  # JSON: [{"resource": …, "rationale": …}, …]
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", Text, primary_key=True),
    _account(nullable=False),
    Column("csrf_token", Text, nullable=False),
    Column("created_at", Utc, nullable=False),
    Column("last_seen_at", Utc, nullable=False),
)

signin_failures = Table(
    "signin_failures",
    metadata,
    Column("id", Text, primary_key=True),
    Column("key_hash", Text, nullable=False),  # SHA-256 of "name:<cohort>:<name>" or "address:<ip>"
    Column("failed_at", Utc, nullable=False),
)
