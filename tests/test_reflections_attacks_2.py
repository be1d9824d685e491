"""Attacks on the participants' pages over real HTTP (SQLite, PostgreSQL), each found by a second
security review: a hostile participant, another site's page, a visitor. Each test failed before
its fix; test_annotations_attacks.py holds the first review's."""

from __future__ import annotations

import concurrent.futures
import glob
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import lxml.html
import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader
from sqlalchemy import func, select

from conceptgraph.reflections.annotation_json import MEDIA_TYPE
from conceptgraph.reflections.schema import reflections
from tests.annotation_http import annotation
from tests.conftest import DATABASES, QUESTION, SERVER_SETTINGS
from tests.reflections_people import PASSPHRASE
from tests.reflections_site import HTML, JSON, Person, Site, start_site, write

# What a browser sends with a form that another site's page submits to us.
CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Origin": "https://evil.example"}


# Bodies large enough for a reflection at its 20,000 characters, as the service's defaults allow.
SETTINGS = {**SERVER_SETTINGS, "max_query_bytes": "16384"}


@pytest.fixture(scope="module", params=DATABASES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from start_site(request.param, tmp_path_factory.mktemp(f"attacks2-{request.param}"), request, SETTINGS)


def stored(site: Site) -> int:
    with site.db.read() as connection:
        return int(connection.execute(select(func.count()).select_from(reflections)).scalar_one())


def confirmation(page: str) -> str:
    """The value "Gem alligevel" sends back with the text the warning page shows."""
    (value,) = lxml.html.fromstring(page).xpath(
        "//form[contains(@class, 'reflect-form')]//input[@name='confirm']/@value"
    )
    return str(value)


def test_another_sites_page_cannot_sign_a_browser_in(site: Site) -> None:
    """Login CSRF: a form on another site posting the attacker's own name and passphrase would
    put the victim's browser into the attacker's account, and what the victim then writes, private
    or not, would be the attacker's to read. A signed-in victim is no safer: SameSite=Lax keeps
    the cookie off that cross-site POST, so the request looks like a visitor's."""
    site.join("hold-b", "Angriber")
    victim = site.visitor()
    credentials = {"cohort": "hold-b", "name": "Angriber", "passphrase": PASSPHRASE}
    refused = victim.post("/signin", data=credentials, headers=CROSS_SITE)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    assert "andet websted" in refused.text  # Danish, for the person at the browser
    token = site.invite("hold-b")
    joined = victim.post(
        f"/join/{token}",
        data={"name": "Plantet", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE},
        headers={"Sec-Fetch-Site": "same-site"},
    )
    assert joined.status_code == 403 and "set-cookie" not in joined.headers
    assert victim.get("/me", headers=JSON).status_code == 401
    # Another site's POST to /signout arrives without the (Lax) cookie too; its answer's Set-Cookie
    # would still have removed the victim's session cookie (logout CSRF).
    out = site.visitor().post("/signout", headers=CROSS_SITE)
    assert out.status_code == 403 and "set-cookie" not in out.headers
    own_page = site.visitor().post("/signin", data=credentials, headers={"Sec-Fetch-Site": "same-origin"})
    assert own_page.status_code == 303 and "set-cookie" in own_page.headers
    assert site.visitor().get(f"/join/{token}").status_code == 200  # the invitation is still unused


def test_a_version_field_of_odd_digits_is_no_server_error(site: Site) -> None:
    """ "²".isdigit() is true and int("²") fails, as does int() of 5,000 digits: the edit and
    delete forms answered 500 and logged a traceback."""
    person = site.join("hold-a", "Ulla")
    reflection = write(person, "Min tekst, som jeg vil rette.")
    for version in ("²", "①", "9" * 5000):
        edited = person.post(f"/reflections/{reflection}/edit", {"text": "Rettet tekst.", "version": version})
        deleted = person.post(f"/reflections/{reflection}/delete", {"version": version})
        assert edited.status_code < 500 and deleted.status_code < 500, version
        if deleted.status_code == 303:
            reflection = write(person, "Min tekst, som jeg vil rette.")
    assert "Traceback" not in site.server.log.read_text(errors="replace")


def test_a_cpr_number_in_a_links_reason_is_questioned_too(site: Site) -> None:
    """Only the text was checked: a citizen's CPR or phone number written as the reason for a
    link was saved without a word, and shared with the cohort."""
    person = site.join("hold-a", "Vera")
    before = stored(site)
    form = {"text": "En helt almindelig tekst.", "visibility": "cohort", "link": ["stoej"]}
    for reason in ("Borgeren 010190-1234 ringede.", "Ring til hende på 12 34 56 78."):
        warned = person.post(f"/questions/{QUESTION}/reflect", {**form, "reason-stoej": reason})
        assert warned.status_code == 422 and stored(site) == before, reason
        assert lxml.html.fromstring(warned.text).xpath("//p[@class='warning']"), reason
    reason = "Borgeren 010190-1234 ringede."
    warned = person.post(f"/questions/{QUESTION}/reflect", {**form, "reason-stoej": reason})
    changed = {**form, "reason-stoej": f"{reason} Og 020290-5678.", "confirm": confirmation(warned.text)}
    assert person.post(f"/questions/{QUESTION}/reflect", changed).status_code == 422 and stored(site) == before
    anyway = {**form, "reason-stoej": reason, "confirm": confirmation(warned.text)}
    assert person.post(f"/questions/{QUESTION}/reflect", anyway).status_code == 303 and stored(site) == before + 1


def test_sign_ins_at_once_get_no_more_guesses_than_one_after_another(site: Site) -> None:
    """The limit was checked before the slow passphrase check and the failure written after it,
    so thirty guesses sent at once all passed a check that lets five through."""
    site.join("hold-a", "Mette")

    def guess(number: int) -> int:
        with httpx.Client(base_url=site.server.url, headers=HTML, timeout=120) as client:
            form = {"cohort": "hold-a", "name": "Mette", "passphrase": f"forkert gæt nummer {number}"}
            return client.post("/signin", data=form).status_code

    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(guess, range(30)))
    assert answers.count(401) <= 5 and answers.count(401) + answers.count(429) == 30, answers
    right = site.visitor().post("/signin", data={"cohort": "hold-a", "name": "Mette", "passphrase": PASSPHRASE})
    assert right.status_code == 429


