"""Invitations: single-use links `/join/<token>` that make an account, or reset one's passphrase.

A token is 128 random bits; only its SHA-256 is stored, so a copy of the database holds no usable
link. Redeeming marks it used in the same transaction that makes (or resets) the account, with a
guarded UPDATE, so two people opening one link at once cannot both succeed. A reset ends every
session the account had: a new passphrase is what one asks for when someone else may know the old.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from conceptgraph.reflections.accounts import Account, account_by_id, check_name, hash_passphrase, name_key
from conceptgraph.reflections.cohorts import find_cohort, require_open
from conceptgraph.reflections.database import Database, digest, new_id, now
from conceptgraph.reflections.errors import Invalid, InvitationInvalid, NotFound
from conceptgraph.reflections.schema import ROLES, accounts, cohorts, invitations, sessions

VALID_FOR = timedelta(days=14)
MAX_COUNT = 500


@dataclass(frozen=True)
class Invitation:
    """What the join page shows: the cohort, the role, and for a reset the account's name."""

    cohort_slug: str
    cohort_title: str
    role: str
    expires_at: datetime
    resets: str | None  # the display name whose passphrase the invitation resets


def issue_invitations(
    db: Database,
    slug: str,
    *,
    count: int = 1,
    role: str = "participant",
    reset_name: str | None = None,
    valid_for: timedelta = VALID_FOR,
) -> list[str]:
    """`count` new tokens for the cohort (one, for the account named `reset_name`, that resets its
    passphrase). The tokens are returned once and never stored. Raises Invalid, NotFound, CohortClosed."""
    if not 1 <= count <= MAX_COUNT:
        raise Invalid("count", f"give a number of invitations from 1 to {MAX_COUNT}, not {count}")
    if role not in ROLES:
        raise Invalid("role", f"{role!r} is not a role: {' or '.join(ROLES)}")
    tokens = [secrets.token_urlsafe(16) for _ in range(count)]
    with db.write() as connection:
        cohort = find_cohort(connection, slug)
        require_open(connection, cohort.id)
        account_id = None
        if reset_name is not None:
            if count != 1:
                raise Invalid("count", "a reset invitation is one link for one account")
            account_id, role = _account_named(connection, cohort.id, reset_name)
        created = now()
        rows = [
            {
                "token_hash": digest(t),
                "cohort_id": cohort.id,
                "role": role,
                "account_id": account_id,
                "created_at": created,
                "expires_at": created + valid_for,
                "used_at": None,
            }
            for t in tokens
        ]
        connection.execute(invitations.insert(), rows)
    return tokens


def _account_named(connection: Connection, cohort_id: str, name: str) -> tuple[str, str]:
    query = select(accounts.c.id, accounts.c.role).where(
        accounts.c.cohort_id == cohort_id, accounts.c.name_key == name_key(name)
    )
    row = connection.execute(query).first()
    if row is None:
        raise NotFound(f"reset: the cohort has no account named {name!r}")
    return str(row.id), str(row.role)


def invitation_for(db: Database, token: str) -> Invitation:
    """The open invitation of `token`; InvitationInvalid if it is unknown, used or expired."""
    query = (
        select(invitations, cohorts.c.slug, cohorts.c.title, accounts.c.name)
        .join(cohorts, cohorts.c.id == invitations.c.cohort_id)
        .outerjoin(accounts, accounts.c.id == invitations.c.account_id)
        .where(invitations.c.token_hash == digest(token), invitations.c.used_at.is_(None))
        .where(invitations.c.expires_at > now())
    )
    with db.read() as connection:
        row = connection.execute(query).first()
    if row is None:
        raise InvitationInvalid()
    return Invitation(row.slug, row.title, row.role, row.expires_at, row.name)


def redeem_invitation(db: Database, token: str, *, passphrase: str, name: str | None = None) -> Account:
    """Use the invitation: a new account named `name`, or, for a reset invitation, a new passphrase
    for its account (`name` is then ignored) and the end of every session it had. Raises
    InvitationInvalid, Invalid (`name`, `passphrase`: a taken or malformed name, a short
    passphrase), CohortClosed."""
    hashed = hash_passphrase(passphrase)  # before the transaction: it takes a while, on purpose
    when = now()
    with db.write() as connection:
        claim = (
            update(invitations)
            .where(invitations.c.token_hash == digest(token), invitations.c.used_at.is_(None))
            .where(invitations.c.expires_at > when)
            .values(used_at=when)
            .returning(invitations.c.cohort_id, invitations.c.role, invitations.c.account_id)
        )
        row = connection.execute(claim).first()
        if row is None:
            raise InvitationInvalid()
        require_open(connection, row.cohort_id)
        if row.account_id is not None:
            connection.execute(update(accounts).where(accounts.c.id == row.account_id).values(passphrase_hash=hashed))
            # whoever knew the old passphrase may still be signed in somewhere: no session outlives it
            connection.execute(delete(sessions).where(sessions.c.account_id == row.account_id))
            return account_by_id(connection, row.account_id)
        return _new_account(connection, row.cohort_id, row.role, name, hashed)


def _new_account(connection: Connection, cohort_id: str, role: str, name: str | None, hashed: str) -> Account:
    shown = check_name(name)
    account_id = new_id()
    values = {
        "id": account_id,
        "cohort_id": cohort_id,
        "name": shown,
        "name_key": name_key(shown),
        "role": role,
        "passphrase_hash": hashed,
        "created_at": now(),
    }
    try:  # the error rolls the whole transaction back: the invitation stays unused
        connection.execute(accounts.insert().values(**values))
    except IntegrityError:
        raise Invalid("name", f"the name {shown!r} is taken in this cohort; choose another") from None
    return account_by_id(connection, account_id)
