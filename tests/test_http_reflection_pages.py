"""The people's pages against a real server on SQLite and PostgreSQL: join, sign in and out, /me,
writing, how reflections show and the facilitator's page and exports. Who sees which reflection
on which path is the table in test_access_matrix.py."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from conceptgraph.reflections.annotation_json import MEDIA_TYPE
from conceptgraph.reflections.schema import reflection_history, reflections
from conceptgraph.vocab import DEFAULT_BASE
from tests.annotation_http import annotation
from tests.conftest import DATABASES, HOSTILE, QUESTION, SERVER_SETTINGS
from tests.reflections_people import PASSPHRASE
from tests.reflections_site import JSON, LINKED, Person, Site, reflection_ids, start_site, write

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module", params=DATABASES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from start_site(request.param, tmp_path_factory.mktemp(f"rpages-{request.param}"), request, SERVER_SETTINGS)


def stored(site: Site) -> int:
    with site.db.read() as connection:
        return int(connection.execute(select(func.count()).select_from(reflections)).scalar_one())


def test_the_join_page_says_what_is_stored_and_signs_in_with_a_new_session(site: Site) -> None:
    token = site.invite("hold-a")
    visitor = site.visitor()
    page = visitor.get(f"/join/{token}")
    assert page.status_code == 200
    assert "Hold A efterår" in page.text and "Vi gemmer" in page.text and "privat" in page.text
    visitor.cookies.set("cg_session", "planted-by-someone-else", domain="127.0.0.1", path="/")
    form = {"name": "Ane", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
    joined = visitor.post(f"/join/{token}", data=form)
    assert joined.status_code == 303 and joined.headers["location"] == "/me"
    cookie = joined.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "planted-by-someone-else" not in cookie
    me = visitor.get("/me", headers=JSON).json()
    assert me["name"] == "Ane" and me["cohort"] == "hold-a" and me["role"] == "participant"
    questions = visitor.get("/questions")
    assert f'<meta name="csrf-token" content="{me["csrf_token"]}">' in questions.text
    assert questions.headers["cache-control"] == "private, no-store"
    assert "csrf-token" not in site.visitor().get("/questions").text
    assert site.visitor().post(f"/join/{token}", data={**form, "name": "Bo"}).status_code == 404


def test_a_taken_name_or_differing_passphrases_are_said_in_danish(site: Site) -> None:
    site.join("hold-a", "Carl")
    token = site.invite("hold-a")
    taken = site.visitor().post(
        f"/join/{token}", data={"name": "carl", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
    )
    assert taken.status_code == 422 and "Vælg et andet visningsnavn" in taken.text
    differ = site.visitor().post(
        f"/join/{token}", data={"name": "Dora", "passphrase": PASSPHRASE, "passphrase_again": "noget andet"}
    )
    assert differ.status_code == 422 and "ikke ens" in differ.text
    assert site.visitor().get(f"/join/{token}").status_code == 200  # still unused


def test_a_reset_invitation_asks_only_for_a_new_passphrase(site: Site) -> None:
    site.join("hold-a", "Eva")
    token = site.invite("hold-a", reset_name="Eva")
    page = site.visitor().get(f"/join/{token}")
    assert "Eva" in page.text and 'name="name"' not in page.text
    client = site.visitor()
    new = "et helt nyt kodeord"
    assert client.post(f"/join/{token}", data={"passphrase": new, "passphrase_again": new}).status_code == 303
    assert client.get("/me", headers=JSON).json()["name"] == "Eva"
    signin = site.visitor().post("/signin", data={"cohort": "hold-a", "name": "Eva", "passphrase": new})
    assert signin.status_code == 303


def test_sign_in_says_the_same_for_every_wrong_part_then_limits_in_danish(site: Site) -> None:
    site.join("hold-b", "Finn")
    wrong = [("hold-x", "Finn", PASSPHRASE), ("hold-b", "Nobody", PASSPHRASE), ("hold-b", "Finn", "forkert!!")]
    for cohort, name, passphrase in wrong:
        answer = site.visitor().post("/signin", data={"cohort": cohort, "name": name, "passphrase": passphrase})
        assert answer.status_code == 401 and "Hold, navn eller adgangsfrase er forkert." in answer.text
        assert "set-cookie" not in answer.headers
    for _ in range(4):
        site.visitor().post("/signin", data={"cohort": "hold-b", "name": "Finn", "passphrase": "forkert!!"})
    limited = site.visitor().post("/signin", data={"cohort": "hold-b", "name": "Finn", "passphrase": PASSPHRASE})
    assert limited.status_code == 429 and "For mange forkerte forsøg" in limited.text
    assert int(limited.headers["retry-after"]) > 0


def test_signing_in_again_rotates_the_session(site: Site) -> None:
    person = site.join("hold-b", "Rolf")
    old = person.client.cookies["cg_session"]
    answer = person.post("/signin", {"cohort": "hold-b", "name": "Rolf", "passphrase": PASSPHRASE})
    assert answer.status_code == 303 and person.client.cookies["cg_session"] != old
    assert person.get("/me", headers=JSON).status_code == 200
    stolen = site.visitor()
    stolen.cookies.set("cg_session", old, domain="127.0.0.1", path="/")
    assert stolen.get("/me", headers=JSON).status_code == 401


def test_sign_out_needs_the_token_and_ends_the_session(site: Site) -> None:
    person = site.join("hold-a", "Gry")
    assert person.post("/signout", {}, csrf=False).status_code == 403
    assert person.get("/me", headers=JSON).status_code == 200
    old = person.client.cookies["cg_session"]
    assert person.post("/signout", {}).status_code == 303
    assert person.get("/me").status_code == 303
    again = site.visitor()
    again.cookies.set("cg_session", old, domain="127.0.0.1", path="/")
    assert again.get("/me", headers=JSON).status_code == 401


def test_me_lists_my_reflections_by_question_and_what_i_have_not_answered(site: Site) -> None:
    person = site.join("hold-a", "Hanne")
    page = person.get("/me")
    assert "Spørgsmål, du ikke har besvaret endnu" in page.text and f"/questions/{QUESTION}/reflect" in page.text
    assert 'href="/me/export"' in page.text and 'href="/me/delete"' in page.text
    reflection = write(person, "Støj kan være godt.")
    page = person.get("/me")
    assert reflection_ids(page.text) == [reflection] and "Støj kan være godt." in page.text
    assert f"/questions/{QUESTION}/reflect" in page.text.split("Spørgsmål, du ikke har besvaret endnu")[0]
    assert f"/questions/{QUESTION}/reflect" not in page.text.split("Spørgsmål, du ikke har besvaret endnu")[1]
    assert site.visitor().get("/me").headers["location"] == "/signin"
    assert "Questions you have not answered yet" in person.get("/me?lang=en").text


def test_me_lists_every_reflection_past_two_hundred(site: Site) -> None:
    """/me showed the oldest 200 only (an account may keep 500): the newer ones could be neither
    seen nor edited nor deleted there."""
    person = site.join("hold-a", "Flittig")
    headers = {"Content-Type": MEDIA_TYPE, "X-CSRF-Token": person.csrf}
    made = []
    for number in range(201):
        document = json.dumps(annotation(f"Refleksion nummer {number}"))
        created = person.client.post("/annotations/", content=document, headers=headers)
        assert created.status_code == 201, created.text
        made.append(created.headers["location"].rsplit("/", 1)[1])
    page = person.get("/me").text
    assert reflection_ids(page) == made
    assert len(lxml.html.fromstring(page).xpath("//form[contains(@class, 'reflection-delete')]")) == 201


def test_the_form_offers_the_questions_own_links_and_warns_before_a_cpr_number(site: Site) -> None:
    person = site.join("hold-a", "Ib")
    form = person.get(f"/questions/{QUESTION}/reflect")
    for slug in LINKED:
        assert f'name="link" value="{slug}"' in form.text and f'name="reason-{slug}" value=""' in form.text
    assert 'value="private" checked' in form.text
    before = stored(site)
    for text, warning in [("Borgeren 010203-1234 sagde", "CPR-nummer"), ("Ring på +45 12 34 56 78", "telefonnummer")]:
        warned = person.post(f"/questions/{QUESTION}/reflect", {"text": text, "visibility": "private"})
        assert warned.status_code == 422 and warning in warned.text and confirmation(warned.text)
        assert stored(site) == before
    warned = person.post(f"/questions/{QUESTION}/reflect", {"text": "Borgeren 0102031234"})
    assert "Din tekst ser ud til at indeholde et CPR-nummer" in warned.text
    text = "Sagsnummer 010203-1234"
    warned = person.post(f"/questions/{QUESTION}/reflect", {"text": text})
    confirmed = person.post(f"/questions/{QUESTION}/reflect", {"text": text, "confirm": confirmation(warned.text)})
    assert confirmed.status_code == 303 and stored(site) == before + 1
    no_reason = person.post(f"/questions/{QUESTION}/reflect", {"text": "Uden grund", "link": "stoej"})
    assert no_reason.status_code == 422 and "Skriv en grund" in no_reason.text and stored(site) == before + 1


def confirmation(page: str) -> str:
    """The value "Gem alligevel" sends with the text a warning page shows back."""
    form = "//form[contains(@class, 'reflect-form')]"
    (value,) = lxml.html.fromstring(page).xpath(f"{form}//input[@name='confirm']/@value")
    return str(value)


def test_saving_anyway_confirms_only_the_text_that_was_warned_about(site: Site) -> None:
    person = site.join("hold-a", "Ivan")
    before = stored(site)
    first = "Borgeren 010203-1234 sagde"
    warned = person.post(f"/questions/{QUESTION}/reflect", {"text": first})
    assert warned.status_code == 422 and "CPR-nummer" in warned.text
    digest = confirmation(warned.text)
    changed = f"{first}, og hendes mand 040506-7890"
    again = person.post(f"/questions/{QUESTION}/reflect", {"text": changed, "confirm": digest})
    assert again.status_code == 422 and "CPR-nummer" in again.text and stored(site) == before
    for forged in ("1", "", "0" * 64, "æ"):
        refused = person.post(f"/questions/{QUESTION}/reflect", {"text": first, "confirm": forged})
        assert refused.status_code == 422 and stored(site) == before, forged
    assert confirmation(again.text) != digest
    saved = person.post(f"/questions/{QUESTION}/reflect", {"text": changed, "confirm": confirmation(again.text)})
    assert saved.status_code == 303 and stored(site) == before + 1
    reflection = saved.headers["location"].split("#reflection-")[1]
    form = person.get(f"/reflections/{reflection}/edit")
    edited = f"{changed} og 070809-1234"
    version = {"version": "1"}
    stale = person.post(f"/reflections/{reflection}/edit", {**version, "text": edited, "confirm": digest})
    assert stale.status_code == 422 and "CPR-nummer" in stale.text and changed in person.get("/me").text
    assert 'name="confirm"' not in form.text
    warned = person.post(f"/questions/{QUESTION}/reflect", {"text": "\r\nBorgeren 111111-1118\r\n"})
    # The textarea shows the text back without its leading line break, and the browser posts that.
    shown_back = {"text": "Borgeren 111111-1118\r\n", "confirm": confirmation(warned.text)}
    assert person.post(f"/questions/{QUESTION}/reflect", shown_back).status_code == 303


def test_every_unsafe_request_without_the_token_changes_nothing(site: Site) -> None:
    person = site.join("hold-a", "Jens")
    reflection = write(person, "Min første tanke.")
    before = stored(site)
    attempts = [
        (f"/questions/{QUESTION}/reflect", {"text": "Ny tekst"}),
        (f"/reflections/{reflection}/edit", {"text": "Ændret", "version": "1"}),
        (f"/reflections/{reflection}/delete", {"version": "1"}),
        ("/signout", {}),
    ]
    for path, data in attempts:
        assert person.post(path, data, csrf=False).status_code == 403, path
        assert person.post(path, {**data, "csrf_token": "wrong"}, csrf=False).status_code == 403, path
    assert stored(site) == before
    page = person.get("/me")
    assert "Min første tanke." in page.text and "Ændret" not in page.text


def test_edit_and_delete_my_reflection(site: Site) -> None:
    person = site.join("hold-a", "Kim")
    reflection = write(person, "Første udgave.")
    form = person.get(f"/reflections/{reflection}/edit")
    assert "Første udgave." in form.text and 'value="stoej" checked' in form.text
    changed = person.post(f"/reflections/{reflection}/edit", {"text": "Anden udgave.", "version": "1", "link": []})
    assert changed.status_code == 303
    stale = person.post(f"/reflections/{reflection}/edit", {"text": "Tredje.", "version": "1"})
    assert stale.status_code == 412
    page = person.get("/me").text
    assert "Anden udgave." in page and "Første udgave." not in page and "Tredje." not in page
    assert person.post(f"/reflections/{reflection}/delete", {"version": "2"}).status_code == 303
    assert reflection not in person.get("/me").text
    assert person.get(f"/reflections/{reflection}/edit").status_code == 404


def test_reflections_on_the_pages_are_text_and_name_nobody(site: Site) -> None:
    """Who sees which reflection where is test_access_matrix's table; here, how they show."""
    author = site.join("hold-a", "Lis Qvist")
    peer = site.join("hold-a", "Mads")
    shared = write(author, f"Delt: {HOSTILE}", visibility="cohort")
    for page in (author.get("/questions").text, peer.get(f"/id/{QUESTION}").text, author.get("/me").text):
        assert shared in reflection_ids(page)
        assert XSS not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Qvist" not in peer.get(f"/id/{QUESTION}").text
    assert "reflections-here" not in site.visitor().get(f"/id/{QUESTION}").text


