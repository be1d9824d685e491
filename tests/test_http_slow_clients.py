"""One stranger cannot exhaust the web process with slow connections, over real HTTP.

A body sent a byte at a time holds a Python thread while it is read, so one client address may
have only a few bodies read at once (`client_io_slots`; more get 429 before their body is read);
an answer its client does not read stays in the web process until it is sent, so all answers held
for sending share one byte budget (`answer_budget_bytes`; over it, 503) and one address may have
only a few of them at once. Clients are told apart by address: the tests connect from several
loopback addresses (127.0.0.2 … are loopback on Linux like 127.0.0.1).
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import SERVER_SETTINGS
from tests.server import Reply, RunningServer
from tests.test_http_limits import ask_from, web_process

SLOTS = 3
SLOW = {**SERVER_SETTINGS, "threads": str(SLOTS + 1), "client_io_slots": str(SLOTS)}
ANSWER_CAP = 8 * 1024 * 1024
BUDGET = 2 * ANSWER_CAP
BIG = {
    **SERVER_SETTINGS,
    "max_rows": "10000",
    "max_query_bytes": "65536",
    "max_result_bytes": str(ANSWER_CAP),
    "answer_budget_bytes": str(BUDGET),
    "query_timeout": "20",
    "threads": "16",
}
ATTACKER, OTHER = "127.0.0.2", "127.0.0.3"
CHEAP = "ASK { ?s ?p ?o }"
# One 30 KB string on every row: the answer reaches the byte cap after a few hundred rows.
WIDE = 'SELECT ?s ("' + "x" * 30_000 + '" AS ?x) WHERE { ?s ?p ?o }'


def _port(server: RunningServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def slow_post(server: RunningServer, address: str) -> socket.socket:
    """A form POST from `address` that announces a body and sends its first byte only."""
    sock = socket.create_connection(("127.0.0.1", _port(server)), timeout=5, source_address=(address, 0))
    head = (
        "POST /sparql HTTP/1.1\r\nHost: localhost\r\nAccept: application/sparql-results+json\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\nq"
    )
    sock.sendall(head.encode())
    return sock


def status_of(sock: socket.socket, timeout: float) -> tuple[int, str]:
    """The status and the first bytes of the answer on `sock`, read for at most `timeout` s."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1]), data.decode("latin-1")


def timed(action: object) -> tuple[Reply, float]:
    start = time.monotonic()
    reply = action()  # type: ignore[operator]
    return reply, time.monotonic() - start


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server with one thread more than one address may hold reading bodies."""
    running = RunningServer(tmp_path_factory.mktemp("slow") / "build", SLOW)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def budget_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server whose answers are up to 8 MB, with room for two of them held for sending."""
    running = RunningServer(tmp_path_factory.mktemp("budget") / "build", BIG)
    yield running
    running.stop()


def healthz_from(address: str, server: RunningServer) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", _port(server), timeout=10, source_address=(address, 0))
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def test_slow_bodies_from_one_address_hold_only_a_few_threads(slow_server: RunningServer) -> None:
    with ExitStack() as stack:
        held = [stack.enter_context(slow_post(slow_server, ATTACKER)) for _ in range(SLOTS)]
        time.sleep(0.5)  # the held bodies are being read
        extra = stack.enter_context(slow_post(slow_server, ATTACKER))
        status, text = status_of(extra, 2)
        assert status == 429, text
        assert "retry-after:" in text.lower()
        assert '"status": 429' in text
        for sock in held:  # still being read, a byte at a time
            sock.sendall(b"u")
        health, seconds = timed(lambda: healthz_from(OTHER, slow_server))
        assert health.status == 200 and seconds < 1, seconds
        cheap, seconds = timed(lambda: ask_from(OTHER, slow_server, CHEAP, method="POST"))
        assert cheap.status == 200 and seconds < 1, (cheap.status, seconds)
        got, seconds = timed(lambda: ask_from(ATTACKER, slow_server, CHEAP))
        assert got.status == 200 and seconds < 1, "a GET from the same address is not held back"
    # Every slot came back: the address can post again, many times in a row, and after bodies
    # cut off half-way.
    for _ in range(3):
        with slow_post(slow_server, ATTACKER):
            pass
    # The server sees the closed connections a moment later; give it a bounded while.
    deadline = time.monotonic() + 5
    while ask_from(ATTACKER, slow_server, CHEAP, method="POST").status != 200:
        assert time.monotonic() < deadline, "the slots of closed connections never came back"
        time.sleep(0.1)
    for _ in range(4 * SLOTS):
        assert ask_from(ATTACKER, slow_server, CHEAP, method="POST").status == 200


def unread_request(server: RunningServer, address: str) -> socket.socket:
    """The wide query sent from `address` on a socket with a tiny receive buffer, never read."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.bind((address, 0))
    sock.connect(("127.0.0.1", _port(server)))
    body = urlencode({"query": WIDE}).encode()
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: localhost\r\nAccept: text/csv\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def test_unread_answers_stay_within_the_budget(budget_server: RunningServer) -> None:
    pid = web_process(budget_server)
    first = ask_from(OTHER, budget_server, WIDE, method="POST", headers={"Accept": "text/csv"})
    assert first.status == 200 and len(first.body) > ANSWER_CAP // 2
    before = rss_mb(pid)
    statuses: list[int] = []
    with ExitStack() as stack:
        # Two from each of eight addresses, so that no per-address bound is what refuses them.
        socks = [stack.enter_context(unread_request(budget_server, f"127.0.0.{10 + i // 2}")) for i in range(16)]
        for sock in socks:
            status, text = status_of(sock, 30)
            statuses.append(status)
            if status != 200:
                assert status == 503 and "retry-after:" in text.lower(), text
        time.sleep(1)
        grown = rss_mb(pid) - before
        # The query page's path (a browser posting the form) draws on the same budget.
        browser = ask_from(OTHER, budget_server, WIDE, method="POST", headers={"Accept": "text/html"}, format="csv")
        assert browser.status == 503 and "retry-after" in browser.headers, browser.status
        health, seconds = timed(lambda: healthz_from(OTHER, budget_server))
        assert health.status == 200 and seconds < 1, seconds
    assert statuses.count(503) >= 10, (statuses, f"grew by {grown:.0f} MB")
    assert grown < BUDGET / 2**20 + 24, f"the web process grew by {grown:.0f} MB"
    # The budget came back when the connections closed.
    time.sleep(1)
    for _ in range(5):
        again = ask_from(OTHER, budget_server, WIDE, method="POST", headers={"Accept": "text/csv"})
        assert again.status == 200, again.text
