"""The guard judges exactly the text the engine runs: the normal form, judged on its tokens.

A differential test (Hypothesis) mixes comments, strings, escapes and every kind of line break
around a SERVICE call, and checks that whatever the guard allows, two independent readers of
the normal form (pyoxigraph, which runs it, and rdflib) see no SERVICE, give the same answer, and
that the engine opened no connection.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery

from conceptgraph.errors import QueryNotAllowed, QuerySyntaxError
from conceptgraph.sparql.examples import examples
from conceptgraph.sparql.guard import MAX_OPERATIONS, check_query, check_update
from conceptgraph.sparql.normal_form import normalise
from conceptgraph.vocab import DEFAULT_BASE, query_prefixes
from tests.server import Listener

PREFIXES = tuple(sorted(query_prefixes(DEFAULT_BASE).items()))


def judge(text: str) -> str:
    return check_query(text, max_bytes=65536, max_depth=64, prefixes=PREFIXES).text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { # a comment ending at a CR\r SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c }\n}",
        "SELECT * WHERE { SERVI\\u0043E <http://127.0.0.1:9/> { ?a ?b ?c } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
        "SELECT * WHERE { ?s ?p '\\u0027 } SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } #' }",
        "SELECT * WHERE { OPTIONAL { service silent <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE { " + "BIND(1 AS ?x) " * (MAX_OPERATIONS + 1) + "}",
        "SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }",
        "SELECT * WHERE { ?s ?p ?o FILTER(<java:java.lang.Runtime>(?o)) }",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s <sql:now>(?o)",
        "SELECT (COUNT(DISTINCT <bif:fn>(?o)) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(?o) > 1) <sql:f>(?s)",
        "SELECT * WHERE { ?s ?p ?o FILTER <sql:f>(?o) }",
        "DEFINE input:grab-all 'yes' SELECT * WHERE { ?s ?p ?o }",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
    ],
)
def test_hidden_or_harmful_queries_are_refused(query: str) -> None:
    with pytest.raises((QueryNotAllowed, QuerySyntaxError)):
        judge(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(xsd:integer(?o) > 1) }",
        "SELECT * WHERE { ?s skos:member (1 2 3) }",
        "SELECT * WHERE { ?s skos:member (1 2) ; skos:related (3) . [ skos:member (4) ] ?p ?o }",
        "SELECT * WHERE { ?s ^skos:member|skos:related (1) }",
        "SELECT * WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/> { }' } # SERVICE <x:y> { }",
        "SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?o) LIMIT 2",
        *(example.query for example in examples()),
    ],
)
def test_ordinary_queries_pass_and_run(query: str) -> None:
    ox.Store().query(judge(query), prefixes=dict(PREFIXES))


def test_a_codepoint_that_does_not_exist_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError, match=r"\\U7FFFFFFF is not a Unicode character"):
        judge('SELECT * WHERE { ?s ?p "\\U7FFFFFFF" }')


def test_updates_are_judged_on_their_normal_form() -> None:
    for update in (
        "INSERT DATA { <a:b> <a:c> 'x' } ; # comment\r LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT DATA { <a:b> <a:c> 'x' } ; LO\\u0041D <http://127.0.0.1:9/data.ttl>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "INSERT DATA { <a:b> <a:c> " + "(" * 5000 + ")" * 5000 + " }",
    ):
        with pytest.raises((QueryNotAllowed, QuerySyntaxError)):
            check_update(update, max_bytes=65536, max_depth=64)
    normal = check_update("INSERT DATA { <a:b> <a:c> 'x\\u0041' } # note", max_bytes=65536, max_depth=64)
    assert normal == 'INSERT DATA { <a:b> <a:c> "xA" }'


def test_the_normal_form_is_its_own_normal_form() -> None:
    text = 'PREFIX ex: <http://e/> SELECT * { ?s ex:p "a\\"b"@en , """x\r\ny""" , -1.5e3 . } # c'
    once = normalise(text)
    assert normalise(once.text) == once
    assert "#" not in once.text and "\r" not in once.text


# The differential test: pieces that two readers could split differently.
BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u0085", "\x0b", "\x0c"]
PIECE = st.one_of(
    st.sampled_from([" ", "\t", *BREAKS]),
    st.builds(
        lambda body, end: "#" + body + end, st.text(alphabet="SERVICE{}'\"\\ #", max_size=8), st.sampled_from(BREAKS)
    ),
    st.sampled_from(
        ["\\u0022", "\\u0027", "\\u000A", "\\u000D", "\\u0023", "\\u007B", "\\u0053", "\\\\", '\\"', "\\'"]
    ),
    st.sampled_from(['"', "'", '"""', "'''", "#"]),
    st.text(alphabet="aS{}<>?x", max_size=4),
)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


