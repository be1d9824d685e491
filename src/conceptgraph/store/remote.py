"""A SPARQL 1.1 server as the store: `sparql:QUERY_URL[;update=UPDATE_URL][;gsp=GRAPH_STORE_URL]`.

The views, the endpoint and `load` read and write through this class exactly as through the
embedded engine, so an institution can keep its data on the server it already runs (Virtuoso,
Fuseki, GraphDB, ...). The dataset is the server's named graphs under the configured IRI prefixes
(the base IRI by default), sent as the protocol's default-graph-uri and named-graph-uri with every
query: servers differ in what their own default graph holds (Virtuoso adds system graphs), and
this way every backend gives the same answers. Results are parsed as they stream in, so a capped
result never holds the whole answer in memory.

Credentials come from CONCEPTGRAPH_STORE_USER and CONCEPTGRAPH_STORE_PASSWORD, or from the file
CONCEPTGRAPH_STORE_CREDENTIALS names (one line `user:password`); never from the URL or the
command line, and they never appear in messages. HTTP is httpx's: one client per store, so its
connections are reused, with the store's time limit on every request and Digest built in.
"""

from __future__ import annotations

import io
import os
import re
import urllib.parse
import weakref
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import httpx
import pyoxigraph as ox

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError, StoreError, StoreTimeout, StoreUnavailable
from conceptgraph.store.interface import STAGING, GraphStore, QueryResult

SCHEME = "sparql:"
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
# Ask for the form's own kind of answer: some servers (Virtuoso) will write a CONSTRUCT result as
# a table if a table type is acceptable at all.
ACCEPT_TABLE = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_PROLOGUE = re.compile(r"(?is)\s*(?:(?:PREFIX\s+[^\s:]*:\s*|BASE\s+)<[^>]*>\s*)*")


