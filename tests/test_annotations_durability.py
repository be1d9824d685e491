"""Nothing acknowledged is lost: a `kill -9` right after a 201, 20 participants posting at once, and
one reflection changed from 20 tabs at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conceptgraph.reflections.schema import reflection_history
from tests.annotation_http import (
    Person,
    World,
    annotation,
    cheap_hashing,
    path_of,
    post,
    send,
    sign_in,
    start_server,
    world,
)
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


def test_twenty_participants_posting_at_once_lose_nothing(annotations_world: World) -> None:
    with cheap_hashing():
        crowd = [sign_in(annotations_world.db, "hold-a", f"Deltager {n}") for n in range(20)]
    start = threading.Barrier(20)

    def write(person: Person) -> str:
        start.wait()
        reply = post(annotations_world.server, person, f"Refleksion af {person.label}", visibility="cohort")
        assert reply.status == 201, reply.text
        return path_of(reply)

    with ThreadPoolExecutor(20) as pool:
        paths = list(pool.map(write, crowd))
    facilitator = annotations_world.people["fa"]
    listed: Any = send(annotations_world.server, "GET", "/annotations/", facilitator).json()
    assert listed["total"] == 20
    texts = {item["body"][0]["value"] for item in listed["first"]["items"]}
    assert texts == {f"Refleksion af {person.label}" for person in crowd}
    assert len(set(paths)) == 20


def test_one_reflection_changed_from_twenty_tabs_at_once_keeps_exactly_one_change(annotations_world: World) -> None:
    """Twenty PUTs with the same If-Match at once: one wins, the other nineteen are told 412 (none
    overwrites the winner unseen, none fails), and the history holds the one version replaced."""
    server, carl = annotations_world.server, annotations_world.people["b1"]
    created = post(server, carl, "Første udgave")
    path, etag = path_of(created), created.headers["etag"]
    start = threading.Barrier(20)

    def change(n: int) -> Any:
        start.wait()
        return send(server, "PUT", path, carl, annotation(f"Udgave {n}"), headers={"If-Match": etag})

    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(change, range(20)))
    assert sorted(reply.status for reply in replies) == [200] + [412] * 19, [r.text for r in replies]
    (winner,) = [n for n, reply in enumerate(replies) if reply.status == 200]
    current = send(server, "GET", path, carl)
    assert current.headers["etag"] == replies[winner].headers["etag"]
    assert current.json()["body"][0]["value"] == f"Udgave {winner}"  # type: ignore[index]
    with annotations_world.db.read() as connection:
        kept = connection.execute(
            select(reflection_history.c.version, reflection_history.c.body).where(
                reflection_history.c.reflection_id == path.rsplit("/", 1)[1]
            )
        ).all()
    assert [tuple(row) for row in kept] == [(1, "Første udgave")]


def test_a_change_and_a_delete_with_the_same_etag_at_once_never_both_succeed(annotations_world: World) -> None:
    """Ten reflections, each sent a PUT and a DELETE with the ETag last read, all twenty at once,
    five times over: each time one wins and the other is refused, so a delete never removes a
    version it did not see (the race is narrow, hence the rounds); the refusal says what the winner
    left, the version now or that the reflection is gone."""
    server, dorte = annotations_world.server, annotations_world.people["b2"]
    start = threading.Barrier(20)

    def attempt(job: tuple[str, Any]) -> Any:
        method, created = job
        document = annotation("Ændret") if method == "PUT" else None
        start.wait()
        return send(server, method, path_of(created), dorte, document, headers={"If-Match": created.headers["etag"]})

    for _ in range(5):
        made = [post(server, dorte, f"Tekst {n}") for n in range(10)]
        with ThreadPoolExecutor(20) as pool:
            replies = list(pool.map(attempt, [(method, created) for created in made for method in ("PUT", "DELETE")]))
        for n, created in enumerate(made):
            changed, deleted = replies[2 * n], replies[2 * n + 1]
            now = send(server, "GET", path_of(created), dorte)
            if changed.status == 200:  # the change came first: the delete had not seen it
                assert deleted.status == 412 and now.headers.get("etag") == changed.headers["etag"], deleted.status
                assert "it is at version 2" in deleted.json()["error"]  # type: ignore[index]
            else:  # the delete came first: nothing is left to change
                assert (changed.status, deleted.status, now.status) in ((404, 204, 404), (412, 204, 404))
                if changed.status == 412:  # it had read version 1, then waited for the delete
                    assert "deleted since you read it" in changed.json()["error"]  # type: ignore[index]
