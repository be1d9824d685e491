"""Reading reflections: one, a page of them, a participant's export, a facilitator's summary.

Every read starts from `visibility.visible_reflections`, so no path can show a reflection its
viewer may not see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select

from conceptgraph.reflections.accounts import account_by_id
from conceptgraph.reflections.cohorts import cohort_by_id
from conceptgraph.reflections.database import Database
from conceptgraph.reflections.errors import Invalid, NotAllowed, NotFound
from conceptgraph.reflections.model import Link, Reflection
from conceptgraph.reflections.schema import accounts, reflection_history, reflection_links, reflections
from conceptgraph.reflections.visibility import Viewer, visible_reflections

MAX_PAGE = 200


@dataclass(frozen=True)
class Page:
    """Reflections from `offset` on, and how many there are in all."""

    items: list[Reflection]
    total: int
    offset: int


def load_reflections(
    connection: Connection,
    viewer: Viewer | None,
    *conditions: ColumnElement[bool],
    limit: int | None = None,
    offset: int = 0,
) -> list[Reflection]:
    """The reflections `viewer` may see that meet `conditions`, oldest first, with their links."""
    query = visible_reflections(viewer, *conditions).order_by(reflections.c.created_at, reflections.c.id)
    rows = connection.execute(query.limit(limit).offset(offset)).all()
    links: dict[str, list[Link]] = defaultdict(list)
    if rows:
        link_query = select(reflection_links).where(reflection_links.c.reflection_id.in_([r.id for r in rows]))
        for link in connection.execute(link_query.order_by(reflection_links.c.position)):
            links[link.reflection_id].append(Link(link.resource, link.rationale))
    return [
        Reflection(
            r.id,
            r.author_id,
            r.cohort_id,
            r.target,
            r.language,
            r.body,
            r.visibility,
            r.created_at,
            r.modified_at,
            r.version,
            tuple(links[r.id]),
        )
        for r in rows
    ]


def get_reflection(db: Database, viewer: Viewer | None, reflection_id: str) -> Reflection:
    """The reflection, if `viewer` may see it; NotFound otherwise (whether it exists or not)."""
    with db.read() as connection:
        found = load_reflections(connection, viewer, reflections.c.id == reflection_id)
    if not found:
        raise NotFound(f"reflection {reflection_id!r}: no such reflection")
    return found[0]


def list_reflections(
    db: Database,
    viewer: Viewer | None,
    *,
    about: str | None = None,
    mine: bool = False,
    shared: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """A page of what `viewer` may see: `about` an IRI (its target, or one of its links), only
    their own (`mine`), only the cohort-shared ones (`shared`)."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise Invalid("limit", f"give a limit of 1 to {MAX_PAGE} and an offset of 0 or more")
    conditions = []
    if about is not None:
        linked = select(reflection_links.c.reflection_id).where(reflection_links.c.resource == about)
        conditions.append(or_(reflections.c.target == about, reflections.c.id.in_(linked)))
    if mine:
        conditions.append(reflections.c.author_id == (viewer.account_id if viewer else None))
    if shared:
        conditions.append(reflections.c.visibility == "cohort")
    with db.read() as connection:
        items = load_reflections(connection, viewer, *conditions, limit=limit, offset=offset)
        counted = select(func.count()).select_from(visible_reflections(viewer, *conditions).subquery())
        total = int(connection.execute(counted).scalar_one())
    return Page(items, total, offset)


def own_reflections(db: Database, viewer: Viewer) -> list[Reflection]:
    """Every reflection the viewer wrote, oldest first, with links: all of them, not a page (the
    account's limit bounds how many), for their own page and their export."""
    with db.read() as connection:
        return load_reflections(connection, viewer, reflections.c.author_id == viewer.account_id)


def export_account(db: Database, account_id: str) -> dict[str, Any]:
    """Everything stored about one account, ready for JSON: who, their reflections with links and
    earlier versions. (No passphrase hash, no sessions: those are keys, not their data.)"""
    with db.read() as connection:
        account = account_by_id(connection, account_id)
        cohort = cohort_by_id(connection, account.cohort_id)
        own = load_reflections(connection, account.viewer, reflections.c.author_id == account.id)
        history = connection.execute(
            select(reflection_history)
            .where(reflection_history.c.reflection_id.in_([r.id for r in own]))
            .order_by(reflection_history.c.reflection_id, reflection_history.c.version)
        ).all()
    earlier: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in history:
        earlier[row.reflection_id].append(_jsonable({k: v for k, v in row._asdict().items() if k != "reflection_id"}))
    return {
        "account": {"name": account.name, "role": account.role, "created_at": account.created_at.isoformat()},
        "cohort": {"slug": cohort.slug, "title": cohort.title},
        "reflections": [{**as_dict(r), "history": earlier[r.id]} for r in own],
    }


def cohort_summary(db: Database, viewer: Viewer | None, *, with_names: bool = False) -> dict[str, Any]:
    """For a facilitator: the cohort's shared reflections grouped by target, and how often each
    resource was linked. Names only with `with_names`. Raises NotAllowed for anyone else."""
    if viewer is None or not viewer.is_facilitator:
        raise NotAllowed("only a facilitator of the cohort sees its summary")
    shared = (reflections.c.visibility == "cohort", reflections.c.cohort_id == viewer.cohort_id)
    with db.read() as connection:
        cohort = cohort_by_id(connection, viewer.cohort_id)
        found = load_reflections(connection, viewer, *shared)
        members = select(accounts.c.id, accounts.c.name).where(accounts.c.cohort_id == viewer.cohort_id)
        names = {row.id: row.name for row in connection.execute(members)} if with_names else {}
    by_target: dict[str, list[dict[str, Any]]] = defaultdict(list)
    linked: Counter[str] = Counter()
    for reflection in found:
        entry = as_dict(reflection, author=False)
        if with_names:
            entry["author"] = names.get(reflection.author_id, "")
        by_target[reflection.target].append(entry)
        linked.update({link.resource for link in reflection.links})
    return {
        "cohort": {"slug": cohort.slug, "title": cohort.title, "closed": cohort.closed},
        "targets": [{"target": t, "count": len(items), "reflections": items} for t, items in sorted(by_target.items())],
        "resources": [
            {"resource": r, "reflections": n} for r, n in sorted(linked.items(), key=lambda i: (-i[1], i[0]))
        ],
    }


def as_dict(reflection: Reflection, *, author: bool = True) -> dict[str, Any]:
    """A reflection ready for JSON (times as ISO 8601); without the author's id when `author` is False."""
    entry = _jsonable({k: v for k, v in reflection.__dict__.items() if k != "links"})
    entry["links"] = [link.__dict__.copy() for link in reflection.links]
    entry.pop("cohort_id")
    if not author:
        entry.pop("author_id")
    return entry


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
