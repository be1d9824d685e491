"""Accounts: a display name and a passphrase within one cohort; sign-in with rate limits; erasure.

Passphrases are hashed with argon2id (argon2-cffi's defaults: 64 MiB, 3 passes), outside any
transaction, since hashing is slow on purpose. Failed sign-ins are counted per name and per
address over a sliding window; the counted keys are stored as SHA-256 hashes and kept only as long
as the window, so the table is no log of who tried what.
"""

from __future__ import annotations

import functools
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update

from conceptgraph.reflections.database import Database, digest, new_id, now
from conceptgraph.reflections.errors import Invalid, NotFound, RateLimited, SignInFailed
from conceptgraph.reflections.schema import accounts, cohorts, signin_failures
from conceptgraph.reflections.visibility import Viewer

MIN_PASSPHRASE, MAX_PASSPHRASE = 8, 1024
MAX_NAME = 60
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended profile


@dataclass(frozen=True)
class Account:
    id: str
    cohort_id: str
    cohort_slug: str
    name: str
    role: str
    created_at: datetime

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.id, self.cohort_id, self.role)


def check_name(name: str | None) -> str:
    """The display name as shown (trimmed, NFC); Invalid (`name`) when empty, too long or odd."""
    shown = unicodedata.normalize("NFC", (name or "").strip())
    if not 1 <= len(shown) <= MAX_NAME or any(unicodedata.category(c).startswith("C") for c in shown):
        raise Invalid("name", f"choose a display name of 1 to {MAX_NAME} characters, without control characters")
    return shown


def name_key(name: str) -> str:
    """What makes two names the same in a cohort: case and Unicode forms ignored."""
    return unicodedata.normalize("NFKC", name.strip()).casefold()


def hash_passphrase(passphrase: str) -> str:
    """The argon2id hash of a passphrase; Invalid (`passphrase`) when shorter than 8 characters."""
    if not MIN_PASSPHRASE <= len(passphrase) <= MAX_PASSPHRASE:
        raise Invalid("passphrase", f"choose a passphrase of at least {MIN_PASSPHRASE} characters")
    return HASHER.hash(passphrase)


def account_by_id(connection: Connection, account_id: str) -> Account:
    """The account of that id; NotFound if it was erased."""
    query = select(accounts, cohorts.c.slug).join(cohorts, cohorts.c.id == accounts.c.cohort_id)
    row = connection.execute(query.where(accounts.c.id == account_id)).first()
    if row is None:
        raise NotFound("account: no such account (it may have been erased)")
    return Account(row.id, row.cohort_id, row.slug, row.name, row.role, row.created_at)


def sign_in(db: Database, slug: str, name: str, passphrase: str, *, address: str) -> Account:
    """The account, if cohort, name and passphrase match. Raises RateLimited when this name or this
    address failed too often in the last 15 minutes (checked first), SignInFailed otherwise."""
    keys = {"name": digest(f"name:{slug}:{name_key(name)}"), "address": digest(f"address:{address}")}
    query = select(accounts.c.id, accounts.c.passphrase_hash).join(cohorts, cohorts.c.id == accounts.c.cohort_id)
    query = query.where(cohorts.c.slug == slug, accounts.c.name_key == name_key(name))
    with db.read() as connection:
        _check_rate(connection, keys["name"], MAX_FAILURES_PER_NAME)
        _check_rate(connection, keys["address"], MAX_FAILURES_PER_ADDRESS)
        row = connection.execute(query).first()
    if not _verify(row.passphrase_hash if row else None, passphrase) or row is None:
        with db.write() as connection:
            when = now()
            connection.execute(delete(signin_failures).where(signin_failures.c.failed_at < when - WINDOW))
            rows = [{"id": new_id(), "key_hash": key, "failed_at": when} for key in keys.values()]
            connection.execute(insert(signin_failures), rows)
        raise SignInFailed()
    with db.write() as connection:
        connection.execute(delete(signin_failures).where(signin_failures.c.key_hash == keys["name"]))
        if HASHER.check_needs_rehash(row.passphrase_hash):
            fresh = HASHER.hash(passphrase)
            connection.execute(update(accounts).where(accounts.c.id == row.id).values(passphrase_hash=fresh))
        return account_by_id(connection, row.id)


def _verify(stored: str | None, passphrase: str) -> bool:
    """Whether the passphrase matches; with no account (None), as slow as a wrong passphrase."""
    try:
        return HASHER.verify(stored or _dummy_hash(), passphrase) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so that takes as long as a wrong passphrase."""
    return HASHER.hash(secrets.token_urlsafe(16))


def _check_rate(connection: Connection, key: str, limit: int) -> None:
    query = select(func.count(), func.min(signin_failures.c.failed_at)).where(
        signin_failures.c.key_hash == key, signin_failures.c.failed_at >= now() - WINDOW
    )
    count, oldest = connection.execute(query).one()
    if count >= limit:
        raise RateLimited(max(1, int((oldest + WINDOW - now()).total_seconds()) + 1))


def erase_account(db: Database, account_id: str) -> None:
    """Delete the account and everything of theirs: reflections, links, history, sessions and
    invitations that would reset it (cascades). Works in a closed cohort too: erasure is theirs."""
    with db.write() as connection:
        if connection.execute(delete(accounts).where(accounts.c.id == account_id)).rowcount != 1:
            raise NotFound("account: no such account (it may have been erased)")