def test_the_facilitators_page_shows_names_only_when_asked(site: Site) -> None:
    author = site.join("hold-a", "Ole")
    facilitator = site.join("hold-a", "Underviser A", role="facilitator")
    shared = write(author, f"Til holdet: {HOSTILE}", visibility="cohort")
    private = write(author, "Kun til mig.")
    page = facilitator.get("/cohort/hold-a")
    assert page.status_code == 200 and shared in reflection_ids(page.text) and private not in page.text
    assert "Ole" not in page.text and XSS not in page.text
    assert "Spørgsmål, som ingen har delt svar på" in page.text and "Det, holdet trækker mest på" in page.text
    assert "Ole" in facilitator.get("/cohort/hold-a?names=1").text
    assert "Ole" not in facilitator.get("/cohort/hold-a?names=1&projector=1").text


def test_the_facilitators_exports_markdown_and_csv_with_bom(site: Site) -> None:
    author = site.join("hold-a", "Pia")
    facilitator = site.join("hold-a", "Underviser C", role="facilitator")
    shared = write(author, f"=1+1 {HOSTILE}", visibility="cohort")
    handout = facilitator.get("/cohort/hold-a/handout.md")
    assert handout.headers["content-type"].startswith("text/markdown")
    assert XSS not in handout.text and r"\<img src=x onerror=alert\(1\)\>" in handout.text and "Pia" not in handout.text
    assert "Pia" in facilitator.get("/cohort/hold-a/handout.md?names=1").text
    table = facilitator.get("/cohort/hold-a/reflections.csv")
    assert table.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    mine = [row for row in rows if row["reflection"] == shared]
    assert [row["link"] for row in mine] == list(LINKED) and "author" not in mine[0]
    assert mine[0]["text"].startswith("'=1+1") and mine[0]["question"] == QUESTION
    named = facilitator.get("/cohort/hold-a/reflections.csv?names=1").content.decode("utf-8-sig")
    assert {row["author"] for row in csv.DictReader(io.StringIO(named)) if row["reflection"] == shared} == {"Pia"}


