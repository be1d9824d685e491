"""Decide whether a query may run, on the very text the engine will run.

The endpoint is public. A query is brought to its normal form (see `normal_form`), and the
tokens of that form are judged: only SELECT, ASK, CONSTRUCT and DESCRIBE; no SERVICE; no call of
a function outside SPARQL's built-ins and the XSD casts (remote engines have their own, which
reach files, SQL and the network); and a shape that cannot crash the engine (bracket nesting and
the number of chained operations are bounded: pyoxigraph recurses over both, and overflows its
stack past a few thousand). The engine is then handed the normal form and nothing else.

Judging is linear in the text but costs Python time per token, so the endpoint does it inside
the query worker, under the query's time limit, never in the web process (see `worker.run_task`).
Verdicts are cached per worker by query text, refusals too: clients repeat queries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError
from conceptgraph.sparql.normal_form import Normal, Token, normalise, write

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
XSD = "http://www.w3.org/2001/XMLSchema#"
MAX_OPERATIONS = 1000
CACHED_TEXT = 16384
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
OPENING, CLOSING = frozenset("({[") | {"<<", "{|"}, frozenset(")}]") | {">>", "|}"}
# An IRI followed by "(" is a function call, unless the token before it puts it where a predicate
# stands (`?s ex:p (1 2)`: the object is a collection); in ORDER BY, GROUP BY and HAVING, always.
PREDICATE_AFTER_KINDS = frozenset(["var", "iri", "pname", "bnode", "string", "number"])
PREDICATE_AFTER = frozenset(["]", ")", ";", "[", ">>", "|}", "^", "|"])
MODIFIERS, MODIFIERS_END = frozenset(["BY", "HAVING"]), frozenset(["{", "}", "LIMIT", "OFFSET", "VALUES"])
# What makes pyoxigraph's algebra one level deeper without a bracket.
CHAINING = frozenset(["AS", "UNION", "MINUS", "OPTIONAL", "FILTER", "GRAPH", "{", "||", "&&", "|", "/", "^", "!"])
CHAINING |= frozenset(["=", "!=", "<", ">", "<=", ">=", "+", "-", "*"])


class QueryTooLarge(QueryNotAllowed):
    """The query text is longer than the configured limit."""


@dataclass(frozen=True)
class Verdict:
    """What the guard learnt: the text to run, its form, and the graphs its FROM clauses name."""

    text: str
    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    bare_text: str  # the text without its FROM / FROM NAMED clauses, for a server given the dataset


def check_size(text: str, *, max_bytes: int, what: str = "query") -> None:
    """Raise QueryTooLarge when `text` is over `max_bytes` in UTF-8 (cheap: no parsing)."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryTooLarge(f"the {what} is {size} bytes; this endpoint accepts at most {max_bytes}")


def check_query(
    text: str, *, max_bytes: int, max_depth: int, prefixes: tuple[tuple[str, str], ...] = (), base: str = ""
) -> Verdict:
    """Normalise and judge a query. Raises QueryTooLarge, QuerySyntaxError or QueryNotAllowed.

    `prefixes` are the ones the endpoint predeclares, as (prefix, namespace) pairs; `base` is what
    relative IRIs resolve against where the query declares no BASE.
    """
    check_size(text, max_bytes=max_bytes)
    if len(text) > CACHED_TEXT:
        return _judge_query(text, max_depth, prefixes, base)
    outcome = _cached_query(text, max_depth, prefixes, base)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@lru_cache(maxsize=256)
def _cached_query(text: str, max_depth: int, prefixes: tuple[tuple[str, str], ...], base: str) -> Verdict | Exception:
    try:
        return _judge_query(text, max_depth, prefixes, base)
    except (QuerySyntaxError, QueryNotAllowed) as exc:
        return exc


def _judge_query(text: str, max_depth: int, predeclared: tuple[tuple[str, str], ...], base: str) -> Verdict:
    normal = normalise(text)
    tokens = normal.tokens
    start, prefixes, base = _prologue(tokens, dict(predeclared), base)
    first = tokens[start].text if start < len(tokens) else ""
    if first in UPDATES:
        raise QueryNotAllowed(
            "this is a SPARQL Update; the query endpoint only runs SELECT, ASK, CONSTRUCT and "
            "DESCRIBE, and updates are switched off"
        )
    if first not in FORMS:
        raise QuerySyntaxError(_expected(tokens, start, "SELECT, ASK, CONSTRUCT or DESCRIBE"))
    _judge_shape(normal, max_depth, prefixes)
    default, named, clauses = _dataset_clauses(tokens, start, prefixes, base)
    bare = write([t for i, t in enumerate(tokens) if i not in clauses]) if clauses else normal.text
    return Verdict(normal.text, first, default, named, bare)


