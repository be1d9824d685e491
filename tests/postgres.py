"""A real PostgreSQL (Debian's `postgresql`) on a throwaway cluster, for the reflections tests.

`initdb` into a temporary folder, the server on a free loopback port with its unix socket in that
folder, stopped and removed at the end. PostgreSQL refuses to run as root, so
as root the cluster belongs to the `postgres` system user. Missing binaries skip the tests
locally and fail them in CI.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.server import free_port

INSTALL = "apt-get install postgresql"
SUPERUSER = "postgres"


def require_postgres() -> Path:
    """The folder of initdb and pg_ctl; without it, fail in CI and skip elsewhere."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return Path(shutil.which("initdb") or "").parent
    message = f"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Postgres:
    """A PostgreSQL server on 127.0.0.1:<free port>, stopped by `stop()`."""

    def __init__(self, *, fsync: bool = False) -> None:
        self.bin = require_postgres()
        # Its own folder under /tmp, not pytest's: that one is private to root, and the server's
        # user must reach it (a short path also keeps the socket's name within its limit).
        root = Path(tempfile.mkdtemp(prefix="cg-postgres-"))
        self.root, self.data = root, root / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # postgres will not run as root: hand the folder to its own user
            shutil.chown(root, SUPERUSER, SUPERUSER)
            self.as_owner = ["runuser", "-u", SUPERUSER, "--"]
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-instructions")
        # fsync off for the tests: the cluster is thrown away, and the durability tests kill the
        # client, not the server (a commit the server acknowledged is its own promise); a new
        # database per test costs milliseconds instead of a second of disk flushes. A benchmark
        # asks for fsync, as a real server runs.
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {root}"
        if not fsync:
            options += " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(root / "server.log"), "-o", options, "-w", "start")

    def _run(self, binary: str, *args: str) -> None:
        done = subprocess.run([*self.as_owner, str(self.bin / binary), *args], capture_output=True, text=True)
        if done.returncode != 0:
            log = self.root / "server.log"
            raise RuntimeError(f"{binary} failed: {done.stderr}{log.read_text() if log.exists() else ''}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; its URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres") as connection:
            connection.autocommit = True
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
