"""The pool behind the public endpoint holds against hostile clients, over real HTTP.

Answers stop at a byte cap; a query that grows a huge string costs its worker (killed at its
memory limit, answered 503) and never the web process; one client address cannot hold every
worker (429); a killed zygote is replaced; a server whose workers cannot drop their network
refuses to start. Clients are told apart by address, so the tests connect from several loopback
addresses (127.0.0.2 … are loopback on Linux like 127.0.0.1).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import SERVER_SETTINGS
from tests.prebuilt import seed_build
from tests.server import Reply, RunningServer, fetch, free_port, stop_process
from tests.test_http_safety import EXPENSIVE, _descendants
from tests.virtuoso import Virtuoso

CAP = 8192
MEMORY_MB = 200
LIMITED = {
    **SERVER_SETTINGS,
    "query_workers": "3",
    "client_share": "1",
    "max_rows": "10000",
    "max_result_bytes": str(CAP),
    "worker_memory_mb": str(MEMORY_MB),
    "query_timeout": "20",
    "pool_wait": "3",
}
ATTACKER, OTHER = "127.0.0.2", "127.0.0.3"


def doubling(times: int) -> str:
    """A short query whose one answer is a string of 16 · 2^times characters (24: 256 MB)."""
    names = [f"?v{i}" for i in range(times + 1)]
    binds = " ".join(f"BIND(CONCAT({a},{a}) AS {b})" for a, b in zip(names, names[1:], strict=False))
    return f'SELECT {names[-1]} WHERE {{ BIND("0123456789abcdef" AS ?v0) {binds} }}'


BOMB = doubling(24)


def ask_from(
    address: str,
    server: RunningServer,
    query: str,
    *,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    **params: str,
) -> Reply:
    """One query over a connection from `address`, so the server sees that client address."""
    port = int(server.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(address, 0))
    try:
        arguments = urlencode({"query": query, **params})
        if method == "POST":
            sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
            connection.request("POST", "/sparql", body=arguments, headers=sent)
        else:
            connection.request("GET", f"/sparql?{arguments}", headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server with a tiny byte cap and memory limit, three workers and one per client."""
    running = RunningServer(tmp_path_factory.mktemp("limited") / "build", LIMITED)
    yield running
    running.stop()


def web_process(server: RunningServer) -> int:
    """The process that answers HTTP (Granian's worker, which holds the app)."""
    family = _descendants(server.process.pid)
    (pid,) = [p for p in family if b"conceptgraph\x00serve" in Path(f"/proc/{p}/cmdline").read_bytes()]
    return pid


def zygote(server: RunningServer) -> int:
    """The process that loaded the data and forks the query workers (a child of the web process
    that has children of its own)."""
    web = web_process(server)
    (pid,) = [p for p in _children(web) if _children(p)]
    return pid


def _children(pid: int) -> list[int]:
    return [int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]


def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def refused_properly(reply: Reply) -> bool:
    """A 4xx, or a 503 with Retry-After; either way the JSON error shape and no traceback."""
    if reply.status == 503 and "retry-after" not in reply.headers:
        return False
    if not (400 <= reply.status < 500 or reply.status == 503):
        return False
    body = reply.json()
    return isinstance(body, dict) and set(body) == {"error", "status"} and "Traceback" not in body["error"]


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+xml"),
        ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
        ("SELECT * WHERE { ?s ?p ?o }", "text/tab-separated-values"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/rdf+xml"),
    ],
)
def test_answers_stop_at_the_byte_cap_and_say_so(limited: RunningServer, query: str, accept: str) -> None:
    reply = ask_from(OTHER, limited, query, headers={"Accept": accept})
    assert reply.status == 200
    assert CAP // 2 < len(reply.body) <= CAP
    assert reply.headers["x-conceptgraph-truncated"] == f"true; bytes={CAP}"
    rows = int(reply.headers["x-conceptgraph-rows"])
    assert 0 < rows < 10000
    if accept.endswith("json") and query.startswith("SELECT"):
        data = reply.json()
        assert data["truncated"] is True and data["byteLimit"] == CAP
        assert len(data["results"]["bindings"]) == rows
    elif accept.endswith("json"):
        assert len(reply.json()) > 0  # whole JSON-LD, cut between resources
    elif accept.endswith("xml"):
        import xml.etree.ElementTree as ET

        ET.fromstring(reply.body)  # a complete document, cut between results
    elif accept == "text/csv":
        assert len(reply.text.rstrip("\r\n").split("\r\n")) == rows + 1


