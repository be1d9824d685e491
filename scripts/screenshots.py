"""Screenshots of the start page and a tour step, on a laptop and on a phone, for the README.

    python scripts/screenshots.py [--url http://127.0.0.1:5000] [--out docs]

Without --url it starts its own server on the built-in course and stops it afterwards. Uses
Debian's Chromium through Playwright, as the browser tests do.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server import CHROMIUM, CHROMIUM_ARGS, RunningServer  # noqa: E402

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SHOTS = [  # (file, path, viewport, wait for the tour's map)
    ("start.png", "/", LAPTOP, False),
    ("start-phone.png", "/", PHONE, False),
    ("tour.png", "/tour/uddannelsesgang-1?step=4", LAPTOP, True),
    ("tour-phone.png", "/tour/uddannelsesgang-1?step=4", PHONE, True),
]


def take(url: str, out: Path) -> list[Path]:
    """Save every shot of SHOTS from the server at `url` into `out`."""
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for name, path, viewport, framed in SHOTS:
            phone = viewport is PHONE
            context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
            page = context.new_page()
            page.goto(url + path)
            if framed:
                page.frame_locator("#tour-map").locator("body[data-map-ready=true]").wait_for()
            page.screenshot(path=str(out / name))
            saved.append(out / name)
            context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    if args.url:
        saved = take(args.url.rstrip("/"), args.out)
    else:
        with tempfile.TemporaryDirectory() as work:
            server = RunningServer(Path(work) / "build", {"query_workers": "1"})
            try:
                saved = take(server.url, args.out)
            finally:
                server.stop()
    for path in saved:
        print(path)


if __name__ == "__main__":
    main()
