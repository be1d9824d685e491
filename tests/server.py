"""A real conceptgraph server in a subprocess on a free loopback port, for HTTP and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tests.prebuilt import seed_build

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking switches Chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningServer:
    """`python -m conceptgraph serve` with the given settings, stopped by `stop()`.

    A server of the built-in course at the default base finds its build made (`seed_build`), as
    after `conceptgraph build`; one on other data or another base builds its own at start.
    """

    snapshots_dir: Path
    backend = "memory"

    def __init__(
        self,
        build_dir: Path,
        settings: dict[str, str],
        *,
        own_base: bool = False,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Where the service is reached, as an operator configures it: exports and the service
        # description link here, whatever Host header a client sends.
        # Each server keeps its own instance folder (the reflections database), as each instance would.
        settings = {"public_url": self.url, "instance_dir": str(build_dir.parent / f"instance-{self.port}"), **settings}
        if own_base:  # resource IRIs are this server's own URLs, so they dereference here
            settings = {**settings, "base_iri": f"{self.url}/"}
        if "data_dir" not in settings and "base_iri" not in settings:
            seed_build(build_dir)
        env = {**os.environ, **(env or {}), **{f"CONCEPTGRAPH_{k.upper()}": v for k, v in settings.items()}}
        self.log = build_dir.parent / f"server-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "conceptgraph",
                    "serve",
                    "--port",
                    str(self.port),
                    "--out",
                    str(build_dir),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_answering(self.process, f"{self.url}/healthz", self.log, "the server")

    def stop(self) -> None:
        stop_process(self.process, 10)


def wait_until_answering(process: subprocess.Popen[bytes], url: str, log: Path, what: str, limit: float = 120) -> None:
    """Poll `url` until it answers 200; fail with the log if the process exits or time runs out."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start: {log.read_text()}")


def stop_process(process: subprocess.Popen[bytes], grace: float) -> None:
    """Terminate, and kill if it has not exited after `grace` seconds."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()


class Reply:
    """Status, headers and body of one HTTP exchange."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> object:
        import json

        return json.loads(self.body)


def fetch(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    """One HTTP request with the standard library; error statuses are returned, not raised."""
    import urllib.error

    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()