def test_a_string_doubling_query_costs_its_worker_not_the_service(limited: RunningServer) -> None:
    """800 bytes that would build a 256 MB answer: the worker hits its memory limit and is
    replaced; the client gets 503 with Retry-After; the web process never holds the answer."""
    assert len(BOMB) < 900
    web = web_process(limited)
    before = peak_memory_mb(web)
    replaced = fetch(f"{limited.url}/healthz").json()["query_workers_replaced"]
    reply = ask_from(ATTACKER, limited, BOMB)
    assert reply.status == 503 and reply.headers["retry-after"]
    message = reply.json()["error"]
    assert f"{MEMORY_MB} MB" in message and "memory" in message
    assert refused_properly(reply)
    assert peak_memory_mb(web) - before < 32
    deadline = time.monotonic() + 30
    while fetch(f"{limited.url}/healthz").json()["query_workers_replaced"] == replaced:
        assert time.monotonic() < deadline, "the worker over its memory limit was never replaced"
        time.sleep(0.1)
    whole = ask_from(OTHER, limited, doubling(8), headers={"Accept": "text/csv"})  # 4 KB: under the cap
    assert whole.status == 200 and "x-conceptgraph-truncated" not in whole.headers
    assert len(whole.text.split("\r\n")[1]) == 16 * 2**8


def test_one_client_cannot_hold_every_worker(limited: RunningServer) -> None:
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(ask_from, ATTACKER, limited, EXPENSIVE, timeout="4")
        time.sleep(0.5)
        assert not slow.done()
        over = ask_from(ATTACKER, limited, "ASK { ?s ?p ?o }")
        assert over.status == 429 and int(over.headers["retry-after"]) > 0
        assert refused_properly(over) and "at a time" in over.json()["error"]
        page = ask_from(ATTACKER, limited, "ASK { ?s ?p ?o }", method="POST", headers={"Accept": "text/html,*/*;q=0.8"})
        assert page.status == 429 and page.headers["content-type"].startswith("text/html")
        started = time.monotonic()
        assert ask_from(OTHER, limited, "ASK { ?s ?p ?o }").json()["boolean"] is True
        assert time.monotonic() - started < 2
        assert slow.result().status == 503
    assert ask_from(ATTACKER, limited, "ASK { ?s ?p ?o }").status == 200  # its share is back