DATA = '<http://e/s> <http://e/p> "o" .\n<http://e/s> <http://e/p> "SERVICE" .\n'


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(PIECE, max_size=6), after=st.lists(PIECE, max_size=6))
def test_what_the_guard_allows_the_engine_runs_with_the_same_meaning(
    listener: Listener, before: list[str], after: list[str]
) -> None:
    service = f"SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?a ?b ?c }}"
    query = "SELECT ?o WHERE { ?s ?p ?o " + "".join(before) + service + "".join(after) + " }"
    try:
        normal = check_query(query, max_bytes=65536, max_depth=64).text
    except (QueryNotAllowed, QuerySyntaxError):
        return
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.N_TRIPLES)
    try:
        ours = sorted(str(row["o"]) for row in store.query(normal))  # type: ignore[union-attr]
    except SyntaxError:
        return  # the engine refuses it too: nothing ran
    assert listener.connections == 0
    tree = parseQuery(normal)  # rdflib, an independent reader of the same text
    assert "ServiceGraphPattern" not in repr(tree)
    graph = Graph().parse(data=DATA, format="nt")
    theirs = sorted(f'"{row[0]}"' for row in graph.query(normal))  # type: ignore[index]
    assert ours == theirs


@pytest.mark.parametrize(
    "query",
    [
        # pyoxigraph reads a keyword without a word boundary: SERVICE:x is SERVICE, then :x
        "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
        "PREFIX SERVICEx: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEx:y { ?s ?p ?o } }",
        "PREFIX FILTER: <http://e/> SELECT * WHERE { ?s ?p ?o FILTER:f(?o) }",
        # shapes that overflow pyoxigraph's stack without a bracket or an operator
        "SELECT * WHERE { ?s ?p (" + " 1" * 4500 + " ) }",
        "SELECT * WHERE { ?s skos:member (" + " 1" * 4500 + " ) }",
        "SELECT * WHERE { ?s a (" + " 1" * 4500 + " ) }",
        "SELECT * WHERE { ?s ?p (" + " ()" * 6000 + " ) }",
        "PREFIX : <http://e/> DESCRIBE " + " ".join(f":{i}" for i in range(5000)),
    ],
)
def test_names_and_lists_that_one_reader_sees_otherwise_are_refused_or_harmless(query: str) -> None:
    try:
        normal = judge(query)
    except (QueryNotAllowed, QuerySyntaxError):
        return
    tokens = normalise(normal).tokens
    assert not [t for t in tokens if t.kind == "pname" or t.text == "SERVICE"]
    with pytest.raises(SyntaxError):  # what the engine is given does not even parse: nothing runs
        ox.Store().query(normal)


def test_prefixed_names_reach_the_engine_written_out() -> None:
    normal = judge("PREFIX ex: <http://e/> SELECT ?x WHERE { ?x ex:p\\.q skos:member 'a' }")
    assert normal == 'SELECT ?x WHERE { ?x <http://e/p.q> <http://www.w3.org/2004/02/skos/core#member> "a" }'


def test_a_namespace_ending_in_a_hash_keeps_it() -> None:
    normal = check_query(
        "BASE <http://e/a/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX rel: <b#> "
        "SELECT * WHERE { ?s rdfs:label ?l ; rel:x ?o }",
        max_bytes=65536,
        max_depth=64,
        base="http://localhost/sparql",
    ).text
    assert "<http://www.w3.org/2000/01/rdf-schema#label>" in normal and "<http://e/a/b#x>" in normal


def test_values_tables_are_not_counted_as_chains() -> None:
    rows = " ".join(f"({i} {i})" for i in range(3000))
    ox.Store().query(judge(f"SELECT * WHERE {{ VALUES (?a ?b) {{ {rows} }} }}"))