def check_update(text: str, *, max_bytes: int, max_depth: int, prefixes: tuple[tuple[str, str], ...] = ()) -> str:
    """Normalise and judge an update; refuse LOAD and SERVICE, which would reach files or servers.

    Returns the normal form, the text to apply."""
    check_size(text, max_bytes=max_bytes, what="update")
    normal = normalise(text)
    start, declared, _ = _prologue(normal.tokens, dict(prefixes), "")
    first = normal.tokens[start].text if start < len(normal.tokens) else ""
    if first in FORMS:
        raise QueryNotAllowed(f"this is a {first} query, not an update; send it to /sparql")
    if first not in UPDATES:
        raise QuerySyntaxError(_expected(normal.tokens, start, "an update operation (INSERT, DELETE, …)"))
    if any(t.kind == "word" and t.text == "LOAD" for t in normal.tokens):
        raise QueryNotAllowed("LOAD is not allowed: this endpoint never reads files or other servers")
    _judge_shape(normal, max_depth, declared)
    return normal.text


def _judge_shape(normal: Normal, max_depth: int, prefixes: dict[str, str]) -> None:
    """Refuse SERVICE, foreign functions, too deep nesting and too long chains of operations."""
    tokens = normal.tokens
    depth = deepest = operations = 0
    in_modifiers = False
    for index, token in enumerate(tokens):
        text = token.text
        if text in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif text in CLOSING:
            depth = max(depth - 1, 0)
        if text in CHAINING or (token.kind == "number" and text[0] in "+-"):
            operations += 1
        if token.kind == "word":
            if text == "SERVICE":
                raise QueryNotAllowed("SERVICE is not allowed: this endpoint never contacts other servers")
            in_modifiers = (in_modifiers or text in MODIFIERS) and text not in MODIFIERS_END
        elif text in MODIFIERS_END:
            in_modifiers = False
        elif token.kind in ("iri", "pname") and index + 1 < len(tokens) and tokens[index + 1].text == "(":
            if in_modifiers or not _predicate_position(tokens[index - 1] if index else None):
                _judge_function(token, prefixes)
    if deepest > max_depth:
        raise QueryNotAllowed(f"the query nests brackets {deepest} deep; this endpoint accepts at most {max_depth}")
    if operations > MAX_OPERATIONS:
        raise QueryNotAllowed(
            f"the query chains {operations} operations (UNION, FILTER, BIND, operators, …); this endpoint "
            f"accepts at most {MAX_OPERATIONS}: split it into several queries"
        )


def _predicate_position(before: Token | None) -> bool:
    return before is not None and (before.kind in PREDICATE_AFTER_KINDS or before.text in PREDICATE_AFTER)


def _judge_function(token: Token, prefixes: dict[str, str]) -> None:
    iri = _resolve(token, prefixes, "")
    if not iri.startswith(XSD):
        raise QueryNotAllowed(
            f"the function {token.text} is not allowed: this endpoint runs SPARQL's built-in functions "
            "and the XSD casts (xsd:integer(…) etc.) only"
        )


def _prologue(tokens: Sequence[Token], prefixes: dict[str, str], base: str) -> tuple[int, dict[str, str], str]:
    """Where the prologue's BASE and PREFIX declarations end, the prefixes (with the predeclared
    ones) and the base IRI in force after them (`base` unless they declare one)."""
    index = 0
    while index + 1 < len(tokens) and tokens[index].text in ("BASE", "PREFIX"):
        if tokens[index].text == "BASE" and tokens[index + 1].kind == "iri":
            base = urljoin(base, tokens[index + 1].text[1:-1])
            index += 2
        elif index + 2 < len(tokens) and tokens[index + 1].kind == "pname" and tokens[index + 2].kind == "iri":
            prefixes[tokens[index + 1].text[:-1]] = urljoin(base, tokens[index + 2].text[1:-1])
            index += 3
        else:
            break
    return index, prefixes, base


def _dataset_clauses(
    tokens: Sequence[Token], start: int, prefixes: dict[str, str], base: str
) -> tuple[tuple[str, ...], tuple[str, ...], set[int]]:
    """The graphs named by the outer query's FROM and FROM NAMED clauses (before its WHERE), and
    the positions of the clauses' tokens. Raises QueryNotAllowed for a name that is no absolute IRI."""
    default: list[str] = []
    named: list[str] = []
    clauses: set[int] = set()
    index = start
    while index + 1 < len(tokens) and tokens[index].text not in ("WHERE", "{"):
        if tokens[index].text == "FROM":
            is_named = tokens[index + 1].text == "NAMED"
            at = index + 2 if is_named else index + 1
            if at < len(tokens) and tokens[at].kind in ("iri", "pname"):
                iri = _resolve(tokens[at], prefixes, base)
                if not _ABSOLUTE.match(iri):
                    raise QueryNotAllowed(
                        f"the graph name <{iri}> in FROM is not an absolute IRI; name graphs by their full IRI"
                    )
                (named if is_named else default).append(iri)
                clauses.update(range(index, at + 1))
        index += 1
    return tuple(default), tuple(named), clauses


def _resolve(token: Token, prefixes: dict[str, str], base: str) -> str:
    if token.kind == "iri":
        return urljoin(base, token.text[1:-1]) if base else token.text[1:-1]
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        raise QuerySyntaxError(f"SPARQL syntax error at line {token.line}: the prefix '{prefix}:' is not declared")
    return prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)


def _expected(tokens: Sequence[Token], index: int, what: str) -> str:
    if index >= len(tokens):
        return f"SPARQL syntax error: the query ends where {what} was expected"
    token = tokens[index]
    return f"SPARQL syntax error at line {token.line}: expected {what}, found '{token.text}'"
