"""`/annotations/` over real HTTP on SQLite and PostgreSQL: the W3C Web Annotation Protocol, who
may read and write what (the access-control matrix), CSRF, and text that stays text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conceptgraph.reflections.annotation_json import ANNO_CONTEXT, MEDIA_TYPE
from tests.annotation_http import CONCEPT, QUESTION, Person, World, annotation, path_of, post, send

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
