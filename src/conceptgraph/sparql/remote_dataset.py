"""The RDF dataset a query is sent to a remote SPARQL server with.

Our endpoint decides each query's dataset (the protocol's graph parameters, else the query's
FROM / FROM NAMED, else every graph of ours), and a name the dataset does not hold stands for an
empty graph. A remote server must not be left to decide any of it: servers read FROM in their own
ways (Virtuoso merges it with the protocol's parameters instead of letting them override it, and
reads graphs of its own that are not ours), and some fetch a graph they do not hold. So the
dataset is always sent as protocol parameters naming only graphs of ours, an unknown name
becomes `empty_graph(base)` (reserved, holds nothing), and the dataset clauses are taken out of
the query text, which leaves its meaning as it was, since the parameters say the same.

Taking the clauses out reads the text with a small lexer (comments, strings, IRIs, names) that
the regex engine runs in one linear pass. Because a remote engine might read a comment's end or a
`\\u` escape differently, the result is read again both ways; if either reading still finds
FROM, the query is refused rather than forwarded.
"""

from __future__ import annotations

import re
from typing import cast

from rdflib.plugins.sparql.parser import expandUnicodeEscapes

from conceptgraph.sparql.worker import Dataset

# Possessive loops, and ends that always match (an unterminated string runs to the end of its
# line, or of the text), mean no input makes the engine go back; a run of tokens without FROM is
# one match, not one per token.
_NOT_FROM = (
    r'(?:"""(?:[^"\\]|\\[\s\S]?|"(?!""))*+(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\[\s\S]?|'(?!''))*+(?:'''|\Z)"
    r'|"(?:[^"\\\n\r]|\\[^\n\r]?)*+(?:"|(?=[\n\r])|\Z)'
    r"|'(?:[^'\\\n\r]|\\[^\n\r]?)*+(?:'|(?=[\n\r])|\Z)"
    r"|[?$]\w*+|_:[\w.-]*+|@[A-Za-z][A-Za-z0-9-]*+|{comment}|{iri}|{pname}"
    r"|(?!(?i:FROM)\b)[^\W\d]\w*+"  # a word, but not FROM
    r"|(?![^\W\d])[\s\S])"  # any other character that starts no word
)
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*+>"
_PNAME = r"(?:[^\W\d][\w.-]*+)?:[\w.:%-]*+"
_CLAUSE = r"(?i:FROM)\b{gap}(?:(?i:NAMED)\b{gap})?(?:{iri}|{pname})"


def _reading(comment: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """For one way of reading comments: the pattern that finds clauses, and the one that reads
    up to the first FROM left."""
    not_from = _NOT_FROM.format(comment=comment, iri=_IRI, pname=_PNAME)
    gap = rf"(?:\s++|{comment})*+"
    clause = _CLAUSE.format(gap=gap, iri=_IRI, pname=_PNAME)
    return re.compile(rf"(?P<keep>{not_from}++)|(?P<clause>{clause})|[\s\S]"), re.compile(f"{not_from}*+")


# Reading A ends a comment at any line break; reading B, as rdflib does, only at a line feed.
_CLAUSES, _ANY_BREAK = _reading(r"#[^\n\r\v\f\x85\u2028\u2029]*+")
_LINE_FEED = _reading(r"#[^\n]*+")[1]
NOT_STRIPPED = (
    "this query's FROM / FROM NAMED clauses could not be taken out before it goes to the SPARQL "
    "server; write them plainly (no escapes, no line breaks inside comments before them)"
)


def empty_graph(base: str) -> str:
    """The reserved graph name that stands in for every graph the dataset does not hold."""
    return f"{base}sparql/empty-graph"


def remote_dataset(asked: Dataset | None, ours: tuple[str, ...], empty: str) -> tuple[tuple[str, ...], ...]:
    """The default-graph-uri and named-graph-uri values to send: only graphs of ours, `empty`
    where none is left (sending no parameter would hand the choice to the server)."""
    if asked is None:
        default = named = ours
    else:
        known = set(ours) - {empty}
        default = tuple(g for g in asked.default_graphs if g in known)
        named = tuple(g for g in asked.named_graphs if g in known)
    return default or (empty,), named or (empty,)


def without_dataset_clauses(query: str) -> str:
    """The query with its FROM / FROM NAMED clauses replaced by spaces.

    Raises ValueError (with NOT_STRIPPED) when either reading of the result still finds FROM.
    """
    if "\\" not in query and "from" not in query.lower():
        return query  # no reading can find FROM (most queries): skip the lexer
    stripped = _CLAUSES.sub(lambda m: " " if m.lastgroup == "clause" else m.group(), query)
    try:
        expanded = expandUnicodeEscapes(stripped)
    except ValueError:
        raise ValueError(NOT_STRIPPED) from None
    for reading, text in ((_ANY_BREAK, stripped), (_LINE_FEED, expanded)):
        if cast(re.Match[str], reading.match(text)).end() < len(text):  # it stopped at a FROM
            raise ValueError(NOT_STRIPPED)
    return stripped
