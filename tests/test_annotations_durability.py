"""Nothing acknowledged is lost: a `kill -9` right after a 201, and 20 participants posting at once,
on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.annotation_http import Person, World, cheap_hashing, path_of, post, send, sign_in, start_server, world
from tests.conftest import DATABASES


def children(pid: int) -> list[int]:
    """The processes `pid` started (Granian's worker), from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.fixture(params=DATABASES)
def fresh_world(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    with world(request.param, tmp_path, request) as made:
        yield made


def test_kill_9_right_after_a_201_loses_nothing(fresh_world: World) -> None:
    anne = fresh_world.people["a1"]
    created = post(fresh_world.server, anne, "Skrevet lige før nedbruddet")
    assert created.status == 201
    process = fresh_world.server.process
    for pid in [*children(process.pid), process.pid]:
        os.kill(pid, signal.SIGKILL)
    process.wait(10)
    fresh_world.server = start_server(fresh_world.root, fresh_world.url)
    read = send(fresh_world.server, "GET", path_of(created), anne)
    assert read.status == 200 and read.headers["etag"] == created.headers["etag"]
    assert read.json()["body"][0]["value"] == "Skrevet lige før nedbruddet"  # type: ignore[index]


def test_twenty_participants_posting_at_once_lose_nothing(fresh_world: World) -> None:
    with cheap_hashing():
        crowd = [sign_in(fresh_world.db, "hold-a", f"Deltager {n}") for n in range(20)]

    def write(person: Person) -> str:
        reply = post(fresh_world.server, person, f"Refleksion af {person.label}", visibility="cohort")
        assert reply.status == 201, reply.text
        return path_of(reply)

    with ThreadPoolExecutor(20) as pool:
        paths = list(pool.map(write, crowd))
    facilitator = fresh_world.people["fa"]
    listed: Any = send(fresh_world.server, "GET", "/annotations/", facilitator).json()
    assert listed["total"] == 20
    texts = {item["body"][0]["value"] for item in listed["first"]["items"]}
    assert texts == {f"Refleksion af {person.label}" for person in crowd}
    assert len(set(paths)) == 20
