"""A participant's reflection in a real browser (Debian's Chromium through Playwright), on SQLite
and PostgreSQL: join by invitation, write to a question with two suggested links, share it; a
second participant of the cohort sees it on /questions; the facilitator's page lists it; the author
exports their data from /me and deletes their account, and the reflection is gone for everyone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATABASES, HOSTILE, QUESTION, SERVER_SETTINGS
from tests.map_geometry import drawing
from tests.reflections_people import PASSPHRASE
from tests.reflections_site import Site, start_site

LINKED = ("stoej", "den-potentielle-organisation")
SCREENS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}


@pytest.fixture(scope="module", params=DATABASES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from start_site(request.param, tmp_path_factory.mktemp(f"rbrowser-{request.param}"), request, SERVER_SETTINGS)


def new_page(browser: Any, **screen: Any) -> Any:
    """A page in its own browser profile (of `screen`'s size) that may only talk to the test server."""
    context = browser.new_context(**screen)
    page = context.new_page()
    page.problems = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("http://127.0.0.1:")
            else (page.problems.append(route.request.url), route.abort())
        ),
    )
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    return page


def join(browser: Any, site: Site, name: str, role: str = "participant", cohort: str = "hold-a", **screen: Any) -> Any:
    page = new_page(browser, **screen)
    page.goto(f"{site.server.url}/join/{site.invite(cohort, role)}")
    page.fill("input[name=name]", name)
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.fill("input[name=passphrase_again]", PASSPHRASE)
    page.click("form.people-form button[type=submit]")
    page.wait_for_url("**/me")
    return page


def test_a_shared_reflection_reaches_the_cohort_and_its_facilitator(browser: Any, site: Site) -> None:
    author = join(browser, site, "Sofie")
    author.goto(f"{site.server.url}/questions")
    author.click(f"li#{QUESTION} a.reflect-link")
    author.fill("textarea[name=text]", f"I morgen prøver jeg at lytte efter støj. {HOSTILE}")
    for slug in LINKED:
        author.check(f"input[name=link][value={slug}]")
        author.fill(f"input[name=reason-{slug}]", f"Jeg bruger {slug} til at forstå mødet.")
    author.check("input[name=visibility][value=cohort]")
    author.click("form.reflect-form button[type=submit]")
    author.wait_for_url("**/me#reflection-*")
    reflection = author.url.split("#reflection-")[1]
    mine = author.locator(f"#reflection-{reflection}")
    assert "delt med holdet" in mine.inner_text() and mine.locator("ul.links li").count() == 2

    author.goto(f"{site.server.url}/map?all=1")  # the whole course: the question and both links are drawn
    author.wait_for_selector("body[data-map-ready=true]")
    author.check("#layer-my-reflections")
    node = f"reflection:{reflection}"
    assert author.evaluate(f"window.conceptgraphMap.nodes.get('{node}').title.textContent").endswith(HOSTILE)
    linked = author.evaluate(f"window.conceptgraphMap.network.getConnectedNodes('{node}')")
    assert set(linked) == {QUESTION, *LINKED}

    peer = join(browser, site, "Tobias")
    peer.goto(f"{site.server.url}/questions")
    shared = peer.locator(f"li#{QUESTION} #reflection-{reflection}")
    assert HOSTILE in shared.locator(".reflection-text").inner_text()
    assert "Sofie" not in shared.inner_text()

    facilitator = join(browser, site, "Ulla Underviser", role="facilitator")
    facilitator.goto(f"{site.server.url}/cohort/hold-a")
    listed = facilitator.locator(f"#reflection-{reflection}")
    assert "I morgen prøver jeg at lytte efter støj." in listed.inner_text()
    assert facilitator.evaluate("document.querySelectorAll('img').length") == 0

    export_and_erase(browser, site, author, reflection)
    peer.goto(f"{site.server.url}/questions")
    assert peer.locator(f"#reflection-{reflection}").count() == 0
    facilitator.goto(f"{site.server.url}/cohort/hold-a")
    assert facilitator.locator(f"#reflection-{reflection}").count() == 0
    assert "I morgen prøver jeg" not in facilitator.content()
    for page in (author, peer, facilitator):
        assert page.problems == []
        page.context.close()


def export_and_erase(browser: Any, site: Site, author: Any, reflection: str) -> None:
    """From /me: download the JSON-LD export (it holds the reflection), then erase the account
    through the confirmation page; the old session cookie then opens nothing."""
    author.goto(f"{site.server.url}/me")
    with author.expect_download() as download:
        author.click("p.my-data a[href='/me/export']")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    items = {item["id"].rsplit("/", 1)[1]: item for item in exported["first"]["items"]}
    assert items[reflection]["body"][0]["value"].endswith(HOSTILE)
    assert items[reflection]["cg:visibility"] == "cohort"
    cookies = [c for c in author.context.cookies() if c["name"] == "cg_session"]
    author.click("p.my-data a[href='/me/delete']")
    author.wait_for_url("**/me/delete")
    author.click("form button.danger")
    author.wait_for_load_state()
    assert author.locator("h1").inner_text() == "Din konto er slettet"
    assert not [c for c in author.context.cookies() if c["name"] == "cg_session"]
    stale = new_page(browser)
    stale.context.add_cookies(cookies)
    stale.goto(f"{site.server.url}/me")
    assert stale.url.endswith("/signin")
    stale.context.close()


