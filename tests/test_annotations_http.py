"""`/annotations/` over real HTTP on SQLite and PostgreSQL: the W3C Web Annotation Protocol, the
author's changes with ETags, CSRF, and text that stays text. Who may read and change which
annotation is the table in test_access_matrix.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conceptgraph.reflections.annotation_json import ANNO_CONTEXT, MEDIA_TYPE
from tests.annotation_http import CONCEPT, QUESTION, Person, World, annotation, path_of, post, send
from tests.server import fetch

MARKUP = "<img src=x onerror=alert(1)>"


def members(world: World, path: str = "/annotations/", person: Person | None = None) -> set[str]:
    """Every annotation id in the container as `person` sees it, following its pages."""
    found: set[str] = set()
    reply = send(world.server, "GET", path, person or world.people["visitor"])
    document: Any = reply.json()
    current = document.get("first")
    while current:
        if isinstance(current, str):
            current = send(world.server, "GET", current.split(world.server.url, 1)[1], person).json()
        found.update(item["id"].rsplit("/", 1)[1] for item in current["items"])
        following = current.get("next")
        current = following if following else None
    return found


def test_a_posted_annotation_is_created_read_and_shaped_as_the_model_says(annotations_world: World) -> None:
    anne = annotations_world.people["a1"]
    created = post(annotations_world.server, anne, "Jeg vil lytte mere.", links=2)
    assert created.status == 201, created.text
    assert created.headers["content-type"] == MEDIA_TYPE
    assert created.headers["location"].startswith(f"{annotations_world.server.url}/annotations/")
    etag = created.headers["etag"]
    read = send(annotations_world.server, "GET", path_of(created), anne)
    assert read.status == 200 and read.headers["etag"] == etag
    document: Any = read.json()
    assert document["@context"][0] == ANNO_CONTEXT
    assert document["type"] == "Annotation" and document["target"] == QUESTION
    assert document["id"] == created.headers["location"]
    text, *links = document["body"]
    assert text == {"type": "TextualBody", "value": "Jeg vil lytte mere.", "language": "da", "format": "text/plain"}
    assert [link["purpose"] for link in links] == ["linking", "linking"]
    assert links[0]["source"] == CONCEPT and links[0]["cg:rationale"] == "Fordi den passer."
    assert document["cg:visibility"] == "private"
    assert document["creator"]["id"].startswith("urn:conceptgraph:account:")
    assert document["creator"]["name"] == "Anne"  # the author sees their own name
    assert document["created"].endswith("Z") and document["modified"].endswith("Z")
    again = send(annotations_world.server, "GET", path_of(created), anne, headers={"If-None-Match": etag})
    assert again.status == 304


def test_the_container_is_an_ldp_basic_container_with_pages(annotations_world: World) -> None:
    bo = annotations_world.people["a2"]
    ids = {path_of(post(annotations_world.server, bo, f"Side {n}")).rsplit("/", 1)[1] for n in range(3)}
    reply = send(annotations_world.server, "GET", "/annotations/", bo)
    assert reply.status == 200 and reply.headers["content-type"] == MEDIA_TYPE
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in reply.headers["link"]
    assert "POST" in reply.headers["allow"] and reply.headers["accept-post"] == MEDIA_TYPE
    assert reply.headers["etag"] and "no-store" in reply.headers["cache-control"]
    document: Any = reply.json()
    assert document["type"] == ["BasicContainer", "AnnotationCollection"]
    assert document["total"] >= 3 and document["first"]["type"] == "AnnotationPage"
    assert document["last"].endswith("?page=0")
    assert ids <= members(annotations_world, person=bo)
    iris: Any = send(annotations_world.server, "GET", "/annotations/?iris=1&page=0", bo).json()
    assert iris["type"] == "AnnotationPage" and all(isinstance(item, str) for item in iris["items"])
    assert iris["partOf"]["total"] == document["total"]
    minimal = send(
        annotations_world.server,
        "GET",
        "/annotations/",
        bo,
        headers={"Prefer": 'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'},
    )
    assert json.loads(minimal.body)["first"].endswith("?page=0")
    assert send(annotations_world.server, "GET", "/annotations/?page=99", bo).status == 404
    assert send(annotations_world.server, "GET", "/annotations/?page=x", bo).status == 400


def test_the_context_ships_with_the_app() -> None:
    shipped = Path(__file__).resolve().parents[1] / "web" / "static" / "ns" / "anno.jsonld"
    context = json.loads(shipped.read_text())["@context"]
    assert context["TextualBody"] == "oa:TextualBody" and context["linking"] == "oa:linking"


def test_a_visitor_may_not_post(annotations_world: World) -> None:
    reply = post(annotations_world.server, annotations_world.people["visitor"], "Hej")
    assert reply.status == 401 and "sign in" in reply.json()["error"]  # type: ignore[index]
    assert "www-authenticate" in reply.headers


def test_the_author_changes_and_deletes_with_the_etag_last_read(annotations_world: World) -> None:
    anne = annotations_world.people["a1"]
    created = post(annotations_world.server, anne, "Første udgave")
    path, etag = path_of(created), created.headers["etag"]
    assert send(annotations_world.server, "PUT", path, anne, annotation("Uden If-Match")).status == 428
    assert send(annotations_world.server, "DELETE", path, anne).status == 428
    first = send(annotations_world.server, "PUT", path, anne, annotation("Anden udgave"), headers={"If-Match": etag})
    assert first.status == 200
    stale = send(annotations_world.server, "PUT", path, anne, annotation("Forældet"), headers={"If-Match": etag})
    assert stale.status == 412 and "version 2" in stale.json()["error"]  # type: ignore[index]
    assert send(annotations_world.server, "DELETE", path, anne, headers={"If-Match": etag}).status == 412
    current = send(annotations_world.server, "GET", path, anne)
    assert current.json()["body"][0]["value"] == "Anden udgave"  # type: ignore[index]
    assert current.headers["etag"] == first.headers["etag"] != etag
    gone = send(annotations_world.server, "DELETE", path, anne, headers={"If-Match": first.headers["etag"]})
    assert gone.status == 204 and send(annotations_world.server, "GET", path, anne).status == 404


def test_bad_annotations_are_refused_naming_the_field(annotations_world: World) -> None:
    anne = annotations_world.people["a1"]
    no_reason = annotation("Tekst", links=2)
    del no_reason["body"][2]["cg:rationale"]
    empty_reason = annotation("Tekst", links=2)
    empty_reason["body"][1] = {**empty_reason["body"][1], "cg:rationale": " "}
    cases = [
        (no_reason, "body[2].cg:rationale"),
        (empty_reason, "body[1].cg:rationale"),
        ({**annotation("Tekst"), "target": "not an IRI"}, "target"),
        ({**annotation("Tekst"), "cg:visibility": "public"}, "cg:visibility"),
        ({**annotation("Tekst"), "@context": "http://example.org/other"}, "@context"),
        ({**annotation("Tekst"), "body": []}, "body"),
        (annotation("   "), "body[0].value"),
    ]
    for document, field in cases:
        reply = send(annotations_world.server, "POST", "/annotations/", anne, document)
        assert reply.status == 422, (field, reply.text)
        assert reply.json()["field"] == field  # type: ignore[index]
    not_json = fetch(
        f"{annotations_world.server.url}/annotations/",
        method="POST",
        data=b"{nope",
        headers={**anne.headers(), "Content-Type": "application/ld+json"},
    )
    assert not_json.status == 400 and "body" in not_json.json()["error"]  # type: ignore[index]
    as_form = fetch(
        f"{annotations_world.server.url}/annotations/",
        method="POST",
        data=b"a=b",
        headers={**anne.headers(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert as_form.status == 415


def test_every_unsafe_request_without_the_csrf_token_is_refused_and_changes_nothing(annotations_world: World) -> None:
    bo = annotations_world.people["a2"]
    created = post(annotations_world.server, bo, "Bo's tekst")
    path, etag = path_of(created), created.headers["etag"]
    before = members(annotations_world, person=bo)
    wrong = {"X-CSRF-Token": "not-the-token"}
    for headers in ({}, wrong):
        attempts = [
            send(annotations_world.server, "POST", "/annotations/", bo, annotation("Ny"), csrf=False, headers=headers),
            send(
                annotations_world.server,
                "PUT",
                path,
                bo,
                annotation("Ændret"),
                csrf=False,
                headers={"If-Match": etag, **headers},
            ),
            send(annotations_world.server, "DELETE", path, bo, csrf=False, headers={"If-Match": etag, **headers}),
            send(annotations_world.server, "DELETE", "/me", bo, csrf=False, headers=headers),
            fetch(
                f"{annotations_world.server.url}/me/delete",
                method="POST",
                data=b"csrf_token=not-the-token" if headers else b"",
                headers={"Cookie": f"cg_session={bo.cookie}", "Content-Type": "application/x-www-form-urlencoded"},
            ),
        ]
        assert [reply.status for reply in attempts] == [403] * 5
    assert members(annotations_world, person=bo) == before
    still: Any = send(annotations_world.server, "GET", path, bo)
    assert still.status == 200 and still.headers["etag"] == etag


def test_markup_in_a_reflection_stays_text_in_json(annotations_world: World) -> None:
    anne = annotations_world.people["a1"]
    created = post(annotations_world.server, anne, MARKUP)
    read = send(annotations_world.server, "GET", path_of(created), anne)
    assert read.headers["content-type"] == MEDIA_TYPE and read.headers["x-content-type-options"] == "nosniff"
    assert read.json()["body"][0]["value"] == MARKUP  # type: ignore[index]
