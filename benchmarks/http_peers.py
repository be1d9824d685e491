"""conceptgraph against the SPARQL servers it competes with: one workload, over HTTP, one run.

    python benchmarks/http_peers.py [--sizes 2000,100000,1000000] [--write docs/benchmarks-peers.md]

Servers, each started afresh per graph size on loopback and stopped after:
  - conceptgraph on memory: (the graph served from memory) and on oxigraph:PATH (loaded first);
  - the Oxigraph server (PyPI `oxigraph`: `oxigraph serve`), in memory (with and without
    `--timeout-s 10`, its query time limit: the like-for-like peer) and on disk;
  - rdflib-endpoint (PyPI `rdflib-endpoint`), the Python peer;
  - conceptgraph on sparql: in front of a Virtuoso (Debian's virtuoso-opensource).
The peers are installed into benchmarks/.cache/peers (a venv of their own) on first use.

The graphs come from workload/gen_graph.py (the reference generator), in one named graph; the
queries are workload/generated/*.rq (label lookup, CONTAINS and REGEX search, 2-hop
neighbourhood, question→concept→text→author path, broader+, GROUP BY counts, OPTIONAL with a
language filter, CONSTRUCT neighbourhood, COUNT of all triples). For every server and query:
median and p95 latency and the answer's size (so a server that answers differently shows),
the ratio to the in-memory Oxigraph server, cheap-query throughput with 4 concurrent clients,
load time (start to first answer, loading included) and peak memory (all of the server's
processes). The conceptgraph servers run with their row cap and time limit raised above the
workload, so they return what the peers return.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sparql_latency import graph_file  # noqa: E402
from tests.server import free_port  # noqa: E402
from tests.virtuoso import Virtuoso  # noqa: E402

WORKLOAD = HERE / "workload" / "generated"
GRAPH = "http://example.org/course/graph/generated"
PEERS = {"oxigraph": "0.5.13", "rdflib-endpoint[cli]": "0.6.3"}
BUDGET = 4.0  # seconds of repetitions per query and server, after a warm-up run
MAX_REPS = 30
REQUEST_TIMEOUT = 120.0
THROUGHPUT_SECONDS = 5.0
CLIENTS = 4
REFERENCE = "Oxigraph server (memory)"
CHEAP = "q01_label_exact"
# The peers have no row or byte cap and no per-client share or slots (the benchmark's clients all come from
# 127.0.0.1), so conceptgraph's are raised above the workload.
CONCEPTGRAPH_LIMITS = {
    "CONCEPTGRAPH_MAX_ROWS": "100000000",
    "CONCEPTGRAPH_MAX_RESULT_BYTES": str(2**31),
    "CONCEPTGRAPH_CLIENT_SHARE": str(CLIENTS * 4),
    "CONCEPTGRAPH_CLIENT_IO_SLOTS": str(CLIENTS * 4),
    "CONCEPTGRAPH_QUERY_TIMEOUT": str(REQUEST_TIMEOUT),
}


@dataclass
class Running:
    """A server under test: its query URL, its processes, and how to stop it."""

    url: str
    processes: list[subprocess.Popen[bytes]]
    stop: Callable[[], None]
    extra_pids: list[int] = field(default_factory=list)


# ---------------------------------------------------------------- peers and data


def peer_bin(cache: Path, name: str) -> str:
    """A peer's command, from a venv of its own (made on first use)."""
    venv = cache / "peers"
    if not (venv / "bin" / "oxigraph").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pins = [f"{name}=={version}" for name, version in PEERS.items()]
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *pins], check=True)
    return str(venv / "bin" / name)


def quads_file(size: str, cache: Path) -> tuple[Path, Path]:
    """The generated graph as N-Triples and, in one named graph, as N-Quads."""
    triples = graph_file(size, cache)
    quads = triples.with_suffix(".nq")
    if not quads.exists():
        with triples.open(encoding="utf-8") as source, quads.open("w", encoding="utf-8") as target:
            for line in source:
                if line.strip():
                    target.write(f"{line.rstrip()[:-1].rstrip()} <{GRAPH}> .\n")
    return triples, quads