def write(page: Any, site: Site, text: str, *, visibility: str = "private", links: tuple[str, ...] = LINKED[:1]) -> str:
    """Write a reflection to QUESTION through its form, linked to `links` (of its suggestions); its id."""
    page.goto(f"{site.server.url}/questions/{QUESTION}/reflect")
    page.fill("textarea[name=text]", text)
    for slug in links:
        page.check(f"input[name=link][value={slug}]")
        page.fill(f"input[name=reason-{slug}]", "Fordi det er det, jeg lytter efter.")
    page.check(f"input[name=visibility][value={visibility}]")
    page.click("form.reflect-form button[type=submit]")
    page.wait_for_url("**/me#reflection-*")
    return str(page.url.split("#reflection-")[1])


def show_layer_with_node_apart(page: Any, url: str, node: str) -> None:
    """Open the map with the reflections layer on, move `node` clear of the others, fit the view."""
    page.goto(url)
    page.wait_for_selector("body[data-map-ready=true]")
    page.check("#layer-my-reflections")
    page.locator("#map").scroll_into_view_if_needed()
    page.evaluate(
        """node => { const n = window.conceptgraphMap.network;
                     const at = Object.values(n.getPositions());
                     n.moveNode(node, Math.min(...at.map(p => p.x)) - 300, Math.min(...at.map(p => p.y)) - 300);
                     n.fit({ animation: false }); }""",
        node,
    )


def drawn_at(page: Any, node: str) -> tuple[float, float]:
    """Where `node` is drawn now, in page coordinates (the canvas narrows when the panel opens)."""
    point = page.evaluate(
        """node => { const n = window.conceptgraphMap.network;
                     const p = n.canvasToDOM(n.getPositions([node])[node]);
                     const box = document.getElementById('map').getBoundingClientRect();
                     return [box.left + p.x, box.top + p.y]; }""",
        node,
    )
    return float(point[0]), float(point[1])


def test_a_reflection_on_the_map_opens_its_own_page_from_the_panel_and_on_double_click(
    browser: Any, site: Site
) -> None:
    author = join(browser, site, "Viggo")
    reflection = write(author, site, "Jeg lytter efter støj i morgen.", visibility="cohort")
    node = f"reflection:{reflection}"
    peer = join(browser, site, "Wenche")
    opened = {
        (author, ""): f"/me#reflection-{reflection}",
        (author, "&lang=en"): f"/me?lang=en#reflection-{reflection}",
        (peer, ""): f"/id/{QUESTION}#reflection-{reflection}",
    }
    for (page, lang), expected in opened.items():
        show_layer_with_node_apart(page, f"{site.server.url}/map?focus={QUESTION}&depth=1{lang}", node)
        page.mouse.click(*drawn_at(page, node))
        page.locator("#panel").wait_for(state="visible")
        assert page.locator("#panel-page").get_attribute("href") == expected
        assert not page.locator("#panel-focus").is_visible()  # a reflection has no map view of its own
        page.mouse.dblclick(*drawn_at(page, node))
        page.wait_for_url(f"{site.server.url}{expected}")
        assert page.locator(f"#reflection-{reflection}").count() == 1
    show_layer_with_node_apart(page, f"{site.server.url}/map?focus={LINKED[0]}&depth=1", QUESTION)
    page.mouse.click(*drawn_at(page, QUESTION))  # a course resource: its page and its map view
    assert page.locator("#panel-page").get_attribute("href") == f"/id/{QUESTION}"
    assert page.locator("#panel-focus").is_visible()
    page.mouse.dblclick(*drawn_at(page, QUESTION))
    page.wait_for_url(f"{site.server.url}/map?focus={QUESTION}&depth=1")
    for page in (author, peer):
        assert page.problems == []
        page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_on_the_overview_the_layer_links_each_reflection_in_view_and_takes_back_what_it_added(
    browser: Any, site: Site, screen: str
) -> None:
    """The overview draws 18 nodes: neither QUESTION nor stoej, but den-potentielle-organisation.
    One reflection links to that drawn node and two missing ones, the other only to missing ones
    (so it is placed beside the drawing); both show linked to all they address, whole in the
    canvas, on no other node; turned off, the overview is as it was."""
    page = join(browser, site, f"Xenia ({screen})", cohort="hold-b", **SCREENS[screen])
    both = write(page, site, f"Støj og den potentielle organisation. {HOSTILE}", links=LINKED)
    alone = write(page, site, "Kun støj.", visibility="cohort")
    page.goto(f"{site.server.url}/map")
    page.wait_for_selector("body[data-map-ready=true]")
    before = drawing(page)
    assert len(before.boxes) == 18 and LINKED[1] in before.boxes
    assert QUESTION not in before.boxes and LINKED[0] not in before.boxes
    page.check("#layer-my-reflections")
    on = drawing(page)
    layer = page.evaluate("fetch('/me/map-layer?overview=1').then(r => r.json())")
    addresses: dict[str, set[str]] = {n["id"]: set() for n in layer["nodes"]}
    for edge in layer["edges"]:
        addresses[edge["from"]].add(edge["to"])
    assert addresses[f"reflection:{both}"] == {QUESTION, *LINKED}
    assert addresses[f"reflection:{alone}"] == {QUESTION, LINKED[0]}
    for node, targets in addresses.items():
        assert on.links[node] == targets, node
    added = set(on.boxes) - set(before.boxes)
    assert added == {*addresses, QUESTION, LINKED[0]}
    assert on.outside({*addresses, *(t for ts in addresses.values() for t in ts)}) == []
    assert on.on_top(added) == []
    question = page.evaluate(f"window.conceptgraphMap.nodes.get('{QUESTION}')")
    assert question["shape"] == "box" and question["cls"] == "ReflectionQuestion"
    assert page.evaluate(f"window.conceptgraphMap.nodes.get('reflection:{both}').title.textContent").endswith(HOSTILE)
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.uncheck("#layer-my-reflections")
    off = drawing(page)
    assert set(off.boxes) == set(before.boxes) and off.edges == before.edges
    assert page.problems == []
    page.context.close()
