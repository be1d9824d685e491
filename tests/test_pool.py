"""The query worker pool, with real worker processes: forked from a zygote for in-memory data,
spawned for an on-disk store; killed on overrun and replaced; updates reach every worker."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conceptgraph.fresh_load import load_new_store
from conceptgraph.loading import Files
from conceptgraph.sparql.pool import QueryTimeout, WorkerPool
from conceptgraph.sparql.worker import Task, UpdateTask

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
INSERT = 'INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> "added" } }'
ADDED = 'ASK { <http://e/s> <http://e/p> "added" }'
SIZE = 3


def _ask(query: str) -> Task:
    return Task(query, "application/sparql-results+json", 100, None, ())


def _data(folder: Path) -> Path:
    data = folder / "data.nt"
    data.write_text("".join(f'<http://e/s{i}> <http://e/p> "v{i}" .\n' for i in range(300)), encoding="utf-8")
    return data


@pytest.fixture(params=["forked", "spawned"])
def pool(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WorkerPool]:
    """Workers forked from a zygote (in-memory data) or spawned (each opens a store on disk)."""
    data = _data(tmp_path)
    if request.param == "forked":
        source: str | Files = Files((str(data),), "http://e/")
    else:
        load_new_store(tmp_path / "store", [data], graph=None, base="http://e/", progress=_quiet, report=_quiet)
        source = f"oxigraph:{tmp_path / 'store'}"
    running = WorkerPool(source, SIZE)
    yield running
    running.close()


@pytest.fixture
def forked(tmp_path: Path) -> Iterator[WorkerPool]:
    running = WorkerPool(Files((str(_data(tmp_path)),), "http://e/"), SIZE)
    yield running
    running.close()


def _quiet(*_: object) -> None:
    """Progress and reports of the test's own load are not what is tested."""


def _each_worker_answers(pool: WorkerPool, query: str) -> list[bool]:
    """Every idle worker's own answer (taken off the idle stack together, so none answers twice)."""
    held = [pool._idle.get(timeout=30) for _ in range(SIZE)]
    try:
        answers = []
        for worker in held:
            worker.conn.send(_ask(query))
            answers.append(json.loads(worker.conn.recv()["body"])["boolean"])
        return answers
    finally:
        for worker in held:
            pool._idle.put(worker)


def _wait_for_replacement(pool: WorkerPool, before: int) -> None:
    deadline = time.monotonic() + 60
    while pool.replaced == before:
        assert time.monotonic() < deadline, "the killed worker was never replaced"
        time.sleep(0.05)


def test_an_overrunning_worker_is_killed_and_replaced(pool: WorkerPool) -> None:
    pids = {w.info["pid"] for w in pool._workers}
    with pytest.raises(QueryTimeout):
        pool.run(_ask(EXPENSIVE), timeout=0.5, wait=5)
    _wait_for_replacement(pool, 0)
    now = {w.info["pid"] for w in pool._workers}
    assert len(now) == SIZE and len(now - pids) == 1
    (killed,) = pids - now
    with pytest.raises(ProcessLookupError):
        os.kill(killed, 0)  # gone, and reaped: no zombie keeps its pid
    assert _each_worker_answers(pool, "ASK { <http://e/s1> ?p ?o }") == [True] * SIZE


def test_an_update_reaches_every_worker_and_every_later_replacement(forked: WorkerPool) -> None:
    replies = forked.broadcast(UpdateTask(INSERT), timeout=10, wait=5)
    assert replies == [{"updated": True}] * SIZE
    assert _each_worker_answers(forked, ADDED) == [True] * SIZE
    with pytest.raises(QueryTimeout):
        forked.run(_ask(EXPENSIVE), timeout=0.5, wait=5)
    _wait_for_replacement(forked, 0)
    assert _each_worker_answers(forked, ADDED) == [True] * SIZE  # the replacement too


def test_workers_forked_from_the_zygote_are_its_children(forked: WorkerPool) -> None:
    assert forked._zygote is not None
    zygote = forked._zygote._process
    for worker in forked._workers:
        assert f"PPid:\t{zygote.pid}\n" in Path(f"/proc/{worker.info['pid']}/status").read_text()
    pids = [w.info["pid"] for w in forked._workers]
    forked.close()
    assert zygote.exitcode is not None
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
