"""Writing reflections: create, update (with the version the author last read) and delete.

Only the author changes a reflection. An update keeps the previous version in the history (who,
when, what it said); deleting a reflection deletes its history with it, so the text is gone
everywhere. A closed cohort takes no new or changed reflections; deleting stays possible. One
account keeps at most the database's `max_reflections_per_account` reflections and
`max_account_bytes` bytes with every earlier version (`budget`), checked in the transaction that
writes, with the account's other writers waiting their turn.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, delete, insert, select, update

from conceptgraph.reflections.budget import lock_account, require_another, require_bytes, version_bytes
from conceptgraph.reflections.cohorts import require_open
from conceptgraph.reflections.database import Database, new_id, now
from conceptgraph.reflections.errors import NotAllowed, NotFound, VersionConflict
from conceptgraph.reflections.model import Draft, Reflection, check_draft
from conceptgraph.reflections.reading import load_reflections
from conceptgraph.reflections.schema import reflection_history, reflection_links, reflections
from conceptgraph.reflections.visibility import Viewer


def create_reflection(db: Database, viewer: Viewer | None, draft: Draft) -> Reflection:
    """A new reflection by `viewer`, at version 1. Raises NotAllowed (visitor), Invalid, CohortClosed,
    LimitReached (the account keeps `db.max_reflections_per_account` reflections already, or this
    one would take it past `db.max_account_bytes`)."""
    if viewer is None:
        raise NotAllowed("sign in to write a reflection")
    draft = check_draft(draft)
    reflection_id, when, size = new_id(), now(), version_bytes(draft)
    with db.write() as connection:
        require_open(connection, viewer.cohort_id)
        lock_account(connection, viewer.account_id)
        require_another(connection, viewer.account_id, db.max_reflections_per_account)
        require_bytes(connection, viewer.account_id, size, db.max_account_bytes)
        values = {
            "id": reflection_id,
            "author_id": viewer.account_id,
            "cohort_id": viewer.cohort_id,
            "created_at": when,
            "modified_at": when,
            "version": 1,
            "stored_bytes": size,
            **_columns(draft),
        }
        connection.execute(insert(reflections).values(**values))
        _write_links(connection, reflection_id, draft)
        return load_reflections(connection, viewer, reflections.c.id == reflection_id)[0]


def update_reflection(
    db: Database, viewer: Viewer | None, reflection_id: str, draft: Draft, *, expected_version: int | None
) -> Reflection:
    """Replace the reflection with `draft` (version + 1), the old one kept in the history.
    `expected_version` (from If-Match) must be the current version, unless None. Raises NotFound
    (not visible to `viewer`), NotAllowed (not the author), VersionConflict, Invalid, CohortClosed,
    LimitReached (the new version would take the account past `db.max_account_bytes`: the old one
    stays, so an edit adds the new version's bytes)."""
    draft = check_draft(draft)
    size = version_bytes(draft)
    with db.write() as connection:
        old = _own(connection, viewer, reflection_id, expected_version)
        require_open(connection, old.cohort_id)
        lock_account(connection, old.author_id)
        require_bytes(connection, old.author_id, size, db.max_account_bytes)
        when = now()
        # Claim the next version first: a concurrent update of the same version waits here for
        # the row and then changes nothing (PostgreSQL), so it never writes a history row too.
        guarded = update(reflections).where(reflections.c.id == old.id, reflections.c.version == old.version)
        claimed = guarded.values(
            modified_at=when, version=old.version + 1, stored_bytes=reflections.c.stored_bytes + size, **_columns(draft)
        )
        if connection.execute(claimed).rowcount != 1:  # a concurrent update or delete won; ours is rolled back
            raise VersionConflict(_version_now(connection, old.id))
        history = {
            "reflection_id": old.id,
            "version": old.version,
            "editor_id": old.author_id,
            "edited_at": when,
            "target": old.target,
            "language": old.language,
            "body": old.text,
            "visibility": old.visibility,
            "links": json.dumps([link.__dict__ for link in old.links], ensure_ascii=False),
        }
        connection.execute(insert(reflection_history).values(**history))
        connection.execute(delete(reflection_links).where(reflection_links.c.reflection_id == old.id))
        _write_links(connection, old.id, draft)
        return load_reflections(connection, viewer, reflections.c.id == old.id)[0]


def delete_reflection(db: Database, viewer: Viewer | None, reflection_id: str, *, expected_version: int | None) -> None:
    """Delete the reflection, its links and its history, freeing their bytes. Raises NotFound,
    NotAllowed, VersionConflict (`current`: the version a concurrent change left, None when a
    concurrent delete came first)."""
    with db.write() as connection:
        old = _own(connection, viewer, reflection_id, expected_version)
        # Only the version just read: a change that commits meanwhile is not deleted unseen.
        gone = connection.execute(
            delete(reflections).where(reflections.c.id == old.id, reflections.c.version == old.version)
        )
        if gone.rowcount != 1:
            raise VersionConflict(_version_now(connection, old.id))
    db.forget_deleted()


def reflection_history_of(db: Database, viewer: Viewer | None, reflection_id: str) -> list[dict[str, object]]:
    """The earlier versions of the viewer's own reflection, oldest first (who, when, what)."""
    with db.read() as connection:
        old = _own(connection, viewer, reflection_id, None)
        query = select(reflection_history).where(reflection_history.c.reflection_id == old.id)
        rows = connection.execute(query.order_by(reflection_history.c.version)).all()
    return [{**row._asdict(), "links": json.loads(row.links)} for row in rows]


def _version_now(connection: Connection, reflection_id: str) -> int | None:
    """The version a concurrent writer left the reflection at, None if it deleted it. (On
    PostgreSQL a statement that waited for that writer's row lock sees what it committed.)"""
    query = select(reflections.c.version).where(reflections.c.id == reflection_id)
    return connection.execute(query).scalar_one_or_none()


def _own(connection: Connection, viewer: Viewer | None, reflection_id: str, expected: int | None) -> Reflection:
    """The reflection, if `viewer` may see it and wrote it, at the expected version."""
    found = load_reflections(connection, viewer, reflections.c.id == reflection_id)
    if not found:
        raise NotFound(f"reflection {reflection_id!r}: no such reflection")
    if viewer is None or found[0].author_id != viewer.account_id:
        raise NotAllowed("only its author may change or delete a reflection")
    if expected is not None and expected != found[0].version:
        raise VersionConflict(found[0].version)
    return found[0]


def _columns(draft: Draft) -> dict[str, str]:
    return {"target": draft.target, "language": draft.language, "body": draft.text, "visibility": draft.visibility}


def _write_links(connection: Connection, reflection_id: str, draft: Draft) -> None:
    rows = [
        {"reflection_id": reflection_id, "position": n, "resource": link.resource, "rationale": link.rationale}
        for n, link in enumerate(draft.links)
    ]
    if rows:
        connection.execute(insert(reflection_links), rows)
