"""Shared fixtures: the real course, compiled once (and its build); a CLI runner; a scratch copy of the data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conceptgraph.assets import default_data_dir
from conceptgraph.course.build import TRIG_NAME, Build
from conceptgraph.store.embedded import Store
from conceptgraph.vocab import DEFAULT_BASE
from tests.postgres import Postgres
from tests.prebuilt import compiled, seed_build
from tests.server import CHROMIUM, CHROMIUM_ARGS, RunningServer
from tests.virtuoso import Virtuoso

ROOT = Path(__file__).resolve().parents[1]
SLIDES = ROOT / "docs" / "source" / "course-slides-session-1.md"


@pytest.fixture(scope="session")
def course() -> Build:
    """The built-in course, compiled and SHACL-validated."""
    return compiled()[0]


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A folder holding the course's build, as `conceptgraph build --out` leaves it, for commands
    whose test is about something else than compiling: they read it instead of compiling the
    course in memory (tests without it keep that path)."""
    return seed_build(tmp_path / "built")


@pytest.fixture(scope="session")
def store(course: Build) -> Store:
    return Store.from_dataset(course.dataset)


# Small limits so the limit paths run in tests.
SERVER_SETTINGS = {
    "query_timeout": "3",
    "max_rows": "100",
    "max_query_bytes": "4096",
    "query_workers": "2",
    "pool_wait": "10",
    # Every test connects from 127.0.0.1, and some act as eight clients at once; the per-client
    # share is tested on servers of its own (test_http_limits.py), from several loopback addresses.
    "client_share": "8",
}


# Every HTTP and browser test runs once per backend: the course in memory, on disk, and on a
# Virtuoso server. The answers must be the same on each.
BACKENDS = ["memory", "oxigraph", "sparql"]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso with a throwaway database (skipped locally, failed in CI, when missing)."""
    running = Virtuoso(tmp_path_factory.mktemp("virtuoso"), time_limit=int(SERVER_SETTINGS["query_timeout"]))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A real PostgreSQL on a throwaway cluster (skipped locally, failed in CI, when missing)."""
    running = Postgres()
    yield running
    running.stop()


# Every reflections test runs on both databases the service supports.
DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(params=DATABASES)
def reflections_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty reflections database: a SQLite file, or a database on the cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reflections.sqlite3'}"
    cluster: Postgres = request.getfixturevalue("postgres")
    return cluster.create_database(f"t{uuid.uuid4().hex}")


@pytest.fixture
def reflections_db(reflections_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """That database, opened and migrated to the latest schema. Passphrases are hashed with
    argon2id at its lowest cost, so the many accounts the tests make take milliseconds, not seconds
    (test_reflections_people checks the service's own cost)."""
    from argon2 import PasswordHasher

    from conceptgraph.reflections import accounts
    from conceptgraph.reflections.database import open_database
    from conceptgraph.reflections.migrations import migrate

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

    db = open_database(reflections_url)
    migrate(db)
    yield db
    db.close()


def load_course(store_url: str, cwd: Path, env: dict[str, str] | None = None, *, from_yaml: bool = False) -> str:
    """`conceptgraph load --store URL --replace` with the built-in course (so loading it again
    leaves one copy); returns what it printed. The course is the build's dataset.trig, the file
    `load` itself makes of the course when given no file; `from_yaml` leaves that to `load`."""
    course = [] if from_yaml else [str(compiled()[1] / TRIG_NAME)]
    done = subprocess.run(
        [sys.executable, "-m", "conceptgraph", "load", "--store", store_url, "--replace", *course],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def started_servers() -> Iterator[dict[str, RunningServer]]:
    """The `server` of each backend once started, kept until the session ends (see `server`)."""
    started: dict[str, RunningServer] = {}
    yield started
    for running in started.values():
        running.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, started_servers: dict[str, RunningServer], tmp_path_factory: pytest.TempPathFactory
) -> RunningServer:
    """A real server on a free loopback port, shared by the HTTP and browser tests.

    Each backend's server starts on first use and serves every later test of that backend. pytest
    runs one backend's tests after another, but with pytest-xdist each worker runs whole modules,
    each module going through all backends: a server per switch would start dozens of times."""
    if request.param not in started_servers:
        started_servers[request.param] = start_server(request, tmp_path_factory)
    return started_servers[request.param]


def start_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> RunningServer:
    """The server of backend `request.param`, its store loaded with the course."""
    root = tmp_path_factory.mktemp(f"served-{request.param}")
    settings = {**SERVER_SETTINGS, "snapshots_dir": str(root / "snapshots")}
    if request.param == "oxigraph":
        settings["store"] = f"oxigraph:{root / 'store'}"
        load_course(settings["store"], root)
    elif request.param == "sparql":
        remote: Virtuoso = request.getfixturevalue("virtuoso")
        load_course(remote.store_url, root, remote.credentials)
        settings["store"] = f"sparql:{remote.query_url}"
    running = RunningServer(root / "build", settings)
    running.snapshots_dir = root / "snapshots"
    running.backend = request.param
    return running


# The reflection question whose path to theory the tests follow, and what that path holds.
QUESTION = "netvaerkstema-og-stoej"
QUESTION_PATH = {
    "netvaerkstema-og-stoej",
    "stoej",
    "den-potentielle-organisation",
    "tredjeordensforandring",
    "tekst-3-aakerstroem",
    "tekst-1-soerensen-torfing",
    "aakerstroem",
    "torfing",
    "soerensen",
}
HOSTILE = "<img src=x onerror=alert(1)> & \"quotes\" 'æøå'"


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server whose data holds a label built to break out of HTML, whose resource IRIs are its
    own URLs, and whose map draws at most 50 nodes."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(default_data_dir(), data)
    label = HOSTILE.replace('"', '\\"')
    with (data / "tekst-3-aakerstroem.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n  - heading: "Udvikling gennem støj – NS elsker støj!"\n    resources:\n'
            "      - id: fjendtlig-etiket\n        type: Concept\n"
            f'        label: {{da: "{label}", en: "{label}"}}\n'
            f'        definition: {{da: "{label}", en: "{label}"}}\n'
            "        related: [stoej]\n"
        )
    running = RunningServer(
        root / "build", {**SERVER_SETTINGS, "map_max_nodes": "50", "data_dir": str(data)}, own_base=True
    )
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is missing: apt-get install chromium (and pip install playwright)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, server: RunningServer) -> Iterator[Any]:
    """A fresh page that may only talk to the test server; it records anything else it tried,
    and every console error."""
    context = browser.new_context()
    yield guarded_page(context)
    context.close()


def guarded_page(context: Any) -> Any:
    """A new page of `context` that may only talk to the test server: it records (and aborts)
    every request anywhere else, and every console error."""
    page = context.new_page()
    page.outside_requests = []
    page.console_errors = []

    def guard(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            page.outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    return page


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of the course data that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    """Run a query (with the project prefixes) and return each row's values as strings."""
    from conceptgraph.vocab import sparql_prologue

    result = store.query(sparql_prologue() + f"PREFIX id: <{DEFAULT_BASE}id/>\n" + sparql)
    names = [v.value for v in result.variables]
    return [tuple(s[n].value if s[n] is not None else "" for n in names) for s in result]


@pytest.fixture(scope="module", params=DATABASES)
def annotations_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A server on a new reflections database (SQLite, PostgreSQL) with two cohorts' people."""
    from tests.annotation_http import world

    with world(request.param, tmp_path_factory.mktemp(f"annotations-{request.param}"), request) as made:
        yield made
