"""How fast is the map? Server time to build the page, and browser time until it is drawn and
interactive, beside pyvis's own page with its default physics, in one run.

    python benchmarks/map_render.py [--sizes course,1000,5000] [--runs 5] [--pages-only]

For each graph (the course, and generated course-shaped graphs of 1,000 and 5,000 nodes) a real
`conceptgraph serve` answers the map; Debian's headless Chromium loads it. "overview" is the first
map a participant sees (`/map`: themes, texts and their main concepts); "capped" is the whole
course (`/map?all=1`, at most 300 nodes drawn, the page says what it hides); "all" raises the cap
to draw everything. The peer is pyvis's generated HTML for the same drawn nodes with its default physics
(its CDN scripts served from our vendored copies), timed until vis-network reports it stabilised.

The participant pages (the start page and a tour step, on a laptop and a phone screen) are timed
on the course graph from the request to drawn and interactive: the page's load event (its
deferred script has run), and for a tour step the moment its framed map has drawn. Goal: under 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from course_graph import write as write_graph  # noqa: E402
from tests.server import CHROMIUM, CHROMIUM_ARGS, RunningServer  # noqa: E402

VENDOR = ROOT / "web" / "static" / "vendor"
PEER_TIMEOUT_MS = 120_000
PAGES = [("start page", "/", False), ("tour step", "/tour/uddannelsesgang-1?step=4", True)]
SCREENS = {"1366×768": {"width": 1366, "height": 768}, "390×844": {"width": 390, "height": 844}}
# ms from the top page's navigation start to its framed map drawn (the frame has its own clock).
FRAME_READY = """() => { const frame = document.getElementById('tour-map').contentWindow;
    return frame.performance.timeOrigin + frame.mapReadyAt - performance.timeOrigin; }"""
VIEWS = (("overview", 300, "/map"), ("capped", 300, "/map?all=1"), ("all", 1_000_000, "/map?all=1"))


def server_for(size: str, cap: int, work: Path) -> RunningServer:
    work.mkdir(parents=True, exist_ok=True)
    settings = {"map_max_nodes": str(cap), "query_workers": "1"}
    if size != "course":
        settings["dataset"] = str(write_graph(int(size), work / f"course-{size}.nq"))
    return RunningServer(work / f"build-{size}", settings)


def server_ms(url: str, runs: int) -> tuple[float, float]:
    """ms for the first request of a view (layout computed) and the median of repeats (reused)."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"})) as reply:
            reply.read()
        times.append(time.perf_counter() - start)
    return times[0] * 1000, statistics.median(times[1:]) * 1000


def browser_ms(browser: Any, url: str, runs: int) -> tuple[float, int]:
    """Median ms from navigation start to the map drawn, and how many nodes it drew."""
    times, drawn = [], 0
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_selector("body[data-map-ready=true]", timeout=300_000)
        times.append(page.evaluate("window.mapReadyAt"))
        drawn = page.evaluate("window.conceptgraphMap.nodes.length")
        page.close()
    return statistics.median(times), drawn


def participant_ms(browser: Any, url: str, framed: bool, viewport: dict[str, int], runs: int) -> float:
    """Median ms from navigation start to drawn and interactive (see the module docstring)."""
    times = []
    for _ in range(runs):
        page = browser.new_page(viewport=viewport)
        page.goto(url)
        if framed:
            page.frame_locator("#tour-map").locator("body[data-map-ready=true]").wait_for(timeout=60_000)
            times.append(page.evaluate(FRAME_READY))
        else:
            page.wait_for_load_state("load")
            times.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
        page.close()
    return statistics.median(times)


def participant_pages(browser: Any, work: Path, runs: int) -> list[tuple[str, str, float, float, float]]:
    """(page, screen, server first ms, server repeat ms, browser ms) for each page and screen."""
    server = server_for("course", 300, work / "pages")
    rows = []
    try:
        for name, path, framed in PAGES:
            first, repeat = server_ms(server.url + path, runs)
            for screen, viewport in SCREENS.items():
                drawn = participant_ms(browser, server.url + path, framed, viewport, runs)
                rows.append((name, screen, first, repeat, drawn))
                print(f"{name} {screen}: server {first:.0f} / {repeat:.0f} ms, drawn {drawn:.0f} ms", flush=True)
    finally:
        server.stop()
    return rows


