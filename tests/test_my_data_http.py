"""`/me/export` and erasure over real HTTP on SQLite and PostgreSQL; no reflection text in the
server's log or on the public SPARQL endpoint."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

import lxml.html
from markdown_it import MarkdownIt
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, XSD

from conceptgraph.ontology import vocabulary
from conceptgraph.reflections.annotation_json import ANNO_CONTEXT
from conceptgraph.vocab import CG
from tests.annotation_http import Person, World, cheap_hashing, path_of, post, send, sign_in
from tests.server import fetch

MARKUP = "<img src=x onerror=alert(1)>"


def newcomer(world: World, name: str) -> Person:
    with cheap_hashing():
        return sign_in(world.db, "hold-a", f"{name}-{uuid.uuid4().hex[:6]}")


def test_the_export_holds_all_of_theirs_and_only_theirs(annotations_world: World) -> None:
    eva = newcomer(annotations_world, "Eva")
    created = post(annotations_world.server, eva, "Første", visibility="cohort")
    changed = send(
        annotations_world.server,
        "PUT",
        path_of(created),
        eva,
        {**json.loads(json.dumps(_doc("Anden"))), "cg:visibility": "cohort"},
        headers={"If-Match": created.headers["etag"]},
    )
    assert changed.status == 200
    post(annotations_world.server, annotations_world.people["a2"], "Bo's egen", visibility="cohort")
    reply = send(annotations_world.server, "GET", "/me/export", eva)
    assert reply.status == 200 and reply.headers["content-type"].startswith("application/ld+json")
    assert reply.headers["content-disposition"].startswith('attachment; filename="conceptgraph-mine-data-')
    document: Any = reply.json()
    assert document["type"] == "AnnotationCollection" and document["total"] == 1
    assert document["cg:account"]["name"] == eva.label and "passphrase" not in reply.text
    (item,) = document["first"]["items"]
    assert item["body"][0]["value"] == "Anden"
    assert [v["body"][0]["value"] for v in item["cg:earlierVersions"]] == ["Første"]
    assert send(annotations_world.server, "GET", "/me/export", annotations_world.people["visitor"]).status == 401
    assert send(annotations_world.server, "GET", "/me/export?format=pdf", eva).status == 400


def cg_terms(document: Any) -> set[URIRef]:
    """Every term of our vocabulary a JSON-LD document names: as a key or a value, compact
    (`cg:visibility`) or in full."""
    if isinstance(document, dict):
        return set().union(*(cg_terms(key) | cg_terms(value) for key, value in document.items()))
    if isinstance(document, list):
        return set().union(*(cg_terms(item) for item in document))
    if isinstance(document, str) and document.startswith("cg:"):
        return {CG[document[3:]]}
    if isinstance(document, str) and document.startswith(str(CG)) and document != str(CG):
        return {URIRef(document)}
    return set()


def test_every_cg_term_of_the_export_and_the_annotations_is_defined_in_the_vocabulary(
    annotations_world: World,
) -> None:
    server, eva = annotations_world.server, newcomer(annotations_world, "Eva")
    created = post(server, eva, "Første", visibility="cohort")
    edited = send(server, "PUT", path_of(created), eva, _doc("Anden"), headers={"If-Match": created.headers["etag"]})
    assert edited.status == 200
    documents = {
        "annotation": created.json(),
        "container": send(server, "GET", "/annotations/", eva).json(),
        "export": send(server, "GET", "/me/export", eva).json(),
        "cohort": send(server, "GET", "/cohort/hold-a/reflections.jsonld", annotations_world.people["fa"]).json(),
    }
    names = {"visibility", "rationale", "earlierVersions", "version", "replacedAt", "account"}
    assert {CG[name] for name in names} <= cg_terms(documents["export"])  # the walk sees what is there
    graph = vocabulary()
    for kind, document in documents.items():
        used = cg_terms(document)
        assert CG.visibility in used, kind
        undefined = [t for t in used if (t, RDF.type, None) not in graph or (t, RDFS.label, None) not in graph]
        assert sorted(undefined) == [], kind


def unmapped(document: Any, terms: dict[str, Any]) -> list[str]:
    """The keys of a JSON-LD document no term of its context maps (a processor drops them): not a
    keyword, not a term, not a compact IRI of a prefix the context defines."""
    if isinstance(document, list):
        return [key for item in document for key in unmapped(item, terms)]
    if not isinstance(document, dict):
        return []
    found = []
    for key, value in document.items():
        if key == "@context":
            continue
        if not (key.startswith("@") or key in terms or key.split(":", 1)[0] in terms):
            found.append(key)
        found += unmapped(value, terms)
    return found


def test_a_json_ld_processor_keeps_everything_the_export_says(annotations_world: World) -> None:
    """The real export read by rdflib offline (the shipped W3C context put in place of its IRI):
    the account is the annotations' creator, with its name, role, creation time and cohort, and
    every time is an xsd:dateTime."""
    server, eva = annotations_world.server, newcomer(annotations_world, "Eva")
    created = post(server, eva, "Første")
    edited = send(server, "PUT", path_of(created), eva, _doc("Anden"), headers={"If-Match": created.headers["etag"]})
    assert edited.status == 200
    document: Any = send(server, "GET", "/me/export", eva).json()
    shipped = fetch(f"{server.url}/static/ns/anno.jsonld").json()["@context"]  # type: ignore[index]
    contexts = [shipped if context == ANNO_CONTEXT else context for context in document["@context"]]
    assert all(isinstance(context, dict) for context in contexts)  # nothing left for a processor to fetch
    assert unmapped(document, {k: v for context in contexts for k, v in context.items()}) == []
    graph = Graph().parse(data=json.dumps({**document, "@context": contexts}), format="json-ld")
    (account,) = graph.objects(URIRef(document["id"]), CG.account)
    annotation = URIRef(created.headers["location"])
    assert (annotation, DCTERMS.creator, account) in graph and graph.value(account, FOAF.name) == Literal(eva.label)
    role = graph.value(account, CG.role)
    assert role == Literal("participant") and role.datatype in (None, XSD.string)  # type: ignore[union-attr]
    cohort = graph.value(account, CG.cohort)
    assert (cohort, RDF.type, FOAF.Group) in graph and graph.value(cohort, FOAF.name) == Literal("Hold A")
    assert graph.value(cohort, DCTERMS.identifier) == Literal("hold-a")
    (earlier,) = graph.objects(annotation, CG.earlierVersions)
    assert graph.value(earlier, CG.version) == Literal(1)
    times = [
        graph.value(account, DCTERMS.created),
        graph.value(annotation, DCTERMS.created),
        graph.value(annotation, DCTERMS.modified),
        graph.value(earlier, CG.replacedAt),
    ]
    for when in times:
        assert isinstance(when, Literal) and when.datatype == XSD.dateTime, when
        assert isinstance(when.toPython(), datetime), when


def _doc(text: str) -> dict[str, Any]:
    from tests.annotation_http import annotation

    return annotation(text)


def test_markup_stays_text_in_the_markdown_export(annotations_world: World) -> None:
    eva = newcomer(annotations_world, "Eva")
    hostile = f"{MARKUP}\n# not a heading [link](javascript:alert(1)) *x* &amp;"
    assert post(annotations_world.server, eva, hostile).status == 201
    reply = send(annotations_world.server, "GET", "/me/export?format=md&lang=en", eva)
    assert reply.status == 200 and reply.headers["content-type"] == "text/markdown; charset=utf-8"
    assert reply.headers["content-disposition"].endswith('.md"')
    assert "# My data in the knowledge graph" in reply.text
    html = lxml.html.fromstring(MarkdownIt("commonmark", {"html": True}).render(reply.text))
    assert not html.xpath("//img | //script | //*[@onerror]")
    assert [h.text_content() for h in html.xpath("//h1")] == ["My data in the knowledge graph"]
    assert all(href.startswith("https://") for href in html.xpath("//a/@href"))
    (quoted,) = html.xpath("//blockquote")
    assert quoted.text_content().strip() == hostile
    danish = send(annotations_world.server, "GET", "/me/export?format=md", eva)
    assert danish.text.startswith("# Mine data i vidensgrafen")


def test_delete_me_erases_the_account_and_all_their_writing(annotations_world: World) -> None:
    eva = newcomer(annotations_world, "Eva")
    created = post(annotations_world.server, eva, "Delt og væk", visibility="cohort")
    bo = annotations_world.people["a2"]
    assert send(annotations_world.server, "GET", path_of(created), bo).status == 200
    reply = send(annotations_world.server, "DELETE", "/me", eva)
    assert reply.status == 204
    assert "cg_session=;" in reply.headers["set-cookie"] and "Max-Age=0" in reply.headers["set-cookie"]
    assert send(annotations_world.server, "GET", path_of(created), bo).status == 404
    assert send(annotations_world.server, "GET", "/me/export", eva).status == 401
    assert post(annotations_world.server, eva, "Igen").status == 401


def test_the_browser_confirms_in_danish_before_erasing(annotations_world: World) -> None:
    eva = newcomer(annotations_world, "Eva")
    created = post(annotations_world.server, eva, "Væk med formularen")
    browser = {"Cookie": f"cg_session={eva.cookie}", "Accept": "text/html"}
    page = fetch(f"{annotations_world.server.url}/me/delete", headers=browser)
    assert page.status == 200
    html = lxml.html.fromstring(page.text)
    assert html.get("lang") == "da" and html.xpath("string(//h1)") == "Slet min konto"
    (form,) = html.xpath("//main//form")  # the header holds the sign-out form
    assert form.get("method") == "post" and form.get("action") == "/me/delete"
    (token,) = form.xpath(".//input[@name='csrf_token']/@value")
    english = lxml.html.fromstring(fetch(f"{annotations_world.server.url}/me/delete?lang=en", headers=browser).text)
    assert english.xpath("string(//h1)") == "Delete my account"
    visitor = fetch(f"{annotations_world.server.url}/me/delete", headers={"Accept": "text/html"})
    assert visitor.status == 401 and "ikke logget ind" in visitor.text
    done = fetch(
        f"{annotations_world.server.url}/me/delete",
        method="POST",
        data=f"csrf_token={quote(token)}".encode(),
        headers={**browser, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status == 200 and "Din konto er slettet" in done.text
    assert "cg_session=;" in done.headers["set-cookie"]
    assert send(annotations_world.server, "GET", path_of(created), eva).status == 404


def test_no_reflection_text_in_the_log_or_on_sparql(annotations_world: World) -> None:
    eva = newcomer(annotations_world, "Eva")
    marker = f"markør-{uuid.uuid4().hex}"
    created = post(annotations_world.server, eva, f"Hemmelig {marker}", visibility="cohort")
    path = path_of(created)
    send(annotations_world.server, "GET", path, eva)
    send(annotations_world.server, "PUT", path, eva, _doc(f"{marker} igen"), headers={"If-Match": '"bad"'})
    bad = _doc(marker)
    bad["body"][1]["cg:rationale"] = 7
    send(annotations_world.server, "POST", "/annotations/", eva, bad)
    send(annotations_world.server, "GET", "/me/export?format=md", eva)
    query = f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{marker}")) }}'
    answer = fetch(
        f"{annotations_world.server.url}/sparql?query={quote(query)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status == 200 and answer.json()["results"]["bindings"] == []  # type: ignore[index]
    everything = fetch(
        f"{annotations_world.server.url}/sparql?query={quote('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')}",
        headers={"Accept": "text/csv"},
    )
    assert everything.status == 200
    assert marker not in annotations_world.server.log.read_text(encoding="utf-8", errors="replace")
