"""Decide whether a query may run, before any engine sees it.

The endpoint is public. A query is measured (size, bracket nesting) so that no parser or engine
is handed something that can crash it, then parsed with rdflib's SPARQL grammar and judged on
the parse tree: only SELECT, ASK, CONSTRUCT and DESCRIBE; no SERVICE; FROM / FROM NAMED only for
graphs inside the dataset. Verdicts are cached by query text, since clients repeat queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseException, ParseResults
from rdflib import URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError

FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class QueryTooLarge(QueryNotAllowed):
    """The query text is longer than the configured limit."""


@dataclass(frozen=True)
class Verdict:
    """What the guard learnt: the query form and the graphs its dataset clauses name."""

    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@lru_cache(maxsize=256)
def check_query(text: str, *, max_bytes: int, max_depth: int, prefixes: tuple[tuple[str, str], ...] = ()) -> Verdict:
    """Measure, parse and judge a query. Raises QueryTooLarge, QuerySyntaxError or QueryNotAllowed.

    `prefixes` are the ones the endpoint predeclares, as (prefix, namespace) pairs. Verdicts are
    cached by query text (clients repeat queries); refusals are not, and are measured again.
    """
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryTooLarge(f"the query is {size} bytes; this endpoint accepts at most {max_bytes}")
    depth = nesting_depth(text)
    if depth > max_depth:
        raise QueryNotAllowed(f"the query nests brackets {depth} deep; this endpoint accepts at most {max_depth}")
    return _judge(text, prefixes)


def _judge(text: str, predeclared: tuple[tuple[str, str], ...]) -> Verdict:
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise QueryNotAllowed(
                "this is a SPARQL Update; the query endpoint only runs SELECT, ASK, CONSTRUCT and "
                "DESCRIBE, and updates are switched off"
            ) from None
        raise QuerySyntaxError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except RecursionError:
        raise QueryNotAllowed("the query is too deeply nested to parse") from None
    prologue, query = tree[0], tree[1]
    if query.name not in FORMS:
        raise QueryNotAllowed(f"{query.name} is not allowed; use SELECT, ASK, CONSTRUCT or DESCRIBE")
    if any(node.name == "ServiceGraphPattern" for node in _nodes(query)):
        raise QueryNotAllowed("SERVICE is not allowed: this endpoint never contacts other servers")
    prefixes = {**dict(predeclared), **_prefixes(prologue)}
    default, named = [], []
    for clause in query["datasetClause"] if "datasetClause" in query else []:
        if "default" in clause:
            default.append(_iri(clause["default"], prefixes))
        else:
            named.append(_iri(clause["named"], prefixes))
    return Verdict(FORMS[query.name], tuple(default), tuple(named))


def check_update(text: str, *, max_bytes: int, max_depth: int) -> None:
    """Measure and parse an update; refuse LOAD and SERVICE, which would reach files or servers."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryTooLarge(f"the update is {size} bytes; this endpoint accepts at most {max_bytes}")
    if nesting_depth(text) > max_depth:
        raise QueryNotAllowed(f"the update nests brackets deeper than {max_depth}")
    try:
        tree = parseUpdate(text)
    except ParseException as exc:
        raise QuerySyntaxError(
            f"SPARQL Update syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}"
        ) from None
    except RecursionError:
        raise QueryNotAllowed("the update is too deeply nested to parse") from None
    names = {node.name for node in _nodes(tree)}
    if "Load" in names:
        raise QueryNotAllowed("LOAD is not allowed: this endpoint never reads files or other servers")
    if "ServiceGraphPattern" in names:
        raise QueryNotAllowed("SERVICE is not allowed: this endpoint never contacts other servers")


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return True


def _nodes(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _nodes(value)


def _prefixes(prologue: object) -> dict[str, str]:
    found = {}
    for node in _nodes(prologue):
        if node.name == "PrefixDecl":
            found[str(node["prefix"]) if "prefix" in node else ""] = str(node["iri"])
    return found


def _iri(value: object, prefixes: dict[str, str]) -> str:
    if isinstance(value, URIRef):
        return str(value)
    if isinstance(value, CompValue) and value.name == "pname":
        prefix = str(value["prefix"]) if "prefix" in value else ""
        if prefix not in prefixes:
            raise QuerySyntaxError(f"the prefix '{prefix}:' is not declared")
        return prefixes[prefix] + (str(value["localname"]) if "localname" in value else "")
    raise QueryNotAllowed(f"cannot read the graph name {value!r} in a FROM clause")


_SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def nesting_depth(text: str) -> int:
    """The deepest nesting of (), {} and [] outside strings, IRIs and comments."""
    depth = deepest = 0
    for char in _SKIPPED.sub(" ", text):
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth = max(depth - 1, 0)
    return deepest
