"""A real server with a reflections database of two cohorts, and people who join it as a
browser would: open the invitation, choose a name and passphrase, keep the session cookie."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from conceptgraph.reflections.cohorts import create_cohort
from conceptgraph.reflections.database import Database, open_database
from conceptgraph.reflections.invitations import issue_invitations
from conceptgraph.reflections.migrations import migrate
from tests.conftest import QUESTION
from tests.postgres import Postgres
from tests.reflections_people import PASSPHRASE
from tests.server import RunningServer

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
COHORTS = {"hold-a": "Hold A efterår", "hold-b": "Hold B forår"}
LINKED = ("stoej", "den-potentielle-organisation")  # two of QUESTION's own cg:addresses


@dataclass
class Site:
    server: RunningServer
    db: Database
    url: str
    clients: list[httpx.Client] = field(default_factory=list)

    def invite(self, slug: str, role: str = "participant", reset_name: str | None = None) -> str:
        (token,) = issue_invitations(self.db, slug, role=role, reset_name=reset_name)
        return token

    def join(self, slug: str, name: str, role: str = "participant") -> Person:
        """A new person of the cohort, signed in through the join page."""
        client = self.visitor()
        answer = client.post(
            f"/join/{self.invite(slug, role)}",
            data={"name": name, "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE},
        )
        assert answer.status_code == 303, answer.text
        return Person(client, name, client.get("/me", headers=JSON).json()["csrf_token"])

    def visitor(self) -> httpx.Client:
        """A browser without a session (closed when the site stops)."""
        client = httpx.Client(base_url=self.server.url, headers=HTML, timeout=30)
        self.clients.append(client)
        return client


@dataclass
class Person:
    client: httpx.Client
    name: str
    csrf: str

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.client.get(path, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, data: dict[str, object], *, csrf: bool = True) -> httpx.Response:
        return self.client.post(path, data={**data, **({"csrf_token": self.csrf} if csrf else {})})


def write(person: Person, text: str, *, visibility: str = "private", links: tuple[str, ...] = LINKED) -> str:
    """Write a reflection to QUESTION through the form, with a reason for each link; its id."""
    data: dict[str, object] = {"text": text, "language": "da", "visibility": visibility, "link": list(links)}
    data.update({f"reason-{slug}": f"Fordi {slug} hænger sammen med min praksis." for slug in links})
    answer = person.post(f"/questions/{QUESTION}/reflect", data)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"].split("#reflection-")[1]


def reflection_ids(html: str) -> list[str]:
    """The ids of the reflections a page shows."""
    return re.findall(r'id="reflection-([^"]+)"', html)


def start_site(kind: str, root: Path, request: pytest.FixtureRequest, settings: dict[str, str]) -> Iterator[Site]:
    """A server on a new SQLite file or PostgreSQL database with the two cohorts made."""
    if kind == "sqlite":
        url = f"sqlite:///{root / 'reflections.sqlite3'}"
    else:
        cluster: Postgres = request.getfixturevalue("postgres")
        url = cluster.create_database(f"p{uuid.uuid4().hex}")
    db = open_database(url)
    migrate(db)
    for slug, title in COHORTS.items():
        create_cohort(db, slug, title=title)
    server = RunningServer(root / "build", {**settings, "reflections_db": url})
    try:
        site = Site(server, db, url)
        yield site
    finally:
        for client in site.clients:
            client.close()
        server.stop()
        db.close()
