"""The query worker pool, with real worker processes: forked from a zygote for in-memory data,
spawned for an on-disk store; killed on overrun or at the memory limit and replaced; updates reach
every worker or none; replies never reach the wrong request; a killed zygote comes back."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conceptgraph.sparql.pool import PoolBusy, QueryTimeout, WorkerCrashed, WorkerPool
from conceptgraph.sparql.worker import Limits, Task, UpdateTask
from conceptgraph.store.load_files import Files
from conceptgraph.store.new_store import load_new_store
from tests.test_http_limits import doubling

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
INSERT = 'INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> "added" } }'
ADDED = 'ASK { <http://e/s> <http://e/p> "added" }'
SIZE = 3
LIMITS = Limits(max_bytes=2**20, memory_mb=200, allow_unsandboxed=False)
# Trillions of solutions to count (an update's default graph is the unnamed one: the data is in
# named graphs): far past the short limits below.
SLOW_INSERT = (
    "INSERT { GRAPH <http://e/g> { <http://e/s> <http://e/p> ?n } } WHERE { SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"GRAPH ?g{i} {{ ?s{i} ?p{i} ?o{i} }}" for i in range(5))
    + " } }"
)


def _ask(query: str) -> Task:
    return Task(
        query=query,
        table_type="application/sparql-results+json",
        graph_type="text/turtle",
        max_rows=100,
        max_bytes=65536,
        max_depth=64,
    )


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
    running = WorkerPool(source, SIZE, LIMITS)
    yield running
    running.close()


@pytest.fixture
def forked(tmp_path: Path) -> Iterator[WorkerPool]:
    running = WorkerPool(Files((str(_data(tmp_path)),), "http://e/"), SIZE, LIMITS)
    yield running
    running.close()


def _quiet(*_: object) -> None:
    """Progress and reports of the test's own load are not what is tested."""


def _each_worker_answers(pool: WorkerPool, query: str) -> list[object]:
    """Every idle worker's own answer (taken off the idle stack together, so none answers twice):
    an ASK's boolean, or a SELECT's first binding."""
    held = [pool._idle.get(timeout=30) for _ in range(SIZE)]
    try:
        answers = []
        for tag, worker in enumerate(held):
            data = json.loads(worker.ask(tag, _ask(query), 30)["body"])
            answers.append(data["boolean"] if "boolean" in data else data["results"]["bindings"][0])
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
    (reply,) = forked.broadcast(UpdateTask(INSERT), timeout=10, wait=5)
    assert reply["updated"] is True
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


def test_an_update_runs_once_so_every_worker_holds_the_same_data(forked: WorkerPool) -> None:
    forked.broadcast(UpdateTask(STRUUID_INSERT), timeout=10, wait=5)
    values = _each_worker_answers(forked, "SELECT ?u WHERE { <http://e/s> <http://e/uuid> ?u }")
    assert len({json.dumps(v) for v in values}) == 1, values


STRUUID_INSERT = "INSERT { GRAPH <http://e/g> { <http://e/s> <http://e/uuid> ?u } } WHERE { BIND(STRUUID() AS ?u) }"


def test_an_update_that_overruns_changes_nothing_and_leaves_no_reply_behind(forked: WorkerPool) -> None:
    with pytest.raises(QueryTimeout):
        forked.broadcast(UpdateTask(SLOW_INSERT), timeout=0.3, wait=5)
    reply = forked.run(_ask(ADDED), timeout=30, wait=5)  # its own answer, not an update's reply
    assert json.loads(reply["body"]) == {"head": {}, "boolean": False}
    assert _each_worker_answers(forked, "ASK { <http://e/s> <http://e/p> ?n }") == [False] * SIZE
    with pytest.raises(QueryTimeout):
        forked.run(_ask(EXPENSIVE), timeout=0.5, wait=5)
    _wait_for_replacement(forked, 0)
    assert _each_worker_answers(forked, "ASK { <http://e/s> <http://e/p> ?n }") == [False] * SIZE


def test_an_update_while_a_worker_is_busy_changes_nothing(forked: WorkerPool) -> None:
    busy = threading.Thread(target=_overrun, args=(forked, 2.0))
    busy.start()
    time.sleep(0.3)
    with pytest.raises(PoolBusy, match="nothing changed"):
        forked.broadcast(UpdateTask(INSERT), timeout=10, wait=0.5)
    busy.join()
    _wait_for_replacement(forked, 0)  # forked from the zygote after the refused update
    assert _each_worker_answers(forked, ADDED) == [False] * SIZE


def _overrun(pool: WorkerPool, limit: float) -> None:
    with pytest.raises(QueryTimeout):
        pool.run(_ask(EXPENSIVE), timeout=limit, wait=5)


def test_a_reply_left_in_a_pipe_never_answers_a_later_request(forked: WorkerPool) -> None:
    """Whatever leaves a reply unread (a request that gave up), the tag keeps it from the next."""
    held = [forked._idle.get(timeout=5) for _ in range(SIZE)]
    for worker in held:
        worker.conn.send((-1, _ask("ASK { <http://e/s1> ?p ?o }")))  # asked, never read
        forked._idle.put(worker)
    for _ in range(SIZE):
        reply = forked.run(_ask("ASK { <http://e/nothing> ?p ?o }"), timeout=30, wait=5)
        assert json.loads(reply["body"])["boolean"] is False


def test_a_killed_zygote_comes_back_with_the_accepted_updates(forked: WorkerPool) -> None:
    assert forked._zygote is not None
    forked.broadcast(UpdateTask(INSERT), timeout=10, wait=5)
    first = forked._zygote._process.pid
    os.kill(first, signal.SIGKILL)
    for done in range(SIZE + 1):  # more replacements than there were workers
        with pytest.raises(QueryTimeout):
            forked.run(_ask(EXPENSIVE), timeout=0.3, wait=30)
        _wait_for_replacement(forked, done)
    assert forked._zygote._process.pid != first
    assert _each_worker_answers(forked, ADDED) == [True] * SIZE


def test_a_worker_over_its_memory_limit_is_replaced(forked: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed, match="200 MB"):
        forked.run(_ask(doubling(24)), timeout=30, wait=5)  # a 256 MB string
    _wait_for_replacement(forked, 0)
    assert _each_worker_answers(forked, "ASK { <http://e/s1> ?p ?o }") == [True] * SIZE


def test_an_answer_stops_at_the_byte_cap(pool: WorkerPool) -> None:
    reply = pool.run(
        _ask(doubling(14) + " VALUES ?x { 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 }"), timeout=30, wait=5
    )
    assert reply["truncated"] == "bytes" and 0 < reply["rows"] < 20
    assert len(reply["body"]) <= LIMITS.max_bytes
    assert json.loads(reply["body"])["byteLimit"] == LIMITS.max_bytes
