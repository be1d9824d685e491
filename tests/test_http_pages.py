"""The query page and HTML responses: local assets only, security headers, every example runs."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from conceptgraph.sparql.examples import examples
from tests.server import RunningServer, fetch

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class Page(HTMLParser):
    """Collects what a test needs from a page: asset URLs, inline scripts, examples, the editor."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self.examples: list[str] = []
        self.textarea = ""
        self._in_script = self._in_textarea = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("src", "href"):
            if values.get(key):
                self.urls.append(str(values[key]))
        self._in_script = tag == "script" and "src" not in values
        self._in_textarea = tag == "textarea"
        if tag == "button" and "example" in (values.get("class") or ""):
            self.examples.append(str(values["data-query"]))

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1
        if self._in_textarea:
            self.textarea += data

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_textarea = False


def page(server: RunningServer, path: str) -> tuple[Page, dict[str, str]]:
    reply = fetch(server.url + path, headers=HTML)
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith("text/html")
    parsed = Page()
    parsed.feed(reply.text)
    return parsed, reply.headers


def test_query_page_has_editor_examples_and_only_local_assets(server: RunningServer) -> None:
    parsed, headers = page(server, "/sparql")
    assert len(parsed.examples) == len(examples()) >= 8
    assert any(url.endswith("codemirror.js") for url in parsed.urls)
    assert all(url.startswith(("/", "#", "?", "data:")) for url in parsed.urls), parsed.urls
    assert parsed.inline_scripts == 0
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_every_linked_asset_is_served(server: RunningServer) -> None:
    parsed, _ = page(server, "/sparql")
    for url in parsed.urls:
        if url.startswith("/static/"):
            assert fetch(server.url + url).status == 200, url


def test_permalink_restores_the_query(server: RunningServer) -> None:
    query = "ASK { id:stoej a cg:Concept }"
    parsed, _ = page(server, "/sparql?" + urlencode({"query": query}))
    assert parsed.textarea.strip() == query


def test_english_toggle(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/sparql?lang=en", headers=HTML)
    assert '<html lang="en">' in reply.text and "Query the graph" in reply.text


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.slug)
def test_every_example_query_returns_rows(server: RunningServer, example) -> None:  # noqa: ANN001
    reply = fetch(
        f"{server.url}/sparql",
        method="POST",
        data=urlencode({"query": example.query}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200, reply.text
    assert reply.json()["results"]["bindings"], example.slug


def test_browser_errors_are_pages(server: RunningServer) -> None:
    reply = fetch(f"{server.url}/nowhere", headers=HTML)
    assert reply.status == 404 and reply.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in reply.headers
    bad = fetch(f"{server.url}/sparql", method="POST", data=b"ASK {}", headers={**HTML, "Content-Type": "text/plain"})
    assert bad.status == 415 and bad.headers["content-type"].startswith("text/html")
    assert "application/sparql-query" in bad.text


def test_front_door_leads_to_the_map(server: RunningServer) -> None:
    parsed, _ = page(server, "/")
    assert any(url.endswith("/js/map.js") for url in parsed.urls)
