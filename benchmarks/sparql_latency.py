"""Which engine should evaluate queries in process: rdflib's or Oxigraph's? Measure, side by side.

    python benchmarks/sparql_latency.py [--sizes course,100000,1000000] [--write docs/benchmarks.md]

Runs the same ten typical queries on rdflib's in-memory store and on pyoxigraph's, on the course
graph (cg: vocabulary, workload/course) and on generated graphs of the same shape
(workload/gen_graph.py, workload/generated). Each engine and graph runs in its own process, so
load time and peak memory are its own and a runaway engine can be stopped. Prints median and
p95 latency per query, load time and peak memory, and whether the two engines gave the same
answer; then checks two known answer bugs.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "workload"
ENGINES = ("rdflib", "oxigraph")
CHILD_TIMEOUT = 1800.0
BUDGET = 20.0  # seconds of repetitions per query and engine, after the first run
MAX_REPS = 30
ANSWER_CHECKS = {
    "ASK { FILTER(false) }": "false",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3": "3 triples",
}


def graph_file(size: str, cache: Path) -> Path:
    """The N-Quads/N-Triples file for a size: the built course, or a generated graph."""
    cache.mkdir(parents=True, exist_ok=True)
    if size == "course":
        target = cache / "course.nq"
        if not target.exists():
            sys.path.insert(0, str(HERE.parent / "src"))
            from conceptgraph.assets import default_data_dir
            from conceptgraph.course.build import compile_course
            from conceptgraph.vocab import DEFAULT_BASE

            dataset = compile_course(default_data_dir(), DEFAULT_BASE).dataset
            target.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
        return target
    target = cache / f"generated-{size}.nt"
    if not target.exists():
        generator = [sys.executable, str(WORKLOAD / "gen_graph.py")]
        subprocess.run([*generator, "--triples", size, "--out", str(target)], check=True)
    return target


def queries(size: str) -> dict[str, str]:
    folder = WORKLOAD / ("course" if size == "course" else "generated")
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))}


# ---------------------------------------------------------------- child: one engine, one graph


def _load(engine: str, path: Path) -> Any:
    quads = path.suffix == ".nq"
    if engine == "oxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES)
        return store
    import rdflib

    if quads:
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(path, format="nquads")
        return dataset
    graph = rdflib.Graph()
    graph.parse(path, format="nt")
    return graph


def _run(engine: str, store: Any, query: str) -> str:
    """Run a query and reduce its answer to a comparable fingerprint."""
    if engine == "oxigraph":
        import pyoxigraph as ox

        result = store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return str(bool(result)).lower()
        if isinstance(result, ox.QueryTriples):
            return f"{len(list(result))} triples"
        return f"{len(list(result))} rows"
    result = store.query(query)
    if result.type == "ASK":
        return str(bool(result.askAnswer)).lower()
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return f"{len(result.graph)} triples"
    return f"{len(list(result))} rows"


def child(engine: str, path: Path, size: str) -> None:
    """Measure one engine on one graph; print one JSON line per measurement."""
    start = time.perf_counter()
    store = _load(engine, path)
    load = time.perf_counter() - start
    print(json.dumps({"kind": "load", "seconds": load}), flush=True)
    for name, text in queries(size).items():
        times, answer = [], ""
        for _ in range(MAX_REPS):
            begin = time.perf_counter()
            try:
                answer = _run(engine, store, text)
            except Exception as exc:  # noqa: BLE001 - an engine's failure is a result here
                answer = f"error: {type(exc).__name__}"
            times.append(time.perf_counter() - begin)
            if sum(times[1:]) > BUDGET:
                break
        print(json.dumps({"kind": "query", "name": name, "times": times, "answer": answer}), flush=True)
    for text in ANSWER_CHECKS:
        try:
            answer = _run(engine, store, text)
        except Exception as exc:  # noqa: BLE001
            answer = f"error: {type(exc).__name__}: {exc}"[:80]
        print(json.dumps({"kind": "check", "query": text, "answer": answer}), flush=True)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"kind": "memory", "mib": peak_kib / 1024}), flush=True)


# ---------------------------------------------------------------- parent: run, compare, print


def measure(engine: str, path: Path, size: str) -> dict[str, Any]:
    """Run the child for one engine and graph and collect what it printed (even if stopped)."""
    found: dict[str, Any] = {"queries": {}, "checks": {}}
    command = [sys.executable, __file__, "--child", engine, "--file", str(path), "--sizes", size]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        out, _ = process.communicate(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        found["stopped"] = True
    for line in out.splitlines():
        item = json.loads(line)
        if item["kind"] == "load":
            found["load"] = item["seconds"]
        elif item["kind"] == "query":
            found["queries"][item["name"]] = item
        elif item["kind"] == "check":
            found["checks"][item["query"]] = item["answer"]
        else:
            found["memory"] = item["mib"]
    return found


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def table(size: str, results: dict[str, dict[str, Any]]) -> list[str]:
    """The markdown table for one graph size."""
    lines = [
        f"#### {size if size == 'course' else f'{int(size):,} triples (generated)'}",
        "",
        "| query | rdflib median ms | rdflib p95 ms | oxigraph median ms | oxigraph p95 ms | ratio | same answer |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    ratios = []
    for name in queries(size):
        cells, medians, answers = [], [], []
        for engine in ENGINES:
            item = results[engine]["queries"].get(name)
            if item is None:
                cells += ["stopped", "stopped"]
                continue
            median, p95 = _stats(item["times"])
            cells += [_ms(median), _ms(p95)]
            medians.append(median)
            answers.append(item["answer"])
        ratio = medians[0] / medians[1] if len(medians) == 2 and medians[1] > 0 else None
        if ratio:
            ratios.append(ratio)
        same = "yes" if len(set(answers)) == 1 and len(answers) == 2 else " / ".join(answers) or "?"
        lines.append(f"| {name} | {' | '.join(cells)} | {f'{ratio:.0f}×' if ratio else '—'} | {same} |")
    if ratios:
        lines.append(f"| **geometric mean ratio** | | | | | **{statistics.geometric_mean(ratios):.0f}×** | |")
    load = " · ".join(
        f"{e}: load {results[e].get('load', float('nan')):.2f} s, peak {results[e].get('memory', float('nan')):.0f} MiB"
        for e in ENGINES
    )
    lines += ["", load, ""]
    for query, expected in ANSWER_CHECKS.items():
        got = " · ".join(f"{e}: {results[e]['checks'].get(query, '—')}" for e in ENGINES)
        lines.append(f"- `{query}` (right answer: {expected}) → {got}")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="course,100000,1000000")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--write", type=Path, help="Also write the tables into this markdown file.")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file, args.sizes)
        return
    import pyoxigraph
    import rdflib

    header = [
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, "
        f"rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}. Medians of up to {MAX_REPS} runs "
        f"(fewer where a query is slow: {BUDGET:g} s of repetitions at most).",
        "",
    ]
    print("\n".join(header))
    output = list(header)
    for size in args.sizes.split(","):
        path = graph_file(size, args.cache)
        results = {engine: measure(engine, path, size) for engine in ENGINES}
        lines = table(size, results)
        print("\n".join(lines), flush=True)
        output += lines
    if args.write:
        args.write.write_text("\n".join(output), encoding="utf-8")


if __name__ == "__main__":
    main()