def test_the_facilitators_exports_a_pdf_handout_and_json_ld_without_names_unless_asked(site: Site) -> None:
    author = site.join("hold-a", "Quirin")
    facilitator = site.join("hold-a", "Underviser D", role="facilitator")
    shared = write(author, f"Til næste gang: {XSS}", visibility="cohort")
    private = write(author, "Kun for Quirin.")
    page = facilitator.get("/cohort/hold-a").text
    assert 'href="/cohort/hold-a/handout.pdf"' in page and 'href="/cohort/hold-a/reflections.jsonld"' in page
    assert 'href="/cohort/hold-a/handout.pdf?names=1"' in facilitator.get("/cohort/hold-a?names=1").text

    def pdf_text(path: str) -> str:
        answer = facilitator.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
        return " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(answer.content)).pages)

    text = pdf_text("/cohort/hold-a/handout.pdf")
    assert f"Til næste gang: {XSS}" in text and "Kun for Quirin" not in text and "Quirin" not in text
    assert "Quirin" in pdf_text("/cohort/hold-a/handout.pdf?names=1")
    answer = facilitator.get("/cohort/hold-a/reflections.jsonld")
    assert answer.headers["content-type"] == 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    document = answer.json()
    assert document["type"] == "AnnotationCollection" and document["total"] == len(document["first"]["items"])
    found = {item["id"].rsplit("/", 1)[1]: item for item in document["first"]["items"]}
    assert shared in found and private not in found and "Quirin" not in answer.text
    assert "creator" not in answer.text and "urn:conceptgraph:account" not in answer.text  # nothing groups by person
    assert found[shared]["body"][0]["value"] == f"Til næste gang: {XSS}"
    assert all(item["cg:visibility"] == "cohort" for item in found.values())
    named = json.loads(facilitator.get("/cohort/hold-a/reflections.jsonld?names=1").text)
    assert {i["creator"].get("name") for i in named["first"]["items"] if i["id"].endswith(shared)} == {"Quirin"}