def pyvis_html(url: str) -> str:
    """pyvis's own page for the nodes and edges our map draws for `url`, with its default options."""
    import json
    import re

    from pyvis.network import Network

    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"})) as reply:
        body = reply.read().decode()
    data = json.loads(re.search(r'id="map-data">(.*?)</script>', body, re.S).group(1))
    net = Network(directed=True, height="900px", width="100%")
    for node in data["nodes"]:
        net.add_node(node["id"], label=node["label"])
    for edge in data["edges"]:
        net.add_edge(edge["from"], edge["to"])
    # Its CDN tags carry SRI hashes of the CDN's files; ours are served in their place.
    return re.sub(r'\s(integrity|crossorigin)="[^"]*"', "", net.generate_html())


def peer_ms(browser: Any, html: str) -> float:
    """ms until pyvis's page reports its physics stabilised (scripts from the CDN served locally)."""
    script = (
        (VENDOR / "vis-data" / "vis-data.min.js").read_text()
        + "\n"
        + (VENDOR / "vis-network" / "vis-network.min.js").read_text()
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    def serve(route: Any) -> None:
        if route.request.url.endswith(".js") and "vis-network" in route.request.url:
            route.fulfill(body=script, content_type="application/javascript")
        elif route.request.url.startswith("http://bench.local/"):
            route.fulfill(body=html, content_type="text/html")
        else:
            route.fulfill(body="", content_type="text/plain")

    page.route("**/*", serve)
    page.add_init_script("""window.addEventListener('load', () => {
        const wait = () => { if (window.network) {
            window.network.once('stabilized', () => { window.__stable = performance.now(); }); }
          else setTimeout(wait, 5); };
        wait(); });""")
    try:
        page.goto("http://bench.local/", timeout=PEER_TIMEOUT_MS)  # its own script can hold up "load"
        page.wait_for_function("window.__stable !== undefined", timeout=PEER_TIMEOUT_MS)
        result = page.evaluate("window.__stable")
    except Exception:  # noqa: BLE001 - a peer that never settles is a result
        result = float("inf")
    page.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="course,1000,5000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=HERE / ".cache" / "map")
    parser.add_argument("--pages-only", action="store_true", help="time only the start page and a tour step")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        pages = participant_pages(browser, args.work, args.runs)
        for size in [] if args.pages_only else args.sizes.split(","):
            for label, cap, path in VIEWS:
                server = server_for(size, cap, args.work / label)
                try:
                    url = f"{server.url}{path}"
                    first, build = server_ms(url, args.runs)
                    drawn_ms, drawn = browser_ms(browser, url, args.runs)
                    peer = peer_ms(browser, pyvis_html(url))
                finally:
                    server.stop()
                rows.append((size, label, drawn, first, build, drawn_ms, peer))
                print(
                    f"{size} {label}: {drawn} nodes, server {first:.0f} / {build:.0f} ms, "
                    f"drawn {drawn_ms:.0f} ms, pyvis default {peer:.0f} ms",
                    flush=True,
                )
        browser.close()
    print(
        "\n| page (course graph) | screen | server: first (ms) | server: repeat (ms) "
        "| browser: request → interactive (ms) |"
    )
    print("|---|---|---:|---:|---:|")
    for name, screen, first, repeat, drawn in pages:
        print(f"| {name} | {screen} | {first:.0f} | {repeat:.0f} | {drawn:.0f} |")
    if args.pages_only:
        return
    print(
        "\n| graph | view | nodes drawn | server: first /map (ms) | server: repeat (ms) "
        "| browser: request → drawn (ms) | pyvis default: load → stabilised (ms) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for size, label, drawn, first, build, drawn_ms, peer in rows:
        peer_text = "did not settle in 120 s" if peer == float("inf") else f"{peer:,.0f}"
        print(f"| {size} | {label} | {drawn} | {first:.0f} | {build:.0f} | {drawn_ms:.0f} | {peer_text} |")


if __name__ == "__main__":
    main()
