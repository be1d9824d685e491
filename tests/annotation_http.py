"""People and a real server for the `/annotations/` and `/me` HTTP tests.

Two cohorts with two participants each, a facilitator of the first, and a visitor (no cookie).
Accounts are made through invitations and signed in with `start_session` on the very database the
server uses, so each test talks to the server as those people's browsers would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from conceptgraph.reflections import accounts
from conceptgraph.reflections.annotation_json import ANNO_CONTEXT, MEDIA_TYPE
from conceptgraph.reflections.cohorts import create_cohort
from conceptgraph.reflections.database import Database, open_database
from conceptgraph.reflections.invitations import issue_invitations, redeem_invitation
from conceptgraph.reflections.migrations import migrate
from conceptgraph.reflections.sessions import start_session
from conceptgraph.vocab import DEFAULT_BASE
from tests.postgres import Postgres
from tests.reflections_people import PASSPHRASE
from tests.server import Reply, RunningServer, fetch

QUESTION = f"{DEFAULT_BASE}id/hvad-vil-du-goere-i-morgen"
CONCEPT = f"{DEFAULT_BASE}id/den-potentielle-organisation"
# Every test client comes from 127.0.0.1; twenty participants at once must not share one address's slots.
SETTINGS = {"query_workers": "1", "max_query_bytes": "65536", "client_io_slots": "32", "client_share": "32"}


@dataclass
class Person:
    """Someone at a browser: a name, a cookie and CSRF token (none for the visitor)."""

    label: str
    cookie: str | None = None
    csrf: str | None = None
    account_id: str | None = None
    cohort: str | None = None

    def headers(self, *, csrf: bool = True) -> dict[str, str]:
        found = {"Accept": MEDIA_TYPE}
        if self.cookie:
            found["Cookie"] = f"cg_session={self.cookie}"
        if csrf and self.csrf:
            found["X-CSRF-Token"] = self.csrf
        return found


def reflections_url(param: str, root: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty reflections database: a SQLite file under `root`, or one on the cluster."""
    if param == "sqlite":
        return f"sqlite:///{root / 'reflections.sqlite3'}"
    cluster: Postgres = request.getfixturevalue("postgres")
    return cluster.create_database(f"t{uuid.uuid4().hex}")


@contextmanager
def cheap_hashing() -> Iterator[None]:
    """argon2id at its lowest cost in this process, so the tests' accounts take milliseconds."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


def open_migrated(url: str) -> Database:
    db = open_database(url)
    migrate(db)
    return db


def sign_in(db: Database, slug: str, name: str, role: str = "participant") -> Person:
    """A new member of the cohort, signed in: their cookie and CSRF token."""
    (token,) = issue_invitations(db, slug, role=role)
    account = redeem_invitation(db, token, name=name, passphrase=PASSPHRASE)
    session = start_session(db, account)
    return Person(name, session.token, session.csrf_token, account.id, slug)


def people(db: Database) -> dict[str, Person]:
    """Two cohorts of two participants, a facilitator of the first, a visitor."""
    create_cohort(db, "hold-a", title="Hold A")
    create_cohort(db, "hold-b", title="Hold B")
    found = {
        "a1": sign_in(db, "hold-a", "Anne"),
        "a2": sign_in(db, "hold-a", "Bo"),
        "b1": sign_in(db, "hold-b", "Carl"),
        "b2": sign_in(db, "hold-b", "Dorte"),
        "fa": sign_in(db, "hold-a", "Facilitator", "facilitator"),
        "visitor": Person("visitor"),
    }
    return found


def start_server(root: Path, url: str) -> RunningServer:
    return RunningServer(root / "build", {**SETTINGS, "reflections_db": url})


def annotation(text: str, *, visibility: str = "private", links: int = 1, target: str = QUESTION) -> dict[str, Any]:
    """An Annotation as a client posts it: the text and `links` links to the concept."""
    link = {"type": "SpecificResource", "purpose": "linking", "source": CONCEPT, "cg:rationale": "Fordi den passer."}
    return {
        "@context": ANNO_CONTEXT,
        "type": "Annotation",
        "body": [{"type": "TextualBody", "value": text, "language": "da", "format": "text/plain"}]
        + [dict(link) for _ in range(links)],
        "target": target,
        "cg:visibility": visibility,
    }


def send(
    server: RunningServer,
    method: str,
    path: str,
    person: Person,
    document: Any = None,
    *,
    csrf: bool = True,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request as `person` (with their CSRF token unless `csrf=False`)."""
    data = None if document is None else json.dumps(document).encode()
    sent = person.headers(csrf=csrf)
    if data is not None:
        sent["Content-Type"] = MEDIA_TYPE
    return fetch(f"{server.url}{path}", method=method, data=data, headers={**sent, **(headers or {})})


def post(server: RunningServer, person: Person, text: str, **options: Any) -> Reply:
    return send(server, "POST", "/annotations/", person, annotation(text, **options))


def path_of(reply: Reply) -> str:
    """The path of a created annotation, from its Location."""
    return "/annotations/" + reply.headers["location"].rsplit("/", 1)[1]


@dataclass
class World:
    """A running server on a reflections database, with its people."""

    server: RunningServer
    db: Database
    url: str
    people: dict[str, Person]
    root: Path


@contextmanager
def world(param: str, root: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    """The people on a new database of kind `param`, and a server on it; all stopped at the end."""
    url = reflections_url(param, root, request)
    with cheap_hashing():
        db = open_migrated(url)
        found = people(db)
    made = World(start_server(root, url), db, url, found, root)
    try:
        yield made
    finally:
        made.server.stop()  # the one running now: a test may have restarted it
        db.close()