def test_the_map_layer_links_each_reflection_to_its_question_and_theory(site: Site) -> None:
    author = site.join("hold-b", "Vera")
    shared = write(author, f"Vores: {HOSTILE}", visibility="cohort")
    layer = author.get("/me/map-layer", headers=JSON).json()
    (node,) = [n for n in layer["nodes"] if n["id"] == f"reflection:{shared}"]
    assert node["text"] == f"Vores: {HOSTILE}" and node["mine"] and node["shared"]
    assert {e["to"] for e in layer["edges"] if e["from"] == f"reflection:{shared}"} == {QUESTION, *LINKED}
    assert node["page"] == f"/me#reflection-{shared}"  # where the map opens it for its author
    peer = site.join("hold-b", "Wilma")
    (seen,) = [n for n in peer.get("/me/map-layer", headers=JSON).json()["nodes"] if n["id"] == node["id"]]
    assert seen["page"] == f"/id/{QUESTION}#reflection-{shared}" and not seen["mine"]
    assert "my_reflections.js" not in site.visitor().get("/map").text and "my_reflections.js" in author.get("/map").text


def map_page_data(person: Person, query: str) -> dict[str, Any]:
    """The network data a map page hands its script."""
    page = lxml.html.fromstring(person.get(f"/map{query}").text)
    data: dict[str, Any] = json.loads(page.get_element_by_id("map-data").text)
    return data


