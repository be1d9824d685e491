"""The query page in a real browser: every example runs and shows a table; nothing leaves the machine."""

from __future__ import annotations

from typing import Any

from conceptgraph.sparql.examples import examples
from tests.server import RunningServer


def test_every_example_runs_in_the_browser(page: Any, server: RunningServer) -> None:
    page.goto(f"{server.url}/sparql")
    page.wait_for_selector(".CodeMirror")
    buttons = page.locator("button.example")
    assert buttons.count() == len(examples())
    for index in range(buttons.count()):
        page.locator("#results").evaluate("node => node.replaceChildren()")
        buttons.nth(index).click()
        page.wait_for_selector("#results table tbody tr")
        assert page.locator("#results tbody tr").count() > 0, examples()[index].slug
        assert "rækker" in page.locator("#status").inner_text()
    assert page.console_errors == []
    assert page.outside_requests == []


def test_results_link_resources_and_escape_text(page: Any, server: RunningServer) -> None:
    query = 'SELECT ?s ?l WHERE { VALUES ?l { "<img src=x onerror=alert(1)>" } BIND(id:stoej AS ?s) }'
    page.goto(f"{server.url}/sparql?query={query}")
    page.wait_for_selector("#results table tbody tr")
    link = page.locator("#results tbody a")
    assert link.get_attribute("href") == "/id/stoej"
    assert page.locator("#results tbody td").nth(1).inner_text() == "<img src=x onerror=alert(1)>"
    assert page.locator("#results img").count() == 0
    assert page.outside_requests == []


def test_permalink_and_download_links_carry_the_query(page: Any, server: RunningServer) -> None:
    page.goto(f"{server.url}/sparql?lang=en")
    page.locator("button.example").first.click()
    page.wait_for_selector("#results table")
    permalink = page.locator("#permalink").get_attribute("href")
    assert permalink.startswith("/sparql?query=") and permalink.endswith("&lang=en")
    csv_link = page.locator("a.download[data-format=csv]").get_attribute("href")
    assert "format=csv" in csv_link
    page.goto(server.url + permalink)
    page.wait_for_selector("#results table tbody tr")
    assert "rows" in page.locator("#status").inner_text()