@dataclass(frozen=True)
class Endpoints:
    """Where the server answers queries, updates and Graph Store Protocol requests."""

    query: str
    update: str | None = None
    gsp: str | None = None

    @classmethod
    def parse(cls, url: str) -> Endpoints:
        """Read a `sparql:` store URL; raises StoreError naming what is wrong."""
        parts = url[len(SCHEME) :].split(";")
        options: dict[str, str] = {}
        for part in parts[1:]:
            key, _, value = part.partition("=")
            if key not in ("update", "gsp") or not value:
                raise StoreError(f"store URL {url!r}: unknown part {part!r}; expected update=URL or gsp=URL")
            options[key] = value
        for address in (parts[0], *options.values()):
            scheme = urllib.parse.urlsplit(address)
            if scheme.scheme not in ("http", "https") or not scheme.netloc:
                raise StoreError(f"store URL {url!r}: {address!r} is not an http(s) URL")
            if scheme.username or scheme.password:
                raise StoreError(
                    f"store URL {url!r}: credentials do not belong in the URL; "
                    "set CONCEPTGRAPH_STORE_USER and CONCEPTGRAPH_STORE_PASSWORD"
                )
        return cls(parts[0], options.get("update"), options.get("gsp"))


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue (comments out)."""
    text = re.sub(r"<[^>\s]*>", "<>", sparql)  # IRIs may hold '#'
    text = re.sub(r"#[^\n]*", " ", text)
    words = _PROLOGUE.sub("", text, count=1).split(None, 1)
    return words[0].upper() if words else ""


class RemoteStore(GraphStore):
    """The dataset a SPARQL server holds under `prefixes`, read (and loaded) over HTTP."""

    def __init__(self, endpoints: Endpoints, prefixes: tuple[str, ...], timeout: float) -> None:
        self.endpoints = endpoints
        self.prefixes = prefixes
        self.timeout = timeout
        self._client = httpx.Client(timeout=timeout, headers={"User-Agent": "conceptgraph"})
        weakref.finalize(self, self._client.close)  # its pooled connections go with the store
        self._auth = _auth_per_endpoint(endpoints)
        self.graphs: tuple[str, ...] = ()
        self.graph_sizes()

    @classmethod
    def open(cls, url: str, *, prefixes: tuple[str, ...], timeout: float) -> RemoteStore:
        """Connect to the server a `sparql:` URL names and find the dataset's graphs there."""
        return cls(Endpoints.parse(url), prefixes, timeout)

    def __len__(self) -> int:
        return sum(self.graph_sizes().values())

    def graph_sizes(self) -> dict[str, int]:
        """The server's named graphs under our prefixes (its own system graphs left out), which
        from now on make up the dataset every query is sent with."""
        rows = self.fetch(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            default_graphs=(),
            named_graphs=None,
        )
        if not isinstance(rows, ox.QuerySolutions):
            raise StoreUnavailable(f"{self.endpoints.query} did not answer a SELECT query with a table")
        sizes = {row["g"].value: int(row["n"].value) for row in rows}
        ours = {g: n for g, n in sorted(sizes.items()) if g.startswith(self.prefixes) and not g.endswith(STAGING)}
        self.graphs = tuple(ours)
        return ours

    def query(self, sparql: str, *, prologue_lines: int = 0) -> QueryResult:
        if query_form(sparql) not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise QueryNotAllowed("only SELECT, ASK, CONSTRUCT or DESCRIBE queries are read from the store")
        return self.fetch(sparql, default_graphs=self.graphs, named_graphs=self.graphs)

    def fetch(
        self,
        sparql: str,
        *,
        default_graphs: tuple[str, ...],
        named_graphs: tuple[str, ...] | None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Send a query with this dataset; the answer is parsed as it streams in.

        `named_graphs=None` sends no dataset at all (the server's own). Raises StoreUnavailable
        (down, or refused) and StoreTimeout, both naming the server.
        """
        fields = [("query", sparql)] + [("default-graph-uri", g) for g in default_graphs]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        form = query_form(sparql)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        response = self._send(
            self.endpoints.query,
            urllib.parse.urlencode(fields).encode("utf-8"),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": ACCEPT_GRAPH if graph_form else ACCEPT_TABLE,
            },
            timeout,
        )
        if response.headers.get("X-SQL-State"):  # Virtuoso's mark of an answer cut at its own limit
            response.close()
            advice = "an incomplete answer is not passed on: narrow the query (LIMIT, more specific patterns)"
            raise StoreTimeout(
                f"the SPARQL server {self.endpoints.query} stopped the query at its own time limit "
                f"({response.headers.get('X-SQL-Message', '').split(':')[0] or 'incomplete'}); {advice}",
                public=f"the SPARQL server that holds the data stopped the query at its own time limit; {advice}",
            )
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if media_type in RESULT_FORMATS:
                result = ox.parse_query_results(_body(response), format=RESULT_FORMATS[media_type])
                return _as_boolean(result) if form == "ASK" else result
            if media_type in GRAPH_FORMATS:
                return _triples(_body(response), GRAPH_FORMATS[media_type])
        except SyntaxError as exc:
            response.close()
            raise StoreUnavailable(f"{self.endpoints.query} sent an answer that does not parse: {exc}") from None
        response.close()
        raise StoreUnavailable(f"{self.endpoints.query} answered with {media_type}, which is not a SPARQL result type")

    def update(self, sparql: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL Update on the server's update endpoint."""
        if self.endpoints.update is None:
            raise StoreError(
                "this sparql: store has no update endpoint; add ;update=URL to the store URL (for Virtuoso: "
                "…/sparql-auth with a user that may update)"
            )
        body = urllib.parse.urlencode({"update": sparql}).encode("utf-8")
        self._send(self.endpoints.update, body, {"Content-Type": "application/x-www-form-urlencoded"}, timeout).close()

    def post_triples(self, graph: str, ntriples: bytes, *, timeout: float | None = None) -> None:
        """Add N-Triples to a graph: by the Graph Store Protocol where the URL names it, else as
        an INSERT DATA on the update endpoint."""
        if self.endpoints.gsp is None:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{ {ntriples.decode('utf-8')} }} }}", timeout=timeout)
            return
        address = f"{self.endpoints.gsp}?{urllib.parse.urlencode({'graph': graph})}"
        self._send(
            address, ntriples, {"Content-Type": "application/n-triples"}, timeout, auth=self.endpoints.gsp
        ).close()

    def _send(
        self, address: str, body: bytes, headers: dict[str, str], timeout: float | None, *, auth: str | None = None
    ) -> httpx.Response:
        """POST and return the response unread (its body streams); every failure is a StoreError.

        `auth` names the endpoint whose credentials answer a challenge (default: `address`)."""
        limit = timeout or self.timeout
        request = self._client.build_request("POST", address, content=body, headers=headers, timeout=limit)
        answers = self._auth.get(auth or address)
        try:
            response = self._client.send(request, auth=answers or httpx.USE_CLIENT_DEFAULT, stream=True)
        except httpx.TimeoutException:
            raise slow_store(address, limit) from None
        except httpx.TransportError as exc:
            raise StoreUnavailable(f"cannot reach the SPARQL server {address}: {exc}") from None
        if response.status_code < 400:
            return response
        try:
            detail = _first_lines(response.read().decode("utf-8", "replace"))
        except httpx.HTTPError:
            detail = "(the error page broke off)"
        finally:
            response.close()
        raise _refusal(address, response.status_code, detail, query=address == self.endpoints.query)


