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
from conceptgraph.sparql.normal_form import Token, normalise, write

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
TERMS = frozenset(["var", "iri", "string", "number", "bnode", "word"])


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
    tokens, base = _expand_names(normalise(text).tokens, dict(predeclared), base)
    start = _after_bases(tokens)
    first = tokens[start].text if start < len(tokens) else ""
    if first in UPDATES:
        raise QueryNotAllowed(
            "this is a SPARQL Update; the query endpoint only runs SELECT, ASK, CONSTRUCT and "
            "DESCRIBE, and updates are switched off"
        )
    if first not in FORMS:
        raise QuerySyntaxError(_expected(tokens, start, "SELECT, ASK, CONSTRUCT or DESCRIBE"))
    _judge_shape(tokens, max_depth)
    default, named, clauses = _dataset_clauses(tokens, start, base)
    normal = write(tokens)
    bare = write([t for i, t in enumerate(tokens) if i not in clauses]) if clauses else normal
    return Verdict(normal, first, default, named, bare)


def check_update(text: str, *, max_bytes: int, max_depth: int, prefixes: tuple[tuple[str, str], ...] = ()) -> str:
    """Normalise and judge an update; refuse LOAD and SERVICE, which would reach files or servers.

    Returns the normal form, the text to apply."""
    check_size(text, max_bytes=max_bytes, what="update")
    tokens, _ = _expand_names(normalise(text).tokens, dict(prefixes), "")
    start = _after_bases(tokens)
    first = tokens[start].text if start < len(tokens) else ""
    if first in FORMS:
        raise QueryNotAllowed(f"this is a {first} query, not an update; send it to /sparql")
    if first not in UPDATES:
        raise QuerySyntaxError(_expected(tokens, start, "an update operation (INSERT, DELETE, …)"))
    if any(t.kind == "word" and t.text == "LOAD" for t in tokens):
        raise QueryNotAllowed("LOAD is not allowed: this endpoint never reads files or other servers")
    _judge_shape(tokens, max_depth)
    return write(tokens)


