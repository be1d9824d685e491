"""A real Virtuoso (Debian's virtuoso-opensource) on loopback with a throwaway database, for the
`sparql:` backend tests. Its own default graph holds system graphs; the service must not see them.

Set as a public endpoint should be: the server's own time limit equals the service's, and one
query gets one thread, so a heavy query cannot take every core from the cheap ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server import free_port, stop_process, wait_until_answering

BINARY = "virtuoso-t"
INSTALL = "apt-get install virtuoso-opensource"
# The throwaway database's administrator (Virtuoso's default for a new database).
USER, PASSWORD = "dba", "dba"
INI = """\
[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {root}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
ThreadsPerQuery = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {time_limit}
"""


def require_virtuoso() -> str:
    """The server binary; without it, fail in CI and skip elsewhere, saying how to install it."""
    found = shutil.which(BINARY)
    if found:
        return found
    message = f"Virtuoso is not installed ({BINARY} not on PATH): {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Virtuoso:
    """`virtuoso-t` in the foreground on free loopback ports, stopped by `stop()`."""

    def __init__(self, root: Path, time_limit: int) -> None:
        """`time_limit`: seconds the server itself lets a query run (set it to the service's limit,
        so a query the service gave up on does not keep the server busy)."""
        binary = require_virtuoso()
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.port = free_port()
        self.http = f"http://127.0.0.1:{self.port}"
        ini = INI.format(root=root, sql_port=free_port(), http_port=self.port, time_limit=time_limit)
        (root / "virtuoso.ini").write_text(ini)
        self.log = root / "console.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [binary, "-f", "-c", str(root / "virtuoso.ini")], cwd=root, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until_answering(self.process, f"{self.query_url}?query=ASK%7B%7D", self.log, "Virtuoso", 60)

    @property
    def query_url(self) -> str:
        return f"{self.http}/sparql"

    @property
    def store_url(self) -> str:
        """Queries on the public endpoint, updates and uploads on the ones that need a login."""
        return f"sparql:{self.http}/sparql;update={self.http}/sparql-auth;gsp={self.http}/sparql-graph-crud-auth"

    @property
    def credentials(self) -> dict[str, str]:
        return {"CONCEPTGRAPH_STORE_USER": USER, "CONCEPTGRAPH_STORE_PASSWORD": PASSWORD}

    def stop(self) -> None:
        stop_process(self.process, 20)