def _refusal(address: str, status: int, detail: str, *, query: bool) -> Exception:
    """The error for a server that answered a request with an HTTP error status."""
    if status == 400 and query:
        return QuerySyntaxError(
            "the SPARQL server that holds the data could not read this query (HTTP 400); "
            "check it against the SPARQL 1.1 grammar"
        )
    if status in (401, 403):
        return StoreUnavailable(
            f"{address} refused access (HTTP {status}); set CONCEPTGRAPH_STORE_USER and "
            "CONCEPTGRAPH_STORE_PASSWORD (or CONCEPTGRAPH_STORE_CREDENTIALS) to a user that may do this"
        )
    return StoreUnavailable(
        f"the SPARQL server {address} answered HTTP {status}: {detail}",
        public=f"the SPARQL server that holds the data failed this request (it answered HTTP {status}); "
        "try again in a minute, or simplify the query (the service's log has the details)",
    )


class _Body(io.RawIOBase):
    """A streamed response body as the file pyoxigraph's parsers read while it arrives, with
    httpx's errors as the OSError and TimeoutError the endpoint's runner expects."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._chunks = response.iter_bytes()
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            while not self._left:
                self._left = next(self._chunks, b"")
                if not self._left:
                    return 0
        except httpx.TimeoutException as exc:
            raise TimeoutError(str(exc)) from None
        except httpx.HTTPError as exc:
            raise OSError(str(exc)) from None
        size = min(len(buffer), len(self._left))
        buffer[:size], self._left = self._left[:size], self._left[size:]
        return size

    def close(self) -> None:
        self._response.close()
        super().close()


def _body(response: httpx.Response) -> IO[bytes]:
    return io.BufferedReader(_Body(response))


def _as_boolean(result: ox.QuerySolutions | ox.QueryBoolean) -> ox.QueryBoolean:
    """An ASK answer as a boolean: Virtuoso sends it as a one-cell table (`__ASK_RETVAL` = 1 or 0)."""
    if isinstance(result, ox.QueryBoolean):
        return result
    cells = [term.value for row in result for term in row if term is not None]
    truth = bool(cells) and cells[0] not in ("0", "false")
    document = b'{"head":{},"boolean":%s}' % (b"true" if truth else b"false")
    return cast(ox.QueryBoolean, ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON))


def _triples(response: IO[bytes], fmt: ox.RdfFormat) -> Iterator[ox.Triple]:
    with response:
        for quad in ox.parse(response, format=fmt):
            yield quad.triple


def slow_store(address: str, limit: float) -> StoreTimeout:
    """The error for a server that did not answer within `limit` seconds: the operator's message
    names it, the client's does not."""
    advice = "narrow the query (LIMIT, more specific patterns) and try again"
    return StoreTimeout(
        f"the query was stopped after the time limit of {limit:g} s: the SPARQL server {address} "
        f"did not answer in time; {advice}",
        public=f"the query was stopped after the time limit of {limit:g} s: the SPARQL server that holds "
        f"the data did not answer in time; {advice}",
    )


def _first_lines(text: str, limit: int = 400) -> str:
    """The start of a server's error page, as one line (servers send whole stack traces)."""
    flat = " ".join(text.split())
    return flat[:limit] + ("…" if len(flat) > limit else "") if flat else "(no message)"


def credentials() -> tuple[str, str] | None:
    """User and password from the environment, or from the file it names; None when unset."""
    user, password = os.environ.get("CONCEPTGRAPH_STORE_USER"), os.environ.get("CONCEPTGRAPH_STORE_PASSWORD")
    file = os.environ.get("CONCEPTGRAPH_STORE_CREDENTIALS")
    if file:
        try:
            line = Path(file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StoreError(f"CONCEPTGRAPH_STORE_CREDENTIALS: cannot read {file}: {exc.strerror}") from None
        user, sep, password = line.partition(":")
        if not sep or not user:
            raise StoreError(f"{file}:1: expected one line 'user:password'")
    if user and password is not None:
        return user, password
    return None


def _auth_per_endpoint(endpoints: Endpoints) -> dict[str, httpx.Auth]:
    """An answer to Basic or Digest challenges for each endpoint, when credentials are set.

    One per endpoint, so each keeps its own last Digest challenge and answers it up front:
    after the first 401, a load's batches cross the network once, not twice."""
    found = credentials()
    if found is None:
        return {}
    return {address: _Challenged(*found) for address in (endpoints.query, endpoints.update, endpoints.gsp) if address}


class _Challenged(httpx.Auth):
    """Digest (httpx's, which reuses the last challenge) or Basic, whichever the server asks for:
    Virtuoso asks for Digest, Fuseki and GraphDB are often set up with Basic."""

    def __init__(self, user: str, password: str) -> None:
        self._digest = httpx.DigestAuth(user, password)
        self._basic = httpx.BasicAuth(user, password)
        self._wants_basic = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._wants_basic:
            yield from self._basic.auth_flow(request)
            return
        flow = self._digest.auth_flow(request)
        response = yield next(flow)
        try:
            yield flow.send(response)  # a Digest challenge, answered
        except StopIteration:
            challenges = response.headers.get_list("www-authenticate")
            if response.status_code == 401 and any(c.lower().startswith("basic") for c in challenges):
                self._wants_basic = True
                yield from self._basic.auth_flow(request)