# ---------------------------------------------------------------- starting each server


def _spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})


def _stopper(*processes: subprocess.Popen[bytes]) -> Callable[[], None]:
    def stop() -> None:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()

    return stop


def _conceptgraph(work: Path, env: dict[str, str]) -> Running:
    port = free_port()
    command = [sys.executable, "-m", "conceptgraph", "serve", "--port", str(port), "--out", str(work / "build")]
    process = _spawn(command, work / "conceptgraph.log", {**CONCEPTGRAPH_LIMITS, **env})
    return Running(f"http://127.0.0.1:{port}/sparql", [process], _stopper(process))


def cg_memory(work: Path, quads: Path, triples: Path, cache: Path) -> Running:
    return _conceptgraph(work, {"CONCEPTGRAPH_DATASET": str(quads)})


def cg_disk(work: Path, quads: Path, triples: Path, cache: Path) -> Running:
    store = f"oxigraph:{work / 'store'}"
    subprocess.run([sys.executable, "-m", "conceptgraph", "load", "--store", store, str(quads)], check=True)
    return _conceptgraph(work, {"CONCEPTGRAPH_STORE": store})


def cg_virtuoso(work: Path, quads: Path, triples: Path, cache: Path) -> Running:
    virtuoso = Virtuoso(work / "virtuoso", time_limit=int(REQUEST_TIMEOUT))
    loaded = subprocess.run(
        [sys.executable, "-m", "conceptgraph", "load", "--store", virtuoso.store_url, str(quads)],
        env={**os.environ, **virtuoso.credentials},
    )
    if loaded.returncode:
        virtuoso.stop()
        raise RuntimeError("loading into Virtuoso failed")
    env = {"CONCEPTGRAPH_STORE": f"sparql:{virtuoso.query_url}", "CONCEPTGRAPH_GRAPHS": "http://example.org/course/"}
    running = _conceptgraph(work, env)
    stop = running.stop
    running.stop = lambda: (stop(), virtuoso.stop())  # type: ignore[func-returns-value]
    running.extra_pids = [virtuoso.process.pid]
    return running


