"""Media types of the endpoint, content negotiation, and writers that stop at the row and byte caps.

pyoxigraph serialises whole result sets only, so SELECT results are written here (JSON, XML,
CSV, TSV: each a page of the SPARQL 1.1 Results specs) row by row, to stop at `max_rows` rows or
before the row that would take the body past `max_bytes`, without holding more in memory, and to
say so. Graph results use pyoxigraph's serialisers on the capped triples.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from conceptgraph.store.interface import QueryResult, serialised

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_quote = json.encoder.encode_basestring  # C-accelerated, keeps non-ASCII

TABLE_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
# `format=` names for clients that cannot set Accept.
SHORT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}
CHARSET_TYPES = {
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/trig",
}


def offered(form: str) -> list[str]:
    """The media types a query form can be answered in, preferred first."""
    return list(GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else TABLE_TYPES)


def not_offered(form: str) -> str:
    """Why a result of `form` cannot be sent: the client accepts none of the types it comes in."""
    return f"none of the accepted media types can carry a {form} result; offered: {', '.join(offered(form))}"


def content_type(media_type: str) -> str:
    """The Content-Type header value for a media type."""
    return f"{media_type}; charset=utf-8" if media_type in CHARSET_TYPES else media_type


@dataclass(frozen=True)
class Written:
    """A serialised result, with how many rows (or triples) it holds and whether it was cut:
    `truncated` is "" for a whole answer, "rows" at the row cap, "bytes" at the byte cap."""

    body: bytes
    rows: int
    truncated: str


def write_result(result: QueryResult, media_type: str, max_rows: int, *, max_bytes: int) -> Written:
    """Serialise a pyoxigraph query result in `media_type`: at most `max_rows` rows, and a body
    of at most `max_bytes` (cut between rows, so what is written is a complete document)."""
    if isinstance(result, ox.QueryBoolean):
        fmt = ox.QueryResultsFormat.JSON if TABLE_TYPES[media_type] == "json" else ox.QueryResultsFormat.XML
        if TABLE_TYPES[media_type] in ("csv", "tsv"):
            return Written(f"_askResult\n{str(bool(result)).lower()}\n".encode(), 1, "")
        return Written(serialised(result.serialize(format=fmt)), 1, "")
    if isinstance(result, ox.QuerySolutions):
        writer = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[TABLE_TYPES[media_type]]
        return writer([v.value for v in result.variables], result, Cap(max_rows, max_bytes))
    return _graph(result, GRAPH_TYPES[media_type], Cap(max_rows, max_bytes))


@dataclass(frozen=True)
class Cap:
    """The row and byte caps of one answer."""

    rows: int
    bytes: int


class _Body:
    """Rows written up to a byte budget, encoded as they come.

    The budget is what the cap leaves after the document's head and closing, so a cut answer is
    still a complete document. Rows are kept encoded (in chunks, joined once at the end), so the
    worker holds about one copy of the answer, plus the joined one for a moment."""

    FLUSH = 1 << 16

    def __init__(self, budget: int) -> None:
        self._chunks: list[bytes] = []
        self._pending: list[str] = []
        self._pending_chars = 0
        self._left = budget

    def fits(self, text: str) -> bool:
        """Add `text` if it fits in what is left of the budget; whether it did."""
        size = len(text) if text.isascii() else len(text.encode())
        if size > self._left:
            return False
        self._left -= size
        self._pending.append(text)
        self._pending_chars += len(text)
        if self._pending_chars > self.FLUSH:
            self._flush()
        return True

    def _flush(self) -> None:
        self._chunks.append("".join(self._pending).encode())
        self._pending.clear()
        self._pending_chars = 0

    def around(self, head: str, tail: str) -> bytes:
        """The whole body: `head`, the rows, `tail`."""
        self._flush()
        return b"".join([head.encode(), *self._chunks, tail.encode()])


# Room kept for a document's closing and its truncation mark (a few dozen bytes at most).
TAIL_ROOM = 256


def _rows(
    solutions: Iterable[ox.QuerySolution], cap: Cap, head: str, line: Callable[[ox.QuerySolution, int], str]
) -> tuple[_Body, int, str]:
    """Write `line(row, index)` for each row while the caps allow: the body, the row count and
    what cut it ("", "rows" or "bytes")."""
    body = _Body(cap.bytes - len(head.encode()) - TAIL_ROOM)
    count = 0
    for solution in solutions:
        if count == cap.rows:
            return body, count, "rows"
        if not body.fits(line(solution, count)):
            return body, count, "bytes"
        count += 1
    return body, count, ""


def _graph(triples: Iterable[ox.Triple], fmt: ox.RdfFormat, cap: Cap) -> Written:
    """Graph results through pyoxigraph's serialisers, on the triples the caps allow.

    A triple's N-Triples line measures what it costs; formats that write more (RDF/XML escapes)
    are cut further until the body fits."""
    taken: list[ox.Triple] = []
    size, cut = 0, ""
    for triple in triples:
        if len(taken) == cap.rows:
            cut = "rows"
            break
        size += len(str(triple)) + 3
        if size > cap.bytes:
            cut = "bytes"
            break
        taken.append(triple)
    while True:
        body = serialised(ox.serialize(taken, format=fmt))
        if len(body) <= cap.bytes or not taken:
            return Written(body, len(taken), cut)
        taken, cut = taken[: len(taken) * cap.bytes // len(body) * 9 // 10], "bytes"


def _mark(cut: str, cap: Cap) -> str:
    """The JSON results' truncation fields."""
    if cut == "rows":
        return f',"truncated":true,"rowLimit":{cap.rows}'
    return f',"truncated":true,"byteLimit":{cap.bytes}' if cut else ""


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value != XSD_STRING:
            return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        return {"type": "literal", "value": term.value}
    return {"type": "triple", "value": str(term)}


