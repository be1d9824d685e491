"""How long does each export take, and how big is it? The course's whole map and a generated
5,000-node course-shaped graph, every format, beside pyvis's own HTML writer for the same graph.

    python benchmarks/export.py [--sizes course,5000] [--runs 3]

Goal: every course-graph export under 2 s on this machine. Each measurement runs in its own
process with a time limit, so one slow layout cannot stall the table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
LIMIT_S = 300


def _snapshot(size: str, work: Path):  # noqa: ANN202 - a conceptgraph Snapshot
    from course_graph import write as write_graph

    from conceptgraph.assets import default_data_dir
    from conceptgraph.course.build import compile_course
    from conceptgraph.export import Snapshot
    from conceptgraph.graph.projection import project
    from conceptgraph.store.embedded import Store
    from conceptgraph.vocab import DEFAULT_BASE

    if size == "course":
        build = compile_course(default_data_dir(), DEFAULT_BASE)
        store, version = Store.from_dataset(build.dataset), build.course.version
    else:
        store, version = Store.from_file(write_graph(int(size), work / f"course-{size}.nq")), f"generated-{size}"
    projection = project(store, DEFAULT_BASE)
    return Snapshot.of(
        projection, store, {}, public_url="http://localhost:5000", data_version=version, max_nodes=len(projection.graph)
    )


def child(size: str, fmt: str, runs: int, work: Path) -> None:
    """Export one format `runs` times; print the median seconds and the size."""
    from conceptgraph.export import export_view

    snapshot = _snapshot(size, work)
    times, size_bytes = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        if fmt == "pyvis-html":
            from pyvis.network import Network

            net = Network(directed=True)
            for node in snapshot.view.nodes:
                net.add_node(node, label=node)
            for u, v, _ in snapshot.view.edges:
                net.add_edge(u, v)
            content = net.generate_html().encode()
        else:
            content = export_view(snapshot, fmt)
        times.append(time.perf_counter() - start)
        size_bytes = len(content)
    print(json.dumps({"seconds": statistics.median(times), "bytes": size_bytes, "nodes": len(snapshot.view.nodes)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="course,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / ".cache" / "export")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        child(args.child[0], args.child[1], args.runs, args.work)
        return
    from conceptgraph.export import FORMATS

    print("| graph | format | nodes | median time (s) | size |")
    print("|---|---|---:|---:|---:|")
    for size in args.sizes.split(","):
        for fmt in [*FORMATS, "pyvis-html"]:
            command = [
                sys.executable,
                __file__,
                "--child",
                size,
                fmt,
                "--runs",
                str(args.runs),
                "--work",
                str(args.work),
            ]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=LIMIT_S)
                result = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
                cells = (
                    f"{result['nodes']} | {result['seconds']:.2f} | {result['bytes'] / 1024:,.0f} KiB"
                    if result
                    else f"— | failed: {done.stderr.strip().splitlines()[-1][:80]} | —"
                )
            except subprocess.TimeoutExpired:
                cells = f"— | over {LIMIT_S} s | —"
            name = "pyvis generate_html (peer; loads CDN scripts)" if fmt == "pyvis-html" else fmt
            print(f"| {size} | {name} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
