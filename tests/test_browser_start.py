"""The start page, a guided tour and an error page in a real browser (Debian's Chromium), on a
laptop (1366×768) and a phone (390×844)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import guarded_page
from tests.server import RunningServer, fetch
from tests.test_browser_map import AXE

TOUR = "uddannelsesgang-1"
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(VIEWPORTS))
def screen(request: pytest.FixtureRequest, browser: Any, server: RunningServer) -> Iterator[Any]:
    """A page at one of the two screen sizes that records console errors and outside requests."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=VIEWPORTS[request.param], is_mobile=phone, has_touch=phone)
    page = guarded_page(context)
    page.width = VIEWPORTS[request.param]["width"]
    yield page
    context.close()


def question_slugs(server: RunningServer) -> set[str]:
    from urllib.parse import urlencode

    query = "PREFIX cg: <https://w3id.org/conceptgraph/vocab#> SELECT ?q WHERE { ?q a cg:ReflectionQuestion }"
    reply = fetch(
        f"{server.url}/sparql?" + urlencode({"query": query}), headers={"Accept": "application/sparql-results+json"}
    )
    return {b["q"]["value"].rsplit("/", 1)[1] for b in reply.json()["results"]["bindings"]}


def test_the_start_page_loads_cleanly_and_links_every_question_to_its_path(screen: Any, server: RunningServer) -> None:
    screen.goto(f"{server.url}/")
    screen.wait_for_load_state("load")
    hrefs = screen.eval_on_selector_all("a.path-link", "links => links.map(a => a.getAttribute('href'))")
    paths = {dict(parse_qsl(urlsplit(h).query))["path"] for h in hrefs}
    assert paths == question_slugs(server) and len(hrefs) == 23
    assert screen.locator("#door-map").is_visible() and screen.locator("#door-tour").is_visible()
    assert screen.evaluate("document.documentElement.scrollWidth") <= screen.width
    assert screen.console_errors == [] and screen.outside_requests == []


def test_the_start_page_search_suggests_and_opens_the_map(screen: Any, server: RunningServer) -> None:
    screen.goto(f"{server.url}/")
    screen.fill("#search", "potentielle")
    screen.locator("#search-suggestions a", has_text="Den potentielle organisation").click()
    screen.wait_for_selector("body[data-map-ready=true]")
    assert screen.url.endswith("/map?focus=den-potentielle-organisation&depth=1")
    assert screen.console_errors == []


def step_number(page: Any) -> str:
    return str(page.inner_text("#step-number"))


def test_the_tour_walks_from_first_to_last_step_with_the_keyboard(screen: Any, server: RunningServer) -> None:
    screen.goto(f"{server.url}/")
    with screen.expect_navigation():  # keys pressed before the step's deferred script ran are lost
        screen.click("#door-tour")
    total = int(step_number(screen).rsplit(" ", 1)[1])
    assert total == 20
    seen = []
    for n in range(1, total + 1):
        assert step_number(screen) == f"Trin {n} af {total}"
        assert screen.url.endswith(f"/tour/{TOUR}" if n == 1 else f"/tour/{TOUR}?step={n}")
        seen.append((screen.url, screen.inner_text("#step-title")))
        if n < total:
            with screen.expect_navigation():
                screen.keyboard.press("ArrowRight")
    screen.keyboard.press("ArrowRight")  # past the last step nothing happens
    assert step_number(screen) == f"Trin {total} af {total}"
    with screen.expect_navigation():
        screen.keyboard.press("ArrowLeft")
    assert step_number(screen) == f"Trin {total - 1} af {total}"
    for n, (url, title) in list(enumerate(seen, start=1))[::6]:  # each step's URL restores it
        screen.goto(url)
        assert step_number(screen) == f"Trin {n} af {total}" and screen.inner_text("#step-title") == title
    assert screen.console_errors == [] and screen.outside_requests == []


def test_a_tour_step_draws_its_map_beside_the_text(screen: Any, server: RunningServer) -> None:
    screen.goto(f"{server.url}/tour/{TOUR}?step=4")
    frame = screen.frame_locator("#tour-map")
    frame.locator("body[data-map-ready=true]").wait_for()
    drawn = screen.frames[1].evaluate("window.conceptgraphMap.nodes.getIds().sort()")
    assert "institutionens-former" in drawn and len(drawn) == 10
    box = screen.locator("#tour-map").bounding_box()
    assert box["width"] > 300 and box["height"] > 300
    assert screen.evaluate("document.documentElement.scrollWidth") <= screen.width
    assert screen.console_errors == []


def test_an_error_page_is_danish_and_offers_the_nearest_match(screen: Any, server: RunningServer) -> None:
    screen.goto(f"{server.url}/map?focus=den-potentiele-organisation")
    assert screen.locator("html").get_attribute("lang") == "da"
    assert screen.inner_text("#error-message").startswith(
        "Der findes ikke noget med navnet 'den-potentiele-organisation' i kurset."
    )
    assert screen.inner_text("#did-you-mean") == "Mente du:"
    screen.locator(".suggested a", has_text="Den potentielle organisation").first.click()
    screen.wait_for_selector("body[data-map-ready=true]")
    assert "focus=den-potentielle-organisation" in screen.url


@pytest.mark.parametrize("path", ["/", f"/tour/{TOUR}?step=3", "/questions", "/id/den-potentielle-organisation"])
def test_no_serious_accessibility_violations(browser: Any, server: RunningServer, path: str) -> None:
    for viewport in VIEWPORTS.values():
        # Our own CSP rightly refuses an injected script; the checker is let in by the test alone.
        context = browser.new_context(bypass_csp=True, viewport=viewport)
        page = context.new_page()
        page.goto(server.url + path)
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        context.close()
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (viewport, serious)
