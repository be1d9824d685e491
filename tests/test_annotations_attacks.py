"""Hostile requests to `/annotations/` over real HTTP (SQLite, PostgreSQL): each one found by a
security review answered 500 (and logged a traceback) before; each must be a client error that
names what was wrong, and store nothing."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest

from conceptgraph.reflections.annotation_json import ANNO_CONTEXT, MEDIA_TYPE
from tests.annotation_http import CONCEPT, QUESTION, Person, World, send
from tests.server import Reply, fetch


def post_raw(world: World, person: Person, body: str) -> Reply:
    """POST a body exactly as given (JSON text a client wrote by hand)."""
    headers = {**person.headers(), "Content-Type": MEDIA_TYPE}
    return fetch(f"{world.server.url}/annotations/", method="POST", data=body.encode(), headers=headers)


def raw_annotation(text: str = '"Tekst"', rationale: str = '"Fordi."', target: str = f'"{QUESTION}"') -> str:
    """An Annotation with its text, rationale and target spliced in as raw JSON (escapes kept)."""
    link = f'{{"type": "SpecificResource", "purpose": "linking", "source": "{CONCEPT}", "cg:rationale": {rationale}}}'
    return (
        f'{{"@context": "{ANNO_CONTEXT}", "type": "Annotation", "target": {target}, '
        f'"body": [{{"type": "TextualBody", "value": {text}, "language": "da"}}, {link}]}}'
    )


def total(world: World, person: Person) -> int:
    document: Any = send(world.server, "GET", "/annotations/", person).json()
    return int(document["total"])


@pytest.mark.parametrize("page", ["%C2%B2", "%E2%91%A0"])  # "²" and "①": isdigit() says yes, int() says no
def test_a_page_number_of_unicode_digits_is_a_400(annotations_world: World, page: str) -> None:
    reply = send(annotations_world.server, "GET", f"/annotations/?page={page}", annotations_world.people["a1"])
    assert reply.status == 400, reply.text
    assert "page" in reply.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[" * 50_000, "nested"),
        ('{"a":' * 20_000 + "1" + "}" * 20_000, "nested"),
        ('{"@context": "' + ANNO_CONTEXT + '", "type": "Annotation", "x": ' + "9" * 5_000 + "}", "not JSON"),
    ],
    ids=["deep-arrays", "deep-objects", "huge-integer"],
)
def test_a_body_json_cannot_parse_is_a_400(annotations_world: World, body: str, expected: str) -> None:
    anne = annotations_world.people["a1"]
    reply = post_raw(annotations_world, anne, body)
    assert reply.status == 400, reply.text
    assert reply.json()["error"].startswith("body: ") and expected in reply.text  # type: ignore[index]


@pytest.mark.parametrize(
    ("part", "field"),
    [
        ({"text": '"a\\ud800b"'}, "body[0].value"),
        ({"text": '"a\\u0000b"'}, "body[0].value"),
        ({"rationale": '"\\udfff"'}, "body[1].cg:rationale"),
        ({"rationale": '"Fordi\\u0000."'}, "body[1].cg:rationale"),
        ({"target": '"urn:x\\ud800"'}, "target"),
        ({"target": '"urn:x\\u0000"'}, "target"),
    ],
    ids=["text-surrogate", "text-nul", "rationale-surrogate", "rationale-nul", "target-surrogate", "target-nul"],
)
def test_text_no_database_can_store_is_a_422_naming_its_field(
    annotations_world: World, part: dict[str, str], field: str
) -> None:
    """A lone surrogate cannot be encoded as UTF-8, and PostgreSQL refuses NUL in text: both
    failed inside the database (500) and must be refused as the client's mistake."""
    anne = annotations_world.people["a1"]
    before = total(annotations_world, anne)
    reply = post_raw(annotations_world, anne, raw_annotation(**part))
    assert reply.status == 422, reply.text
    assert reply.json()["field"] == field  # type: ignore[index]
    assert total(annotations_world, anne) == before


def test_the_refused_bodies_leave_no_traceback_in_the_log(annotations_world: World) -> None:
    anne = annotations_world.people["a1"]
    post_raw(annotations_world, anne, "[" * 50_000)
    post_raw(annotations_world, anne, raw_annotation(text='"a\\ud800"'))
    send(annotations_world.server, "GET", "/annotations/?page=%C2%B2", anne)
    assert "Traceback" not in annotations_world.server.log.read_text(errors="replace")


def test_a_valid_annotation_still_is_created_after_them(annotations_world: World) -> None:
    anne = annotations_world.people["a1"]
    reply = post_raw(annotations_world, anne, raw_annotation(text=json.dumps("Rå tekst æøå \u2028 ok")))
    assert reply.status == 201, reply.text


def test_a_chunked_body_over_the_limit_is_a_413_not_cut_off(annotations_world: World) -> None:
    """Werkzeug stops reading a chunked body at the limit without an error: the view must say
    it was too large, rather than that the truncated rest is not JSON."""
    anne = annotations_world.people["a1"]
    padded = json.loads(raw_annotation()) | {"pad": "x" * 300_000}
    body = json.dumps(padded).encode()
    connection = http.client.HTTPConnection("127.0.0.1", annotations_world.server.port, timeout=30)
    try:
        headers = {**anne.headers(), "Content-Type": MEDIA_TYPE}
        chunks = (body[n : n + 8192] for n in range(0, len(body), 8192))
        connection.request("POST", "/annotations/", body=chunks, headers=headers, encode_chunked=True)
        reply = connection.getresponse()
        status, text = reply.status, reply.read().decode()
    finally:
        connection.close()
    assert status == 413, text
    assert "body" in text
