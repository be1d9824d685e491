"""Sessions that survive a restart: a random id in the cookie, only its SHA-256 in the database.

Each session has its own CSRF token (stored as it is: it is no secret from its owner, and alone it
opens nothing). A session ends when signed out, after `IDLE` without use, or `LIFETIME` after it
began; signing in rotates: the session the browser had before is ended.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, select, update

from conceptgraph.reflections.accounts import Account, account_by_id
from conceptgraph.reflections.database import Database, digest, now
from conceptgraph.reflections.schema import sessions

IDLE = timedelta(days=14)
LIFETIME = timedelta(days=120)
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often, not at every request


@dataclass(frozen=True)
class Session:
    """A signed-in browser: the cookie value (`token`, only in a new session), the account, its CSRF token."""

    account: Account
    csrf_token: str
    token: str | None = None

    def csrf_ok(self, given: str | None) -> bool:
        """Whether a request's CSRF token (form field or X-CSRF-Token header) is this session's."""
        return given is not None and hmac.compare_digest(given.encode(), self.csrf_token.encode())


def start_session(db: Database, account: Account, *, replacing: str | None = None) -> Session:
    """A new session for `account` (after sign-in or redeeming an invitation); the session of the
    cookie `replacing` is ended, so a session id known before sign-in is worthless after it."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    when = now()
    with db.write() as connection:
        if replacing:
            connection.execute(delete(sessions).where(sessions.c.id_hash == digest(replacing)))
        connection.execute(
            sessions.insert().values(
                id_hash=digest(token), account_id=account.id, csrf_token=csrf, created_at=when, last_seen_at=when
            )
        )
    return Session(account, csrf, token)


def session_for(db: Database, token: str | None) -> Session | None:
    """The live session of a cookie value, or None (no cookie, unknown, expired, account erased)."""
    if not token:
        return None
    when = now()
    with db.read() as connection:
        row = connection.execute(select(sessions).where(sessions.c.id_hash == digest(token))).first()
        if row is None or row.last_seen_at < when - IDLE or row.created_at < when - LIFETIME:
            return None
        found = Session(account_by_id(connection, row.account_id), row.csrf_token)
    if row.last_seen_at < when - TOUCH_EVERY:
        with db.write() as connection:
            connection.execute(update(sessions).where(sessions.c.id_hash == row.id_hash).values(last_seen_at=when))
    return found


def end_session(db: Database, token: str | None) -> None:
    """Sign out: the session of this cookie value ends (nothing happens for an unknown one)."""
    if token:
        with db.write() as connection:
            connection.execute(delete(sessions).where(sessions.c.id_hash == digest(token)))


def end_stale_sessions(db: Database) -> int:
    """Delete every expired session; returns how many (the web side may call it now and then)."""
    when = now()
    with db.write() as connection:
        stale = or_(sessions.c.last_seen_at < when - IDLE, sessions.c.created_at < when - LIFETIME)
        return int(connection.execute(delete(sessions).where(stale)).rowcount)
