"""How fast are participants' reflections? The same requests against a real server on SQLite and on
PostgreSQL, side by side in one run, with `/healthz` as the floor (what any answer costs here).

    python benchmarks/reflections.py [--participants 25] [--each 20] [--runs 30]

A cohort of `--participants` people, each with `--each` reflections (half shared), written
through `POST /annotations/` before timing. Then, per database: one participant writing
(`POST /annotations/`, a new reflection with two links), twenty participants pressing "Gem" at
once (each POST's time, and the wall time until all twenty have their 201), and the pages that read
the reflections: `/questions` and `/id/<question>` signed in (mine and the cohort's shared ones),
the map layer (`/me/map-layer`), a page of `/annotations/`, `/me/export` and the facilitator's
`/cohort/<slug>` and its PDF handout. PostgreSQL runs on a throwaway cluster (Debian's
`postgresql`) with fsync on, as a real one would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.annotation_http import (  # noqa: E402
    QUESTION,
    Person,
    annotation,
    cheap_hashing,
    open_migrated,
    send,
    sign_in,
)
from tests.postgres import Postgres  # noqa: E402
from tests.server import RunningServer  # noqa: E402

SETTINGS = {"query_workers": "1", "client_io_slots": "64", "client_share": "64"}
QUESTION_SLUG = QUESTION.rsplit("/", 1)[1]
READS = [
    ("floor: /healthz", "/healthz", "text/plain"),
    ("/questions (signed in)", "/questions", "text/html"),
    (f"/id/{QUESTION_SLUG}", f"/id/{QUESTION_SLUG}", "text/html"),
    ("/me/map-layer", "/me/map-layer", "application/json"),
    ("/annotations/?page=0", "/annotations/?page=0", "application/ld+json"),
    ("/me/export", "/me/export", "application/ld+json"),
]
FACILITATOR_READS = [
    ("/cohort/hold (facilitator)", "/cohort/hold", "text/html"),
    ("/cohort/hold/handout.pdf", "/cohort/hold/handout.pdf", ""),
]


def fill(url: str, participants: int, each: int) -> tuple[list[Person], Person]:
    """The cohort's people, signed in; their reflections are written later, through the server."""
    with cheap_hashing():
        db = open_migrated(url)
        from conceptgraph.reflections.cohorts import create_cohort

        create_cohort(db, "hold", title="Hold efterår 2026")
        people = [sign_in(db, "hold", f"Deltager {n}") for n in range(participants)]
        facilitator = sign_in(db, "hold", "Underviser", "facilitator")
    db.close()
    return people, facilitator


def write(server: RunningServer, person: Person, n: int) -> float:
    """ms for one POST of a new reflection with two links (shared every other time)."""
    document = annotation(f"Refleksion {n}: i morgen prøver jeg noget nyt.", links=2)
    document["cg:visibility"] = "cohort" if n % 2 else "private"
    start = time.perf_counter()
    reply = send(server, "POST", "/annotations/", person, document)
    took = (time.perf_counter() - start) * 1000
    assert reply.status == 201, reply.text
    return took


def read_ms(server: RunningServer, person: Person, path: str, accept: str, runs: int) -> float:
    """Median ms of `runs` GETs of `path` as `person`."""
    headers = {**person.headers(csrf=False), **({"Accept": accept} if accept else {})}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(f"{server.url}{path}", headers=headers)) as reply:
            reply.read()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(url: str, root: Path, participants: int, each: int, runs: int) -> dict[str, str]:
    people, facilitator = fill(url, participants, each)
    root.mkdir(parents=True, exist_ok=True)
    server = RunningServer(root / "build", {**SETTINGS, "reflections_db": url})
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda k: write(server, people[k % participants], k), range(participants * each)))
        one = [write(server, people[0], n) for n in range(runs)]
        start = time.perf_counter()
        with ThreadPoolExecutor(20) as pool:
            burst = list(pool.map(lambda k: write(server, people[k % participants], k), range(20)))
        wall = (time.perf_counter() - start) * 1000
        found = {
            "one POST /annotations/: median": f"{statistics.median(one):.1f}",
            "20 at once: median POST": f"{statistics.median(burst):.1f}",
            "20 at once: slowest POST": f"{max(burst):.1f}",
            "20 at once: all 201 (wall)": f"{wall:.1f}",
        }
        for label, path, accept in READS:
            found[label] = f"{read_ms(server, people[1], path, accept, runs):.1f}"
        for label, path, accept in FACILITATOR_READS:
            found[label] = f"{read_ms(server, facilitator, path, accept, max(3, runs // 5)):.1f}"
        return found
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=25)
    parser.add_argument("--each", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cg-bench-reflections-"))
    cluster = Postgres(fsync=True)
    try:
        size = (args.participants, args.each, args.runs)
        columns = {
            "SQLite": measure(f"sqlite:///{work / 'r.sqlite3'}", work / "sqlite", *size),
            "PostgreSQL": measure(cluster.create_database(f"b{uuid.uuid4().hex}"), work / "pg", *size),
        }
    finally:
        cluster.stop()
    total = args.participants * args.each
    print(f"{args.participants} participants, {total} reflections ({total // 2} shared); ms, median of {args.runs}\n")
    print("| request | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for row in columns["SQLite"]:
        print(f"| {row} | " + " | ".join(column[row] for column in columns.values()) + " |")


if __name__ == "__main__":
    main()