def test_a_new_passphrase_signs_out_every_other_browser(site: Site) -> None:
    """A reset is what a participant asks for when someone else may know their passphrase (or
    holds a browser still signed in): every session the account had before must end."""
    person = site.join("hold-a", "Rikke")
    token = site.invite("hold-a", reset_name="Rikke")
    fresh = site.visitor()
    new = "et helt nyt og hemmeligt ord"
    assert fresh.post(f"/join/{token}", data={"passphrase": new, "passphrase_again": new}).status_code == 303
    assert fresh.get("/me", headers=JSON).json()["name"] == "Rikke"
    assert person.get("/me", headers=JSON).status_code == 401


def test_the_markdown_handout_shows_a_participants_markdown_as_text(site: Site) -> None:
    """The handout escaped only HTML: a shared reflection's `[…](javascript:…)` became a link and
    `![…](https://…)` an image fetched from the writer's server when the facilitator opened it."""
    author = site.join("hold-a", "Ditte")
    facilitator = site.join("hold-a", "Underviser M", role="facilitator")
    hostile = "[Klik her](javascript:alert(1)) ![spor](https://tracker.example/p.png) *fed* <b>x</b>"
    write(author, hostile, visibility="cohort", links=("stoej",))
    reason = {"text": f"Også her: {hostile}", "visibility": "cohort", "link": ["stoej"], "reason-stoej": hostile}
    assert author.post(f"/questions/{QUESTION}/reflect", reason).status_code == 303
    handout = facilitator.get("/cohort/hold-a/handout.md")
    html = lxml.html.fromstring(MarkdownIt("commonmark", {"html": True}).render(handout.text))
    assert not html.xpath("//a | //img | //em | //b"), handout.text
    assert hostile in [q.text_content().strip() for q in html.xpath("//blockquote")]
    assert any(item.text_content().endswith(f": {hostile}") for item in html.xpath("//li"))


