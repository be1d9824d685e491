"""What one account may keep: a number of reflections, and a number of bytes with every earlier version.

Each reflection is bounded (`model.check_draft`), but an edit keeps the version it replaces, so
edits alone would let one account grow without end. Earlier versions are the author's and are
never dropped to make room; the account's bytes are bounded instead, and deleting a reflection
frees what it and its history take.

What a version takes is counted once, when it is written (`version_bytes`), and added to its
reflection's `stored_bytes` (the current version plus every earlier one), so what an account holds
is one sum over its own reflections: at most `max_reflections_per_account` entries of the index
`reflections_by_author (author_id, stored_bytes)`, however many edits there were, and no text is
read. Both checks run inside the write's transaction after `lock_account`, so writers of one
account take turns and two at once cannot both pass a limit only one of them fits under.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import Connection, bindparam, func, select, update

from conceptgraph.reflections.errors import LimitReached, NotAllowed
from conceptgraph.reflections.model import Draft, Link
from conceptgraph.reflections.schema import accounts, reflection_history, reflection_links, reflections

# What a stored row takes beyond its text, roughly: ids, times, numbers and index entries. Counted
# for each version and each link, so a stream of tiny edits is not nearly free.
ROW_BYTES = 128


def version_bytes(draft: Draft) -> int:
    """The bytes one version takes: its text, target and links (IRI and reason) in UTF-8, and
    ROW_BYTES for the version and for each link."""
    texts = [draft.text, draft.target, *(part for link in draft.links for part in (link.resource, link.rationale))]
    return sum(len(part.encode("utf-8")) for part in texts) + ROW_BYTES * (1 + len(draft.links))


def lock_account(connection: Connection, account_id: str) -> None:
    """Make the other writers of this account wait until this transaction ends (PostgreSQL locks
    the account's row; a SQLite write transaction holds the whole database already). Raises
    NotAllowed when the account is gone: a write that raced its own DELETE /me, whose session
    was still live when the request began, would otherwise fail on the foreign key (500)."""
    locked = connection.execute(select(accounts.c.id).where(accounts.c.id == account_id).with_for_update())
    if locked.first() is None:
        raise NotAllowed("this account was erased; nothing can be written to it")


def require_another(connection: Connection, account_id: str, limit: int) -> None:
    """Raise LimitReached when the account already keeps `limit` reflections (after `lock_account`)."""
    kept = select(func.count()).select_from(reflections).where(reflections.c.author_id == account_id)
    if connection.execute(kept).scalar_one() >= limit:
        reason = (
            f"this account already keeps {limit} reflections, the most one account may keep; "
            "delete one to write another"
        )
        raise LimitReached("max_reflections_per_account", limit, reason)


def require_bytes(connection: Connection, account_id: str, adds: int, limit: int) -> None:
    """Raise LimitReached when what the account holds plus `adds` bytes is more than `limit`
    (after `lock_account`)."""
    held = connection.execute(
        select(func.coalesce(func.sum(reflections.c.stored_bytes), 0)).where(reflections.c.author_id == account_id)
    ).scalar_one()
    if held + adds > limit:
        reason = (
            f"this account's reflections with their earlier versions take {held} bytes and this write adds "
            f"{adds}, past the {limit} one account may keep; earlier versions are never dropped on their own: "
            "delete a reflection you no longer need (its earlier versions go with it) to make room"
        )
        raise LimitReached("max_account_bytes", limit, reason)


def count_stored_bytes(connection: Connection) -> None:
    """Set every reflection's `stored_bytes` from what is stored: its current version with its links
    and every earlier version. For the migration that brings the column to an existing database."""
    sizes = _current_sizes(connection)
    for reflection_id, size in _earlier_sizes(connection).items():
        sizes[reflection_id] += size
    if sizes:
        counted = update(reflections).where(reflections.c.id == bindparam("reflection"))
        connection.execute(
            counted.values(stored_bytes=bindparam("size")),
            [{"reflection": key, "size": size} for key, size in sizes.items()],
        )


def _current_sizes(connection: Connection) -> dict[str, int]:
    links: dict[str, list[Link]] = defaultdict(list)
    columns = (reflection_links.c.reflection_id, reflection_links.c.resource, reflection_links.c.rationale)
    for link in connection.execute(select(*columns)):
        links[link.reflection_id].append(Link(link.resource, link.rationale))
    sizes: dict[str, int] = defaultdict(int)
    for row in connection.execute(select(reflections.c.id, reflections.c.target, reflections.c.body)):
        sizes[row.id] = version_bytes(Draft(row.target, row.body, links=tuple(links[row.id])))
    return sizes


def _earlier_sizes(connection: Connection) -> dict[str, int]:
    history = reflection_history.c
    sizes: dict[str, int] = defaultdict(int)
    for row in connection.execute(select(history.reflection_id, history.target, history.body, history.links)):
        links = tuple(Link(link["resource"], link["rationale"]) for link in json.loads(row.links))
        sizes[row.reflection_id] += version_bytes(Draft(row.target, row.body, links=links))
    return sizes