def ox_memory(work: Path, quads: Path, triples: Path, cache: Path, *, timeout: list[str] | None = None) -> Running:
    port = free_port()
    command = [peer_bin(cache, "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = _spawn(command + (timeout or []), work / "oxigraph.log")
    _wait(f"http://127.0.0.1:{port}/query")
    with quads.open("rb") as body:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
        connection.request("POST", "/store", body=body, headers={"Content-Type": "application/n-quads"})
        reply = connection.getresponse()
        reply.read()
        if reply.status >= 300:
            raise RuntimeError(f"Oxigraph refused the data: HTTP {reply.status}")
    return Running(f"http://127.0.0.1:{port}/query", [process], _stopper(process))


def ox_memory_timed(work: Path, quads: Path, triples: Path, cache: Path) -> Running:
    """The like-for-like peer: plain `oxigraph serve` has no query time limit; with --timeout-s it
    cancels queries cooperatively (a timer thread per request), as our workers are killed."""
    return ox_memory(work, quads, triples, cache, timeout=["--timeout-s", "10"])


def ox_disk(work: Path, quads: Path, triples: Path, cache: Path) -> Running:
    oxigraph = peer_bin(cache, "oxigraph")
    location = str(work / "oxigraph-store")
    subprocess.run([oxigraph, "load", "--location", location, "--file", str(quads)], check=True, capture_output=True)
    port = free_port()
    command = [oxigraph, "serve", "--location", location, "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = _spawn(command, work / "oxigraph.log")
    return Running(f"http://127.0.0.1:{port}/query", [process], _stopper(process))


def rdflib_endpoint(work: Path, quads: Path, triples: Path, cache: Path) -> Running:
    port = free_port()
    command = [peer_bin(cache, "rdflib-endpoint"), "serve", str(triples), "--host", "127.0.0.1", "--port", str(port)]
    process = _spawn(command, work / "rdflib-endpoint.log")
    return Running(f"http://127.0.0.1:{port}/", [process], _stopper(process))


SERVERS: dict[str, Callable[[Path, Path, Path, Path], Running]] = {
    "conceptgraph memory:": cg_memory,
    "conceptgraph oxigraph:": cg_disk,
    REFERENCE: ox_memory,
    "Oxigraph server (memory --timeout-s 10)": ox_memory_timed,
    "Oxigraph server (disk)": ox_disk,
    "rdflib-endpoint": rdflib_endpoint,
    "conceptgraph sparql: → Virtuoso": cg_virtuoso,
}


# ---------------------------------------------------------------- asking


def _wait(url: str, limit: float = 3600.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            status, _ = ask(url, "ASK {}", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {limit:g} s")


def ask(url: str, query: str, *, timeout: float = REQUEST_TIMEOUT, connection: Any = None) -> tuple[int, bytes]:
    """POST one query (form-encoded, as SPARQLWrapper and YASGUI do); the status and body."""
    parts = urllib.parse.urlsplit(url)
    own = connection is None
    connection = connection or http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    graph_form = any(word in query for word in ("CONSTRUCT", "DESCRIBE"))
    accept = "application/n-triples" if graph_form else "application/sparql-results+json"
    body = urllib.parse.urlencode({"query": query})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    connection.request("POST", parts.path or "/", body=body, headers=headers)
    reply = connection.getresponse()
    data = reply.read()
    if own:
        connection.close()
    return reply.status, data


def answer_size(status: int, body: bytes) -> str:
    """Rows or triples in an answer, to compare servers (or the HTTP status where it failed)."""
    if status != 200:
        return f"HTTP {status}"
    if body.lstrip().startswith(b"{"):
        document = json.loads(body)
        if "boolean" in document:
            return str(document["boolean"]).lower()
        return f"{len(document['results']['bindings'])} rows"
    return f"{sum(1 for line in body.splitlines() if line.strip())} triples"


def latencies(url: str, query: str) -> dict[str, Any]:
    """Warm up once, then repeat for BUDGET seconds (at most MAX_REPS)."""
    try:
        status, body = ask(url, query)
    except OSError as exc:
        return {"error": type(exc).__name__}
    times: list[float] = []
    while len(times) < MAX_REPS and sum(times) < BUDGET:
        begin = time.perf_counter()
        try:
            ask(url, query)
        except OSError as exc:
            return {"error": type(exc).__name__}
        times.append(time.perf_counter() - begin)
    return {"times": times, "answer": answer_size(status, body)}


def throughput(url: str, query: str) -> float:
    """Requests per second with CLIENTS concurrent clients on keep-alive connections."""
    parts = urllib.parse.urlsplit(url)
    done = [0] * CLIENTS
    deadline = time.monotonic() + THROUGHPUT_SECONDS

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
        while time.monotonic() < deadline:
            status, _ = ask(url, query, connection=connection)
            if status == 200:
                done[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / THROUGHPUT_SECONDS


def peak_mib(pids: list[int]) -> float:
    """The sum of the high-water resident memory of these processes and all their descendants."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
    total, todo = 0.0, list(pids)
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


# ---------------------------------------------------------------- one size, all servers


def measure(name: str, size: str, cache: Path) -> dict[str, Any]:
    triples, quads = quads_file(size, cache)
    queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted(WORKLOAD.glob("*.rq"))}
    with tempfile.TemporaryDirectory(prefix="peers-") as folder:
        work = Path(folder)
        start = time.perf_counter()
        try:
            running = SERVERS[name](work, quads, triples, cache)
            _wait(running.url)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            return {"error": str(exc)[:200]}
        found: dict[str, Any] = {"load": time.perf_counter() - start, "queries": {}}
        try:
            for query_name, text in queries.items():
                found["queries"][query_name] = latencies(running.url, text)
                print(f"  {name} {query_name}: {found['queries'][query_name].get('answer', 'error')}", flush=True)
            found["throughput"] = throughput(running.url, queries[CHEAP])
            found["memory"] = peak_mib([p.pid for p in running.processes] + running.extra_pids)
        finally:
            running.stop()
    return found


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def table(size: str, results: dict[str, dict[str, Any]]) -> list[str]:
    """Latency per query (median / p95 ms and the ratio to the reference), then the summary."""
    names = list(results)
    lines = [f"#### {int(size):,} triples", "", "| query | " + " | ".join(names) + " |"]
    lines.append("|---|" + "---:|" * len(names))
    reference = results[REFERENCE].get("queries", {})
    ratios: dict[str, list[float]] = {n: [] for n in names}
    for query in sorted(reference):
        cells = []
        base = _stats(reference[query]["times"])[0] if "times" in reference[query] else None
        for name in names:
            item = results[name].get("queries", {}).get(query, {})
            if "times" not in item:
                cells.append(item.get("error", "—"))
                continue
            median, p95 = _stats(item["times"])
            ratio = median / base if base else None
            if ratio:
                ratios[name].append(ratio)
            shown = f"{median * 1000:.1f} / {p95 * 1000:.1f}"
            cells.append(f"{shown} ({ratio:.2f}×) {item['answer']}" if ratio else shown)
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    lines.append(
        "| **geometric mean ratio** | "
        + " | ".join(f"**{statistics.geometric_mean(r):.2f}×**" if r else "—" for r in ratios.values())
        + " |"
    )
    lines.append(
        "| **worst query ratio** | " + " | ".join(f"{max(r):.2f}×" if r else "—" for r in ratios.values()) + " |"
    )
    lines.append(
        f"| **{CHEAP} req/s, {CLIENTS} clients** | "
        + " | ".join(f"{results[n].get('throughput', 0):.0f}" for n in names)
        + " |"
    )
    lines.append(
        "| **start + load s** | " + " | ".join(f"{results[n].get('load', float('nan')):.1f}" for n in names) + " |"
    )
    lines.append(
        "| **peak memory MiB** | " + " | ".join(f"{results[n].get('memory', float('nan')):.0f}" for n in names) + " |"
    )
    failed = [f"- {n}: {r['error']}" for n, r in results.items() if "error" in r]
    return lines + ([""] + failed if failed else []) + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,100000,1000000")
    parser.add_argument("--servers", default=",".join(SERVERS), help="Comma-separated names (default: all).")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--write", type=Path, help="Also write the tables into this markdown file.")
    args = parser.parse_args()
    chosen = [s for s in args.servers.split(",") if s]
    if REFERENCE not in chosen:
        chosen.append(REFERENCE)
    import pyoxigraph

    virtuoso = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True).stderr.splitlines()
    header = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"pyoxigraph {pyoxigraph.__version__}, peers {', '.join(f'{k} {v}' for k, v in PEERS.items())}, "
        f"{next((line for line in virtuoso if 'Version' in line), 'Virtuoso ?').strip()}.",
        f"Cells: median / p95 ms over up to {MAX_REPS} runs ({BUDGET:g} s of repetitions at most), "
        f"(ratio to {REFERENCE}), answer size. Requests are form-encoded POSTs over loopback.",
        "",
    ]
    print("\n".join(header), flush=True)
    output = list(header)
    for size in args.sizes.split(","):
        results = {}
        for name in chosen:
            print(f"{size}: {name}", flush=True)
            results[name] = measure(name, size, args.cache)
        lines = table(size, results)
        print("\n".join(lines), flush=True)
        output += lines
    if args.write:
        args.write.write_text("\n".join(output), encoding="utf-8")


if __name__ == "__main__":
    if not shutil.which("virtuoso-t"):
        print("note: virtuoso-t is missing (apt-get install virtuoso-opensource); that column will fail", flush=True)
    main()