def test_the_map_layer_carries_the_course_nodes_it_links_to_as_the_map_draws_them(site: Site) -> None:
    """Every course resource a reflection links to comes as the map's own node and details: on the
    overview (`overview=1`: a box, short lines) as /map draws den-potentielle-organisation, and
    otherwise as /map?all=1 draws all three; the reflections' labels are wrapped the same way."""
    author = site.join("hold-b", "Xerxes")
    text = "En lang refleksion om støj, der fylder mere end fyrre tegn i alt"
    mine = write(author, text)
    for query, wrap_at, drawn in (("?overview=1", 20, {LINKED[1]}), ("", 28, {QUESTION, *LINKED})):
        layer = author.get(f"/me/map-layer{query}", headers=JSON).json()
        assert set(layer["resources"]) == {QUESTION, *LINKED}
        page = map_page_data(author, "" if query else "?all=1")
        nodes = {n["id"]: n for n in page["nodes"]}
        for slug in drawn:
            own = {k: v for k, v in nodes[slug].items() if k not in ("x", "y")}
            assert layer["resources"][slug]["node"] == own, slug
            assert layer["resources"][slug]["details"] == page["details"][slug]
        if query:
            assert all(r["node"]["shape"] == "box" for r in layer["resources"].values())
        (node,) = [n for n in layer["nodes"] if n["id"] == f"reflection:{mine}"]
        lines = node["label"].split("\n")
        assert len(lines) > 1 and all(len(line) <= wrap_at for line in lines)
        assert " ".join(lines) == text[:39] + "…"
    english = author.get("/me/map-layer?lang=en", headers=JSON).json()["resources"][QUESTION]
    assert english["details"]["kind"] == "question"


