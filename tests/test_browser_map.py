"""The concept map in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import HOSTILE, QUESTION_PATH
from tests.server import RunningServer

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def open_map(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-map-ready=true]")


def click_node(page: Any, slug: str) -> None:
    """Click where the node is drawn on the canvas."""
    page.locator("#map").scroll_into_view_if_needed()
    point = page.evaluate(
        """slug => { const n = window.conceptgraphMap.network;
                     const p = n.canvasToDOM(n.getPositions([slug])[slug]);
                     const box = document.getElementById('map').getBoundingClientRect();
                     return {x: box.left + p.x, y: box.top + p.y}; }""",
        slug,
    )
    page.mouse.click(point["x"], point["y"])


def test_map_loads_every_node_without_errors_or_outside_requests(page: Any, server: RunningServer) -> None:
    open_map(page, f"{server.url}/map?all=1")
    assert page.evaluate("window.conceptgraphMap.nodes.length") == 183
    assert page.console_errors == []
    assert page.outside_requests == []


def test_search_select_focus_changes_the_url(page: Any, server: RunningServer) -> None:
    open_map(page, f"{server.url}/map")
    overview = page.evaluate("window.conceptgraphMap.nodes.length")
    page.fill("#search", "akerstrom")
    page.wait_for_selector("#search-suggestions a")
    suggestion = page.locator("#search-suggestions a").first
    assert suggestion.inner_text() == "Åkerstrøm"
    suggestion.click()
    page.wait_for_selector("body[data-map-ready=true]")
    assert page.url.endswith("/map?focus=aakerstroem&depth=1")
    assert page.evaluate("window.conceptgraphMap.nodes.get('aakerstroem').borderWidth") == 4
    page.go_back()
    page.wait_for_selector("body[data-map-ready=true]")
    assert page.evaluate("window.conceptgraphMap.nodes.length") == overview


def test_path_view_highlights_the_question_theory_texts_and_authors(page: Any, server: RunningServer) -> None:
    open_map(page, f"{server.url}/map?path=netvaerkstema-og-stoej")
    marked = page.evaluate("window.conceptgraphMap.nodes.get({filter: n => n.borderWidth === 4}).map(n => n.id)")
    assert set(marked) == QUESTION_PATH
    steps = page.locator(".explanation .steps li")
    assert steps.count() == 10
    assert "Spørgsmålet spørger direkte, om du har gjort brug af støj" in page.locator(".explanation").inner_text()


def test_clicking_a_node_opens_the_panel_with_its_text(page: Any, server: RunningServer) -> None:
    open_map(page, f"{server.url}/map?focus=den-potentielle-organisation&depth=1")
    click_node(page, "den-potentielle-organisation")
    panel = page.locator("#panel")
    panel.wait_for(state="visible")
    assert page.locator("#panel-title").inner_text() == "Den potentielle organisation"
    assert "Andenordensstrategi" in panel.inner_text()
    assert "Velfærdsinstitutionernes selvstændiggørelse" in panel.inner_text()
    assert page.locator("#panel-page").get_attribute("href") == "/id/den-potentielle-organisation"


def test_keyboard_walks_the_map_and_announces_neighbours(page: Any, server: RunningServer) -> None:
    open_map(page, f"{server.url}/map?focus=den-potentielle-organisation&depth=1")
    page.focus("#map")
    first = page.locator("#announce").inner_text()
    assert first.startswith("Den potentielle organisation: ") and "spørgsmål" in first
    for key in ("ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"):
        page.keyboard.press(key)
    assert page.locator("#announce").inner_text() != ""
    page.keyboard.press("Enter")
    assert page.locator("#panel").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#panel").is_visible()


def test_switching_language_keeps_the_view(page: Any, server: RunningServer) -> None:
    open_map(page, f"{server.url}/map?focus=stoej&depth=1")
    page.click("a.lang-switch")
    page.wait_for_selector("body[data-map-ready=true]")
    assert "focus=stoej" in page.url and "lang=en" in page.url
    assert page.evaluate("window.conceptgraphMap.nodes.get('stoej').label") == "Noise"
    page.click("a.lang-switch")
    page.wait_for_selector("body[data-map-ready=true]")
    assert "lang=en" not in page.url
    assert page.evaluate("window.conceptgraphMap.nodes.get('stoej').label") == "Støj"


def test_hostile_label_stays_text(page: Any, hostile_server: RunningServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_server.url}/map?focus=fjendtlig-etiket&depth=1")
    page.wait_for_selector("body[data-map-ready=true]")
    page.evaluate("window.conceptgraphMap.select('fjendtlig-etiket')")
    assert page.locator("#panel-title").inner_text() == HOSTILE
    click_node(page, "fjendtlig-etiket")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    assert page.locator("main img").count() == 0
    assert dialogs == []
    assert page.outside_requests == []


def test_usable_on_a_phone(browser: Any, server: RunningServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{server.url}/map?focus=den-potentielle-organisation&depth=1")
    page.wait_for_selector("body[data-map-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#map").bounding_box()
    assert box["width"] > 300 and box["height"] > 300
    page.evaluate("window.conceptgraphMap.select('den-potentielle-organisation')")
    panel = page.locator("#panel").bounding_box()  # a sheet at the bottom of the screen
    assert panel["width"] > 300 and abs(panel["y"] + panel["height"] - 844) <= 1
    context.close()


def test_questions_page_has_no_serious_accessibility_violations(browser: Any, server: RunningServer) -> None:
    # Our own CSP rightly refuses an injected script; the checker is let in by the test alone.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server.url}/questions")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    serious = [
        (v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_done_when_walkthrough(page: Any, server: RunningServer) -> None:
    """From / a participant finds "Den potentielle organisation", sees the questions about it and
    why, follows one to Åkerstrøm's text, switches language and back, and shares the link."""
    page.goto(f"{server.url}/")
    page.click("#door-map")
    page.wait_for_selector("body[data-map-ready=true]")
    page.fill("#search", "potentielle organisation")
    page.locator("#search-suggestions a", has_text="Den potentielle organisation").click()
    page.wait_for_selector("body[data-map-ready=true]")
    questions = page.evaluate("window.conceptgraphMap.nodes.get({filter: n => n.cls === 'ReflectionQuestion'}).length")
    assert questions >= 4
    page.goto(f"{server.url}/id/den-potentielle-organisation")
    assert "Spørgsmålet bruger navnet på Åkerstrøms fjerde institutionsform" in page.inner_text("main")
    page.click("a:has-text('Velfærdsinstitutionernes selvstændiggørelse')")
    assert page.url.endswith("/id/tekst-3-aakerstroem")
    assert "Åkerstrøm" in page.inner_text("main")
    page.click("a.lang-switch")
    assert "The growing self-reliance of welfare institutions" in page.inner_text("h1")
    page.click("a.lang-switch")
    view = "focus=den-potentielle-organisation&depth=2&types=ReflectionQuestion,InstitutionForm"
    shared = f"{server.url}/map?{view}"
    open_map(page, shared)
    first = page.evaluate("window.conceptgraphMap.nodes.get().map(n => [n.id, n.x, n.y])")
    open_map(page, shared)
    assert page.evaluate("window.conceptgraphMap.nodes.get().map(n => [n.id, n.x, n.y])") == first
    assert page.console_errors == [] and page.outside_requests == []