def _expand_names(tokens: Sequence[Token], prefixes: dict[str, str], base: str) -> tuple[list[Token], str]:
    """The tokens with every prefixed name written as the IRI it stands for, and PREFIX
    declarations dropped; the base IRI in force at the end.

    pyoxigraph matches keywords without a word boundary, so it reads the prefixed name
    `SERVICE:x` (or `SERVICEx:y`, `FILTER:f`) as a keyword and a name: a text holding no prefixed
    names cannot be read two ways. Raises QuerySyntaxError for an undeclared prefix."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1 : index + 3]
        if token.text == "PREFIX" and [t.kind for t in following] == ["pname", "iri"]:
            prefixes[following[0].text[:-1]] = _join(base, following[1].text[1:-1])
            index += 3
            continue
        if token.text == "BASE" and following and following[0].kind == "iri":
            base = _join(base, following[0].text[1:-1])
        out.append(Token("iri", f"<{_resolve(token, prefixes, '')}>", token.line) if token.kind == "pname" else token)
        index += 1
    return out, base


def _after_bases(tokens: Sequence[Token]) -> int:
    """Where the BASE declarations that open a query end (PREFIX ones are gone, see above)."""
    index = 0
    while index + 1 < len(tokens) and tokens[index].text == "BASE" and tokens[index + 1].kind == "iri":
        index += 2
    return index


def _judge_shape(tokens: Sequence[Token], max_depth: int) -> None:
    """Refuse SERVICE, foreign functions, too deep nesting and too many chained operations."""
    depth = deepest = 0
    in_modifiers = False
    for index, token in enumerate(tokens):
        text = token.text
        if text in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif text in CLOSING:
            depth = max(depth - 1, 0)
        if token.kind == "word":
            if text == "SERVICE":
                raise QueryNotAllowed("SERVICE is not allowed: this endpoint never contacts other servers")
            in_modifiers = (in_modifiers or text in MODIFIERS) and text not in MODIFIERS_END
        elif text in MODIFIERS_END:
            in_modifiers = False
        elif token.kind == "iri" and index + 1 < len(tokens) and tokens[index + 1].text == "(":
            if in_modifiers or not _predicate_position(tokens[index - 1] if index else None):
                _judge_function(token)
    if deepest > max_depth:
        raise QueryNotAllowed(f"the query nests brackets {deepest} deep; this endpoint accepts at most {max_depth}")
    operations = _operations(tokens)
    if operations > MAX_OPERATIONS:
        raise QueryNotAllowed(
            f"the query chains {operations} operations (UNION, FILTER, BIND, operators, list items, …); "
            f"this endpoint accepts at most {MAX_OPERATIONS}: split it into several queries"
        )


def _operations(tokens: Sequence[Token]) -> int:
    """What makes pyoxigraph's algebra deeper without a bracket: chained operators and patterns,
    the items of collections and bracketed lists, and DESCRIBE's resources. VALUES rows do not
    count (a flat table, however long)."""
    count = 0
    lists: list[bool] = []  # per open "(": whether its items count (a collection or list, not a call)
    values_at: int | None = None  # the depth of the VALUES block being read
    describing = False
    for index, token in enumerate(tokens):
        text = token.text
        if text in CHAINING or (token.kind == "number" and text[0] in "+-"):
            count += 1
        counted = bool(lists and lists[-1]) or describing
        if text == "(":
            if counted:
                count += 1
            lists.append(values_at is None and not _call(tokens, index))
        elif text == ")" and lists:
            lists.pop()
        elif counted and token.kind in TERMS:
            count += 1
        if text == "VALUES":
            values_at = len(lists)
        elif text == "}" and values_at is not None:
            values_at = None
        describing = (describing or text == "DESCRIBE") and text not in ("WHERE", "{")
    return count


def _call(tokens: Sequence[Token], index: int) -> bool:
    """Whether the "(" at `index` opens a call's arguments (a keyword's or a function's), not a
    collection or a bracketed list."""
    previous = tokens[index - 1] if index else None
    if previous is None:
        return False
    if previous.kind == "word":
        return previous.text != "a"
    return previous.kind == "iri" and not _predicate_position(tokens[index - 2] if index > 1 else None)


def _predicate_position(before: Token | None) -> bool:
    return before is not None and (before.kind in PREDICATE_AFTER_KINDS or before.text in PREDICATE_AFTER)


def _judge_function(token: Token) -> None:
    iri = token.text[1:-1]
    if not iri.startswith(XSD):
        raise QueryNotAllowed(
            f"the function {token.text} is not allowed: this endpoint runs SPARQL's built-in functions "
            "and the XSD casts (xsd:integer(…) etc.) only"
        )


def _dataset_clauses(
    tokens: Sequence[Token], start: int, base: str
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
            if at < len(tokens) and tokens[at].kind == "iri":
                iri = _resolve(tokens[at], {}, base)
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
        return _join(base, token.text[1:-1])
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        raise QuerySyntaxError(
            f"SPARQL syntax error at line {token.line}: the prefix '{prefix}:' is not declared "
            "(declare it with PREFIX, or use one the endpoint predeclares)"
        )
    return prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)


def _join(base: str, iri: str) -> str:
    """`iri` resolved against `base`: an absolute IRI as it is (urljoin would drop an empty
    fragment, turning the namespace `…rdf-schema#` into `…rdf-schema`)."""
    if not base or _ABSOLUTE.match(iri):
        return iri
    joined = urljoin(base, iri)
    return joined + "#" if iri.endswith("#") and not joined.endswith("#") else joined


def _expected(tokens: Sequence[Token], index: int, what: str) -> str:
    if index >= len(tokens):
        return f"SPARQL syntax error: the query ends where {what} was expected"
    token = tokens[index]
    return f"SPARQL syntax error at line {token.line}: expected {what}, found '{token.text}'"