def test_a_text_of_many_lines_does_not_hold_the_pdf_handout_for_minutes(site: Site) -> None:
    """One reflection of 10,000 short lines (20,000 characters, within the limits) took reportlab
    about a minute and a half to lay out as one paragraph, holding one of the server's threads,
    and a participant may keep hundreds of them."""
    author = site.join("hold-b", "Linjer")
    facilitator = site.join("hold-b", "Underviser L", role="facilitator")
    text = "a\n" * 9_998 + "slut"
    created = author.client.post(
        "/annotations/",
        content=json.dumps(annotation(text, visibility="cohort")),
        headers={"Content-Type": MEDIA_TYPE, "X-CSRF-Token": author.csrf},
    )
    assert created.status_code == 201, created.text
    handout = facilitator.client.get("/cohort/hold-b/handout.pdf", timeout=30)
    assert handout.status_code == 200
    pages = PdfReader(io.BytesIO(handout.content)).pages
    assert "slut" in pages[-1].extract_text()


def erase_while_writing(site: Site, person: Person) -> list[int]:
    """Nine posts from the person's other tabs and, fifth of ten at once, DELETE /me: the statuses."""

    def act(number: int) -> int:
        with httpx.Client(base_url=site.server.url, cookies=person.client.cookies, timeout=60) as client:
            if number == 4:
                return client.delete("/me", headers={"X-CSRF-Token": person.csrf}).status_code
            document = json.dumps(annotation(f"Skrevet under sletningen {number}"))
            headers = {"Content-Type": MEDIA_TYPE, "X-CSRF-Token": person.csrf}
            return client.post("/annotations/", content=document, headers=headers).status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        return list(pool.map(act, range(10)))


def test_writing_while_the_account_is_erased_is_refused_not_a_server_error(site: Site) -> None:
    """Tabs still posting while another erases the account: the posts whose session was looked up
    before the erasure failed on the foreign key (500, with a traceback in the log)."""
    for round_ in range(3):
        answers = erase_while_writing(site, site.join("hold-b", f"Sletter {round_}"))
        assert 500 not in answers and answers[4] == 204, answers
    with site.db.read() as connection:
        left = select(func.count()).select_from(reflections).where(reflections.c.body.startswith("Skrevet under"))
        assert connection.execute(left).scalar_one() == 0
    assert "Traceback" not in site.server.log.read_text(errors="replace")


def test_an_erased_accounts_words_are_gone_from_the_database_files(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    """SQLite keeps deleted rows' bytes in its write-ahead log (and, unless built with
    SECURE_DELETE, in free pages): after DELETE /me the text was still in the files that a copy of
    the instance folder takes along."""
    running = start_site("sqlite", tmp_path_factory.mktemp("erased-files"), request, SERVER_SETTINGS)
    site = next(running)
    try:
        person = site.join("hold-a", "Navnet Glemmes")
        reflection = write(person, "Et ord, der skal glemmes: Zebrafinke.")
        edit = {"text": "Andet ord, der skal glemmes: Okapi.", "version": "1", "visibility": "private"}
        assert person.post(f"/reflections/{reflection}/edit", edit).status_code == 303
        assert person.client.delete("/me", headers={"X-CSRF-Token": person.csrf}).status_code == 204
        files = glob.glob(site.url.removeprefix("sqlite:///") + "*")
        for name in files:
            data = Path(name).read_bytes()
            for word in ("Zebrafinke", "Okapi", "Navnet Glemmes"):
                assert word.encode() not in data, (name, word)
    finally:
        running.close()