def test_over_https_the_session_cookie_is_host_only_and_secure(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Behind https (PUBLIC_URL), the cookie has the __Host- prefix: no sibling subdomain can plant one."""
    settings = {**SERVER_SETTINGS, "public_url": "https://kursus.example.org"}
    site = next(iterator := start_site("sqlite", tmp_path, request, settings))
    try:
        joined = site.visitor().post(
            f"/join/{site.invite('hold-a')}",
            data={"name": "Hanne", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE},
        )
        assert joined.status_code == 303, joined.text
        cookie = joined.headers["set-cookie"]
        assert cookie.startswith("__Host-cg_session=") and "Secure" in cookie and "Path=/" in cookie, cookie
        assert "Domain" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        iterator.close()


@pytest.fixture(scope="module", params=DATABASES)
def limited_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A server whose accounts keep at most 2 reflections and 6000 bytes (each test its own people)."""
    settings = {**SERVER_SETTINGS, "max_reflections_per_account": "2", "max_account_bytes": "6000"}
    yield from start_site(request.param, tmp_path_factory.mktemp(f"limited-{request.param}"), request, settings)


def test_past_the_accounts_limit_the_form_says_so_and_the_api_names_the_setting(limited_site: Site) -> None:
    site = limited_site
    person = site.join("hold-a", "Åse")
    write(person, "Første tanke.")
    write(person, "Anden tanke.")
    form = {"text": "Tredje tanke, som ikke er gemt.", "visibility": "private"}
    full = person.post(f"/questions/{QUESTION}/reflect", form)
    assert full.status_code == 409 and "grænsen på 2 refleksioner" in full.text
    (kept,) = lxml.html.fromstring(full.text).xpath("//textarea[@name='text']/text()")
    assert kept == form["text"]  # nothing written is lost from the form
    english = person.post(f"/questions/{QUESTION}/reflect?lang=en", form)
    assert english.status_code == 409 and "limit of 2 reflections" in english.text
    document = annotation("Fra et program.")
    headers = {"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE, "X-CSRF-Token": person.csrf}
    before = stored(site)
    refused = person.client.post("/annotations/", content=json.dumps(document), headers=headers)
    assert refused.status_code == 409 and refused.headers["content-type"] == "application/json"
    answer = refused.json()
    assert (answer["status"], answer["setting"], answer["limit"]) == (409, "max_reflections_per_account", 2)
    assert "max_reflections_per_account" in answer["error"] and stored(site) == before
    assert site.join("hold-a", "Bent").post(f"/questions/{QUESTION}/reflect", form).status_code == 303


def test_past_the_accounts_bytes_an_edit_is_refused_with_every_version_kept_until_a_delete(limited_site: Site) -> None:
    """Each edit keeps the version before it, so edits fill the account's 6000 bytes: the form then
    says so and keeps the text, the API answers 409 naming the setting, no earlier version is
    dropped, and deleting the reflection frees its room."""
    site, person = limited_site, limited_site.join("hold-b", "Bodil")
    page = "Min tanke om praksis. " * 90  # some 2,000 bytes a version
    written = write(person, page)
    second = {"text": f"{page} Anden udgave.", "language": "da", "visibility": "private", "version": "1"}
    assert person.post(f"/reflections/{written}/edit", second).status_code == 303
    third = {**second, "text": f"{page} Tredje udgave.", "version": "2"}
    full = person.post(f"/reflections/{written}/edit", third)
    assert full.status_code == 409 and "grænsen på 6 kB pr. konto" in full.text, full.text
    assert "Tidligere udgaver slettes aldrig af sig selv" in full.text
    (kept,) = lxml.html.fromstring(full.text).xpath("//textarea[@name='text']/text()")
    assert kept == third["text"]
    english = person.post(f"/reflections/{written}/edit?lang=en", third)
    assert english.status_code == 409 and "limit of 6 kB per account" in english.text
    etag = person.get(f"/annotations/{written}", headers={"Accept": MEDIA_TYPE}).headers["etag"]
    headers = {"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE, "X-CSRF-Token": person.csrf, "If-Match": etag}
    refused = person.client.put(f"/annotations/{written}", content=json.dumps(annotation(page)), headers=headers)
    assert refused.status_code == 409 and refused.headers["content-type"] == "application/json"
    answer = refused.json()
    assert (answer["status"], answer["setting"], answer["limit"]) == (409, "max_account_bytes", 6000)
    assert "max_account_bytes" in answer["error"] and "praksis" not in answer["error"]
    with site.db.read() as connection:
        versions = connection.execute(
            select(reflection_history.c.version).where(reflection_history.c.reflection_id == written)
        ).scalars()
        assert list(versions) == [1]  # the first version is still theirs
    assert person.post(f"/reflections/{written}/delete", {"version": "2"}).status_code == 303
    write(person, page)  # the room it took is free again


def test_a_questions_path_view_has_a_section_of_my_own_reflections_on_it(site: Site) -> None:
    author = site.join("hold-a", "Sune")
    mine = write(author, f"Min vej: {XSS}")
    path = f"/map?path={QUESTION}"
    page = author.get(path).text
    section = page.split('class="my-path-reflections"')[1].split("</section>")[0]
    assert mine in reflection_ids(section)
    assert XSS not in page and "&lt;img src=x onerror=alert(1)&gt;" in section
    assert f"/questions/{QUESTION}/reflect" in section
    assert "my-path-reflections" not in site.visitor().get(path).text
    assert "my-path-reflections" not in author.get(f"/map?focus={QUESTION}").text


def test_a_reflection_may_start_from_a_concept_with_its_course_links_as_suggestions(site: Site) -> None:
    person = site.join("hold-b", "Ulla")
    concept = LINKED[0]
    resource_page = person.get(f"/id/{concept}").text
    assert f'href="/id/{concept}/reflect"' in resource_page
    assert f"/id/{concept}/reflect" not in site.visitor().get(f"/id/{concept}").text
    form = person.get(f"/id/{concept}/reflect")
    assert form.status_code == 200 and f'name="link" value="{QUESTION}"' in form.text  # the question addressing it
    offered = re.findall(r'name="link" value="([^"]+)"', form.text)
    assert concept not in offered and len(offered) == len(set(offered)) >= 2
    data = {"text": f"Fra begrebet: {XSS}", "visibility": "private", "link": offered[1]}
    saved = person.post(f"/id/{concept}/reflect", {**data, f"reason-{offered[1]}": "Fordi det hænger sammen."})
    assert saved.status_code == 303, saved.text
    reflection = saved.headers["location"].split("#reflection-")[1]
    assert reflection in reflection_ids(person.get(f"/id/{concept}").text)
    assert reflection in reflection_ids(person.get("/me").text)
    with site.db.read() as connection:
        target = connection.execute(select(reflections.c.target).where(reflections.c.id == reflection)).scalar_one()
    assert target.endswith(f"/id/{concept}")
    assert person.get("/id/no-such-thing/reflect").status_code == 404
    assert site.visitor().get(f"/id/{concept}/reflect").status_code in (302, 303)
    assert person.post(f"/id/{concept}/reflect", data, csrf=False).status_code == 403


def test_a_reflection_from_a_concept_or_text_is_offered_what_it_draws_on_not_how_the_course_is_run(
    site: Site,
) -> None:
    person = site.join("hold-b", "Uffe")

    def offered(slug: str) -> dict[str, lxml.html.HtmlElement]:
        form = lxml.html.fromstring(person.get(f"/id/{slug}/reflect").text)
        return {box.get("value"): box.getparent().getparent() for box in form.xpath("//input[@name='link']")}

    concept = offered("borgerne-faar-en-hovedrolle")
    assert "velfaerdstransformation" not in concept  # the theme the slides refer it to
    drawn_on = {"service-udvikles-med-borgerne", "tekst-2-mandag-morgen", "citat-helle-baekmark"}
    assert drawn_on | {"borgernes-virkelighed-i-centrum"} <= set(concept)  # a concept, its text, a quote, a question
    assert concept["borgernes-virkelighed-i-centrum"].xpath("string(p[@class='why'])")  # the course's reason
    text = offered("tekst-3-aakerstroem")
    assert not {"uddannelsesgang-1", "velfaerdstransformation", "litteraturliste"} & set(text)  # session, theme, list
    assert {"stoej", "den-potentielle-organisation", "figur-20", "aakerstroem"} <= set(text)


def test_questions_shows_each_reflection_once_under_the_question_it_answers(site: Site) -> None:
    """Linking every other question must not repeat a reflection under each of them on /questions
    (one participant could multiply the page for the whole cohort); each /id page still lists it."""
    person = site.join("hold-b", "Ymer")
    others = ("hvad-vil-du-goere-i-morgen", "hvad-skal-jacob-fokusere-paa")
    document = annotation("Alle spørgsmål på én gang.", visibility="cohort", target=f"{DEFAULT_BASE}id/{QUESTION}")
    document["body"] += [
        {"type": "SpecificResource", "purpose": "linking", "source": f"{DEFAULT_BASE}id/{slug}", "cg:rationale": "Og."}
        for slug in others
    ]
    headers = {"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE, "X-CSRF-Token": person.csrf}
    created = person.client.post("/annotations/", content=json.dumps(document), headers=headers)
    assert created.status_code == 201, created.text
    reflection = created.headers["location"].rsplit("/", 1)[1]
    peer = site.join("hold-b", "Zelma")
    listed = peer.get("/questions").text
    assert reflection_ids(listed).count(reflection) == 1
    shown_at = listed.index(f'id="reflection-{reflection}"')
    (under,) = re.findall(r'<li id="([^"]+)">', listed[:shown_at])[-1:]
    assert under == QUESTION
    for slug in (QUESTION, *others):
        assert reflection in reflection_ids(peer.get(f"/id/{slug}").text), slug
