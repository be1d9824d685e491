"""Cohorts: one run of the course, created, listed, closed (read-only) and purged by a facilitator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from conceptgraph.reflections.database import Database, new_id, now
from conceptgraph.reflections.errors import CohortClosed, Invalid, NotFound
from conceptgraph.reflections.schema import accounts, cohorts, invitations, reflections

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_TITLE = 200


@dataclass(frozen=True)
class Cohort:
    id: str
    slug: str
    title: str
    created_at: datetime
    closed_at: datetime | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def create_cohort(db: Database, slug: str, *, title: str) -> Cohort:
    """A new, open cohort. Raises Invalid (`slug`, `title`) for a malformed or taken slug or title."""
    if not SLUG.match(slug) or len(slug) > 60:
        raise Invalid("slug", f"{slug!r} is not a slug: lowercase ASCII letters and digits joined by '-'")
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise Invalid("title", f"give a title of 1 to {MAX_TITLE} characters")
    cohort = Cohort(new_id(), slug, title, now(), None)
    try:
        with db.write() as connection:
            connection.execute(cohorts.insert().values(**cohort.__dict__))
    except IntegrityError:
        raise Invalid("slug", f"a cohort {slug!r} exists already; choose another slug") from None
    return cohort


def find_cohort(connection: Connection, slug: str) -> Cohort:
    """The cohort of that slug; NotFound names it."""
    row = connection.execute(select(cohorts).where(cohorts.c.slug == slug)).first()
    if row is None:
        raise NotFound(f"slug: there is no cohort {slug!r} (`conceptgraph cohort list` shows them)")
    return Cohort(**row._asdict())


def cohort_by_id(connection: Connection, cohort_id: str) -> Cohort:
    row = connection.execute(select(cohorts).where(cohorts.c.id == cohort_id)).one()
    return Cohort(**row._asdict())


def require_open(connection: Connection, cohort_id: str) -> Cohort:
    """The cohort, if it still takes writing; CohortClosed otherwise."""
    cohort = cohort_by_id(connection, cohort_id)
    if cohort.closed:
        raise CohortClosed(cohort.slug)
    return cohort


def list_cohorts(db: Database) -> list[dict[str, Any]]:
    """Every cohort with its counts: participants, facilitators, reflections, shared ones, open invitations."""

    def count(table: Any, *where: Any) -> Any:
        return (
            select(func.count()).select_from(table).where(table.c.cohort_id == cohorts.c.id, *where).scalar_subquery()
        )

    query = select(
        cohorts,
        count(accounts, accounts.c.role == "participant").label("participants"),
        count(accounts, accounts.c.role == "facilitator").label("facilitators"),
        count(reflections).label("reflections"),
        count(reflections, reflections.c.visibility == "cohort").label("shared"),
        count(invitations, invitations.c.used_at.is_(None), invitations.c.expires_at > now()).label("open_invitations"),
    ).order_by(cohorts.c.created_at, cohorts.c.slug)
    with db.read() as connection:
        return [row._asdict() for row in connection.execute(query)]


def close_cohort(db: Database, slug: str) -> Cohort:
    """Make the cohort read-only from now on (closing twice keeps the first time)."""
    with db.write() as connection:
        cohort = find_cohort(connection, slug)
        if not cohort.closed:
            connection.execute(update(cohorts).where(cohorts.c.id == cohort.id).values(closed_at=now()))
        return find_cohort(connection, slug)


def purge_cohort(db: Database, slug: str) -> dict[str, int]:
    """Delete every reflection, account, invitation and session of the cohort (links, history and
    sessions go with their rows); the cohort itself stays, closed, so its slug is not reused by
    mistake. Returns how many accounts, reflections and invitations were deleted."""
    with db.write() as connection:
        cohort = find_cohort(connection, slug)
        counts = {
            "reflections": connection.execute(delete(reflections).where(reflections.c.cohort_id == cohort.id)).rowcount,
            "invitations": connection.execute(delete(invitations).where(invitations.c.cohort_id == cohort.id)).rowcount,
            "accounts": connection.execute(delete(accounts).where(accounts.c.cohort_id == cohort.id)).rowcount,
        }
        if not cohort.closed:
            connection.execute(update(cohorts).where(cohorts.c.id == cohort.id).values(closed_at=now()))
    db.forget_deleted()
    return counts