def _json_cell(term: object) -> str:
    """One term as JSON text, written directly: building dicts for json.dumps took 4× as long
    (75 ms against 20 ms for 6,656 rows), which made large answers slower than the query."""
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _quote(term.value) + "}"  # type: ignore[attr-defined]
    if kind is ox.Literal:
        literal = cast(ox.Literal, term)
        text = '{"type":"literal","value":' + _quote(literal.value)
        if literal.language:
            return text + ',"xml:lang":' + _quote(literal.language) + "}"
        if literal.datatype.value != XSD_STRING:
            return text + ',"datatype":' + _quote(literal.datatype.value) + "}"
        return text + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _quote(term.value) + "}"  # type: ignore[attr-defined]
    return '{"type":"triple","value":' + _quote(str(term)) + "}"


def _json(names: list[str], solutions: Iterable[ox.QuerySolution], cap: Cap) -> Written:
    keys = [_quote(n) + ":" for n in names]

    def line(row: ox.QuerySolution, index: int) -> str:
        cells = ",".join(key + _json_cell(term) for key, term in zip(keys, row, strict=True) if term is not None)
        return ("{" if index == 0 else ",{") + cells + "}"

    head = '{"head":{"vars":[' + ",".join(_quote(n) for n in names) + ']},"results":{"bindings":['
    body, count, cut = _rows(solutions, cap, head, line)
    return Written(body.around(head, "]}" + _mark(cut, cap) + "}"), count, cut)


def _xml_term(term: object) -> str:
    data = _json_term(term)
    kind, value = data["type"], escape(data["value"])
    if kind == "literal":
        attrs = "".join(f" {k}={quoteattr(data[k])}" for k in ("xml:lang", "datatype") if k in data)
        return f"<literal{attrs}>{value}</literal>"
    return f"<{kind}>{value}</{kind}>"


def _xml(names: list[str], solutions: Iterable[ox.QuerySolution], cap: Cap) -> Written:
    def line(row: ox.QuerySolution, index: int) -> str:
        cells = [f"<binding name={quoteattr(n)}>{_xml_term(row[n])}</binding>" for n in names if row[n] is not None]
        return "\n<result>" + "".join(cells) + "</result>"

    opening = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    opening += [f"<variable name={quoteattr(n)}/>" for n in names]
    body, count, cut = _rows(solutions, cap, "\n".join(opening), line)
    if cut == "rows":
        opening.append(f'<link href="#truncated-after-{cap.rows}-rows"/>')
    elif cut:
        opening.append(f'<link href="#truncated-at-{cap.bytes}-bytes"/>')
    opening += ["</head>", "<results>"]
    return Written(body.around("\n".join(opening), "\n</results>\n</sparql>"), count, cut)


def _csv(names: list[str], solutions: Iterable[ox.QuerySolution], cap: Cap) -> Written:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    head = line(names)
    body, count, cut = _rows(solutions, cap, head, lambda row, _: line([_plain(row[n]) for n in names]))
    return Written(body.around(head, ""), count, cut)


def _plain(term: object) -> str:
    return "" if term is None else term.value  # type: ignore[attr-defined]


def _tsv(names: list[str], solutions: Iterable[ox.QuerySolution], cap: Cap) -> Written:
    def line(row: ox.QuerySolution, _: int) -> str:
        return "\t".join("" if row[n] is None else str(row[n]) for n in names) + "\n"

    head = "\t".join(f"?{n}" for n in names) + "\n"
    body, count, cut = _rows(solutions, cap, head, line)
    return Written(body.around(head, ""), count, cut)