def test_under_attack_the_service_keeps_answering_within_a_fraction_of_a_second(limited: RunningServer) -> None:
    """Two attackers send expensive, memory-bombing and huge-result queries at once, as fast as
    they are answered; meanwhile /healthz and a cheap query from a third address stay fast."""
    attacks = [EXPENSIVE, BOMB, doubling(21), "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "CONSTRUCT WHERE { ?s ?p ?o }"]
    stop = threading.Event()
    hostile: list[Reply] = []

    def attack(address: str, query: str) -> None:
        while not stop.is_set():
            hostile.append(ask_from(address, limited, query, timeout="3"))

    threads = [
        threading.Thread(target=attack, args=(address, query), daemon=True)
        for address in (ATTACKER, "127.0.0.4")
        for query in attacks
    ]
    for thread in threads:
        thread.start()
    slowest = 0.0
    try:
        time.sleep(1)
        until = time.monotonic() + 8
        while time.monotonic() < until:
            for url in (f"{limited.url}/healthz", f"{limited.url}/sparql?{urlencode({'query': 'ASK { ?s ?p ?o }'})}"):
                started = time.monotonic()
                reply = fetch(url, timeout=10)
                slowest = max(slowest, time.monotonic() - started)
                assert reply.status == 200, reply.text
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert slowest < 2, f"a cheap request took {slowest:.2f} s while attacked"
    assert len(hostile) > len(threads)
    assert all(r.status == 200 or refused_properly(r) for r in hostile), {(r.status, r.body[:200]) for r in hostile}
    assert {r.status for r in hostile} >= {429, 503}


def test_queries_keep_answering_after_the_zygote_is_killed(tmp_path: Path) -> None:
    running = RunningServer(tmp_path / "build", SERVER_SETTINGS)
    try:
        first = zygote(running)
        os.kill(first, signal.SIGKILL)
        for _ in range(int(SERVER_SETTINGS["query_workers"]) + 2):  # each overrun replaces a worker
            reply = fetch(f"{running.url}/sparql?{urlencode({'query': EXPENSIVE, 'timeout': '0.5'})}")
            assert reply.status == 503
        started = time.monotonic()
        cheap = fetch(f"{running.url}/sparql?{urlencode({'query': 'ASK { ?s ?p ?o }'})}")
        assert cheap.status == 200 and cheap.json()["boolean"] is True, cheap.text
        assert time.monotonic() - started < 15
        assert zygote(running) != first
    finally:
        running.stop()


def test_the_zygote_and_the_workers_have_no_network(limited: RunningServer) -> None:
    web = web_process(limited)
    theirs = {os.readlink(f"/proc/{pid}/ns/net") for pid in [zygote(limited), *_children(zygote(limited))]}
    assert os.readlink(f"/proc/{web}/ns/net") not in theirs
    health = fetch(f"{limited.url}/healthz").json()
    assert health["query_workers_sandboxed"] is True


NO_NAMESPACES = 'echo 0 > /proc/sys/user/max_net_namespaces && echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'


def _serve_without_namespaces(build: Path, port: int, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], Path]:
    """`conceptgraph serve` in a user namespace of its own whose kernel limits allow no new network
    (or user) namespace: every unshare the service tries fails with ENOSPC, as on a host that
    forbids them. Only the limits change: the server's network is the host's loopback."""
    settings = {**SERVER_SETTINGS, "port": str(port)}
    env = {**os.environ, **{f"CONCEPTGRAPH_{k.upper()}": v for k, v in settings.items()}, **env}
    command = [sys.executable, "-m", "conceptgraph", "serve", "--out", str(build)]
    seed_build(build)  # the course's build, as RunningServer has it
    log = build.parent / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["unshare", "--user", "--map-root-user", "sh", "-c", NO_NAMESPACES, "sh", *command],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return process, log


def test_a_server_whose_workers_cannot_drop_the_network_refuses_to_start(tmp_path: Path, virtuoso: Virtuoso) -> None:
    process, log = _serve_without_namespaces(tmp_path / "build", free_port(), {})
    try:
        process.wait(timeout=120)
    finally:
        stop_process(process, 5)
    said = log.read_text()
    assert process.returncode == 2, said
    assert "CONCEPTGRAPH_ALLOW_UNSANDBOXED" in said and "Traceback" not in said
    # A sparql: store runs no query of ours, so the same host serves it.
    port = free_port()
    remote = {"CONCEPTGRAPH_STORE": f"sparql:{virtuoso.query_url}"}
    process, log = _serve_without_namespaces(tmp_path / "remote" / "build", port, remote)
    try:
        health = _healthz_once_up(process, log, port)
    finally:
        stop_process(process, 10)
    assert health["query_workers_sandboxed"] is False and "remote" in health["query_isolation"]


def _healthz_once_up(process: subprocess.Popen[bytes], log: Path, port: int) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the server did not start"
        try:
            return dict(json.loads(fetch(f"http://127.0.0.1:{port}/healthz", timeout=2).body))
        except (OSError, ValueError):
            time.sleep(0.3)


def test_allow_unsandboxed_serves_and_healthz_says_so(tmp_path: Path) -> None:
    port = free_port()
    process, log = _serve_without_namespaces(tmp_path / "build", port, {"CONCEPTGRAPH_ALLOW_UNSANDBOXED": "1"})
    try:
        health = _healthz_once_up(process, log, port)
        assert health["query_workers_sandboxed"] is False
        assert "ALLOW_UNSANDBOXED" in health["query_isolation"]
    finally:
        stop_process(process, 10)
