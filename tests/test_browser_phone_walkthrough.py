"""Issue 14's "done when", walked through on a phone (390×844, touch, Debian's Chromium) against a
real server: the facilitator creates a cohort and invitations with the command line; a participant
opens the printed link, answers "Hvad vil du gøre 'i morgen'?" linking it to the question's two
concepts with reasons, keeps it private, shares another, sees both on the map's overview (linked
to all they address, in view), exports their data and deletes their account; the facilitator
reads the shared one by question and downloads a handout without names. SQLite only: the same
pages on PostgreSQL are walked in test_browser_reflections.py, and one phone walk is the cost this
suite can carry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SERVER_SETTINGS
from tests.map_geometry import drawing
from tests.reflections_people import PASSPHRASE
from tests.reflections_site import Site, start_site
from tests.test_browser_reflections import SCREENS, new_page

TOMORROW = "hvad-vil-du-goere-i-morgen"
TOMORROW_LINKS = ("motivation-er-noeglen-til-innovation", "ledelse-paa-alle-niveauer")  # its cg:addresses
OTHER = "netvaerkstema-og-stoej"


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from start_site("sqlite", tmp_path_factory.mktemp("phone"), request, SERVER_SETTINGS)


def facilitator_says(site: Site, *args: str) -> list[str]:
    """`conceptgraph ARGS` as the facilitator runs it on the server's database; its output lines."""
    env = {**os.environ, "CONCEPTGRAPH_REFLECTIONS_DB": site.url, "CONCEPTGRAPH_PUBLIC_URL": site.server.url}
    done = subprocess.run([sys.executable, "-m", "conceptgraph", *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def phone(browser: Any) -> Any:
    """A phone's page that may only talk to the test server, with every script error kept."""
    return new_page(browser, **SCREENS["phone"])


def fits(page: Any) -> None:
    """Nothing on the page is wider than the phone (no sideways scrolling)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide"


def join(page: Any, link: str, name: str) -> None:
    page.goto(link)
    fits(page)
    page.fill("input[name=name]", name)
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.fill("input[name=passphrase_again]", PASSPHRASE)
    page.tap("form.people-form button[type=submit]")
    page.wait_for_url("**/me")


def answer(page: Any, text: str, links: tuple[str, ...], *, share: bool) -> str:
    """Fill the open writing form by touch; the id of the saved reflection."""
    fits(page)
    page.fill("textarea[name=text]", text)
    for slug in links:
        page.tap(f"input[name=link][value={slug}]")
        page.fill(f"input[name=reason-{slug}]", f"Fordi {slug} er det, jeg vil arbejde med.")
    if share:
        page.tap("input[name=visibility][value=cohort]")
    page.tap("form.reflect-form button[type=submit]")
    page.wait_for_url("**/me#reflection-*")
    return str(page.url.split("#reflection-")[1])


def test_a_participant_on_a_phone_and_their_facilitator_do_what_issue_14_promises(browser: Any, site: Site) -> None:
    facilitator_says(site, "cohort", "create", "hold-telefon", "--title", "Hold efterår 2026")
    first, second = facilitator_says(site, "cohort", "invite", "hold-telefon", "--count", "2")
    (lead,) = facilitator_says(site, "cohort", "invite", "hold-telefon", "--facilitator")
    assert first.startswith(f"{site.server.url}/join/") and first != second

    me = phone(browser)
    join(me, first, "Nanna")
    me.tap(f"ul.unanswered a[href='/questions/{TOMORROW}/reflect']")
    me.wait_for_url(f"**/questions/{TOMORROW}/reflect")
    offered = me.eval_on_selector_all("input[name=link]", "boxes => boxes.map(b => b.value)")
    assert set(TOMORROW_LINKS) <= set(offered)
    private = answer(me, "I morgen spørger jeg tre medarbejdere, hvad der driver dem.", TOMORROW_LINKS, share=False)
    kept = me.locator(f"#reflection-{private}")
    assert "privat" in kept.inner_text() and kept.locator("ul.links li").count() == 2

    me.goto(f"{site.server.url}/questions/{OTHER}/reflect")
    shared = answer(me, "Støj i netværket er der, vi lærer noget.", ("stoej",), share=True)
    assert "delt med holdet" in me.locator(f"#reflection-{shared}").inner_text()

    me.goto(f"{site.server.url}/map")  # the overview, which draws one of the five resources linked
    me.wait_for_selector("body[data-map-ready=true]")
    me.tap("#layer-my-reflections")
    drawn = drawing(me)
    assert drawn.links[f"reflection:{private}"] == {TOMORROW, *TOMORROW_LINKS}
    assert drawn.links[f"reflection:{shared}"] == {OTHER, "stoej"}
    linked = {f"reflection:{private}", f"reflection:{shared}", TOMORROW, *TOMORROW_LINKS, OTHER, "stoej"}
    assert drawn.outside(linked) == [] and drawn.on_top(linked) == []

    facilitator = phone(browser)
    join(facilitator, lead, "Jonas Underviser")
    facilitator.goto(f"{site.server.url}/cohort/hold-telefon")
    fits(facilitator)
    on_question = facilitator.locator(f"section.cohort-question:has(#reflection-{shared})")
    assert on_question.locator(f"h2 a[href='/id/{OTHER}']").count() == 1
    assert "Støj i netværket" in on_question.inner_text() and "Nanna" not in facilitator.content()
    assert facilitator.locator(f"#reflection-{private}").count() == 0
    assert facilitator.locator(f"ul.unanswered a[href='/id/{TOMORROW}']").count() == 1  # shared by nobody
    with facilitator.expect_download() as handout:
        facilitator.tap("p.cohort-actions a[href*='handout.md']")
    notes = Path(handout.value.path()).read_text(encoding="utf-8")
    assert "Støj i netværket" in notes and "Nanna" not in notes and "I morgen spørger" not in notes

    me.goto(f"{site.server.url}/me")
    with me.expect_download() as download:
        me.tap("p.my-data a[href='/me/export']")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert {item["id"].rsplit("/", 1)[1] for item in exported["first"]["items"]} == {private, shared}
    me.tap("p.my-data a[href='/me/delete']")
    me.wait_for_url("**/me/delete")
    fits(me)
    with me.expect_navigation():
        me.tap("form button.danger")
    assert me.locator("h1").inner_text() == "Din konto er slettet"

    facilitator.goto(f"{site.server.url}/cohort/hold-telefon")
    assert facilitator.locator(f"#reflection-{shared}").count() == 0 and "Støj i netværket" not in facilitator.content()
    for page in (me, facilitator):
        assert page.problems == []
        page.context.close()
