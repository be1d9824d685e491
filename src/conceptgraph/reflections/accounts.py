"""Accounts: a display name and a passphrase within one cohort; sign-in with rate limits; erasure.

Passphrases are hashed with argon2id (argon2-cffi's defaults: 64 MiB, 3 passes), outside any
transaction, since hashing is slow on purpose. Failed sign-ins are counted per name and per
address over a sliding window (each attempt written down before its check, so attempts sent at
once count as attempts in a row do); the counted keys are stored as SHA-256 hashes and kept only
as long as the window, so the table is no log of who tried what.
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
    address failed too often in the last 15 minutes (checked first), SignInFailed otherwise.

    The attempt is written down before the slow passphrase check, not after it: attempts sent at
    once then see each other, and get no more guesses than attempts sent one after another."""
    keys = {"name": digest(f"name:{slug}:{name_key(name)}"), "address": digest(f"address:{address}")}
    attempt = _count_attempt(db, keys)
    query = select(accounts.c.id, accounts.c.passphrase_hash).join(cohorts, cohorts.c.id == accounts.c.cohort_id)
    query = query.where(cohorts.c.slug == slug, accounts.c.name_key == name_key(name))
    with db.read() as connection:
        row = connection.execute(query).first()
    if not _verify(row.passphrase_hash if row else None, passphrase) or row is None:
        raise SignInFailed()  # the attempt stays written down: it is a failure now
    with db.write() as connection:
        # the name's failures are forgiven; the address keeps its others (a room shares one address)
        forgiven = (signin_failures.c.key_hash == keys["name"]) | (signin_failures.c.id == attempt["address"])
        connection.execute(delete(signin_failures).where(forgiven))
        if HASHER.check_needs_rehash(row.passphrase_hash):
            fresh = HASHER.hash(passphrase)
            connection.execute(update(accounts).where(accounts.c.id == row.id).values(passphrase_hash=fresh))
        return account_by_id(connection, row.id)


def _count_attempt(db: Database, keys: dict[str, str]) -> dict[str, str]:
    """Write this attempt down under each key (committed), then count: past a key's limit, this
    attempt included, it is taken back and refused (RateLimited). The ids of its records. A key
    already at its limit is refused before anything is written, so a flood of refused attempts
    costs reads only, never SQLite's write lock."""
    _refuse_past(db, keys, already=True)
    when = now()
    ids = {kind: new_id() for kind in keys}
    with db.write() as connection:
        connection.execute(delete(signin_failures).where(signin_failures.c.failed_at < when - WINDOW))
        rows = [{"id": ids[kind], "key_hash": key, "failed_at": when} for kind, key in keys.items()]
        connection.execute(insert(signin_failures), rows)
    try:
        _refuse_past(db, keys, already=False)
    except RateLimited:
        with db.write() as connection:
            connection.execute(delete(signin_failures).where(signin_failures.c.id.in_(list(ids.values()))))
        raise
    return ids


def _refuse_past(db: Database, keys: dict[str, str], *, already: bool) -> None:
    """RateLimited when a key has more attempts in the window than its limit allows (`already`:
    when it has as many as its limit, before this attempt is written down)."""
    limits = {"name": MAX_FAILURES_PER_NAME, "address": MAX_FAILURES_PER_ADDRESS}
    with db.read() as connection:
        waits = [_wait(connection, keys[kind], limit - 1 if already else limit) for kind, limit in limits.items()]
    if any(waits):
        raise RateLimited(max(waits))


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


def _wait(connection: Connection, key: str, limit: int) -> int:
    """Seconds until `key` has no more than `limit` attempts in the window; 0 when it has no more now."""
    query = select(func.count(), func.min(signin_failures.c.failed_at)).where(
        signin_failures.c.key_hash == key, signin_failures.c.failed_at >= now() - WINDOW
    )
    count, oldest = connection.execute(query).one()
    return max(1, int((oldest + WINDOW - now()).total_seconds()) + 1) if count > limit else 0


def erase_account(db: Database, account_id: str) -> None:
    """Delete the account and everything of theirs: reflections, links, history, sessions and
    invitations that would reset it (cascades). Works in a closed cohort too: erasure is theirs."""
    with db.write() as connection:
        if connection.execute(delete(accounts).where(accounts.c.id == account_id)).rowcount != 1:
            raise NotFound("account: no such account (it may have been erased)")
    db.forget_deleted()
