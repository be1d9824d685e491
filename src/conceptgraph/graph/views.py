"""What a view of the map shows: parameters from a URL, and the nodes, edges and highlights they select.

Every view is a URL (`/map?focus=…&depth=…&types=…`), so the same parameters serve the map, the
exports and the command line. Bad parameters raise ViewError naming the parameter and the fix.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx

from conceptgraph.errors import ConceptGraphError
from conceptgraph.graph import overview
from conceptgraph.graph.projection import Projection
from conceptgraph.ontology import class_names, is_a

MAX_DEPTH = 5
# Structural links make poor explanations; a path through them is taken only when nothing else connects.
WEIGHTS = {
    "cg:partOfSession": 6.0,
    "dcterms:isPartOf": 5.0,
    "cg:facilitator": 4.0,
    "cg:inList": 3.0,
    "cg:precedes": 3.0,
    "dcterms:relation": 2.0,
}
MAX_PATHS = 3
# The URL parameters a view is made of: nothing else in a URL is ever passed on (into redirects, say).
VIEW_PARAMETERS = ("focus", "depth", "types", "text", "theme", "path", "from", "to", "overview", "all", "lang", "embed")
# The parameters that choose what a view shows; a map URL with none of them opens on the overview.
SELECTING = ("focus", "types", "text", "theme", "path", "from", "to")


class ViewError(ConceptGraphError):
    """A view parameter is invalid; `param` names it.

    `text` and `values` name the participant's wording of the message in texts.py; `unknown` is
    the name that matched nothing in the course (a 404 with nearest matches, not a 400).
    """

    def __init__(
        self,
        param: str,
        message: str,
        *,
        text: str | None = None,
        values: dict[str, str] | None = None,
        unknown: str | None = None,
    ) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.text = text
        self.values = {"param": param, **(values or {})}
        self.unknown = unknown


@dataclass(frozen=True)
class ViewParams:
    """The parameters of a view, validated."""

    focus: str | None = None
    depth: int = 1
    types: tuple[str, ...] = ()
    text: str | None = None
    theme: str | None = None
    path: str | None = None
    source: str | None = None
    target: str | None = None
    overview: bool = False
    lang: str = "da"
    embed: bool = False

    def query_args(self) -> dict[str, str]:
        """The URL parameters that restore this view."""
        args = {
            "focus": self.focus,
            "depth": str(self.depth) if self.focus else None,
            "types": ",".join(self.types) or None,
            "text": self.text,
            "theme": self.theme,
            "path": self.path,
            "from": self.source,
            "to": self.target,
            "overview": "1" if self.overview else None,
            "lang": "en" if self.lang == "en" else None,
            "embed": "1" if self.embed else None,
        }
        return {k: v for k, v in args.items() if v}


@dataclass(frozen=True)
class Step:
    """One link of an explained path: `subject` `relation` `object`, with its reason."""

    subject: str
    relation: str
    object: str
    rationale: dict[str, str]


@dataclass
class View:
    """The selected subgraph and what to highlight and explain."""

    params: ViewParams
    nodes: list[str]
    edges: list[tuple[str, str, str]]
    highlight: set[str] = field(default_factory=set)
    highlight_edges: set[tuple[str, str, str]] = field(default_factory=set)
    paths: list[list[Step]] = field(default_factory=list)
    hidden: int = 0
    total: int = 0


def view_arguments(args: Mapping[str, str]) -> dict[str, str]:
    """Only the view's own parameters of a URL's arguments: a redirect built from them cannot be
    steered by names that mean something to the framework (`endpoint`, `_external`, `_scheme`)."""
    return {name: args[name] for name in VIEW_PARAMETERS if name in args}


def parse_view(args: Mapping[str, str], projection: Projection, *, default_overview: bool = False) -> ViewParams:
    """Validate URL parameters against the projection. Raises ViewError.

    `overview=1` asks for the overview; with `default_overview` (the map page) so does a URL that
    selects nothing, unless it says `all=1` (the whole course).
    """
    graph = projection.graph

    def slug(name: str) -> str | None:
        value = args.get(name)
        if value is None or value == "":
            return None
        if value not in graph:
            hints = ", ".join(s for s, _ in search(projection, value, limit=3))
            message = f"no resource '{value}'" + (f"; did you mean: {hints}" if hints else "")
            raise ViewError(name, message, text="not_found_param", values={"name": value}, unknown=value)
        return value

    params = ViewParams(
        focus=slug("focus"),
        depth=_depth(args.get("depth")),
        types=_types(args.get("types")),
        text=slug("text"),
        theme=slug("theme"),
        path=slug("path"),
        source=slug("from"),
        target=slug("to"),
        overview=_flag(args, "overview")
        or (default_overview and not _flag(args, "all") and not any(args.get(n) for n in SELECTING)),
        lang="en" if args.get("lang") == "en" else "da",
        embed=args.get("embed") in ("1", "true"),
    )
    if params.path and graph.nodes[params.path]["cls"] != "ReflectionQuestion":
        message = f"'{params.path}' is not a reflection question; path= takes a question's slug"
        raise ViewError("path", message, text="bad_path", values={"value": params.path})
    if bool(params.source) != bool(params.target):
        missing = "from" if params.target else "to"
        raise ViewError(missing, "from= and to= go together: give both slugs", text="bad_pair")
    return params


def _flag(args: Mapping[str, str], name: str) -> bool:
    return args.get(name) in ("1", "true")


def _depth(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not value.isdigit() or not 0 <= int(value) <= MAX_DEPTH:
        message = f"'{value}' is not a whole number from 0 to {MAX_DEPTH}"
        raise ViewError("depth", message, text="bad_depth", values={"value": value, "max": str(MAX_DEPTH)})
    return int(value)


def _types(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = tuple(sorted({v.strip() for v in value.split(",") if v.strip()}))
    unknown = [n for n in names if n not in class_names()]
    if unknown:
        known = ", ".join(class_names())
        message = f"unknown type {', '.join(unknown)}; known: {known}"
        raise ViewError("types", message, text="bad_types", values={"value": ", ".join(unknown), "known": known})
    return names


def select(projection: Projection, params: ViewParams, *, max_nodes: int) -> View:
    """The nodes and edges a view shows, at most `max_nodes` (the best connected are kept)."""
    graph = projection.graph
    keep = set(graph)
    highlight: set[str] = set()
    highlight_edges: set[tuple[str, str, str]] = set()
    paths: list[list[Step]] = []
    if params.overview:
        keep = {n for block in overview.blocks(graph) for n in block.nodes()}
    if params.focus:
        keep = set(nx.ego_graph(graph.to_undirected(as_view=True), params.focus, radius=params.depth))
        highlight = {params.focus}
    if params.text or params.theme:
        keep &= belonging(graph, params.text or params.theme or "")
    if params.types:
        keep = {n for n in keep if any(is_a(graph.nodes[n]["cls"], t) for t in params.types)} | highlight
    if params.path:
        keep, highlight_edges = _question_path(graph, params.path)
        highlight = set(keep)
        paths = [[_step(graph, edge) for edge in sorted(highlight_edges)]]
    if params.source and params.target:
        keep, highlight_edges, paths = _connections(projection, params.source, params.target)
        highlight = set(keep)
    total = len(keep)
    if total > max_nodes:
        ranked = sorted(keep, key=lambda n: (n not in highlight, -graph.degree(n), n))
        keep = set(ranked[:max_nodes])
    nodes = sorted(keep)
    edges = sorted((u, v, k) for u, v, k in graph.edges(nodes, keys=True) if v in keep)
    return View(params, nodes, edges, highlight, highlight_edges, paths, total - len(nodes), total)


def belonging(graph: nx.MultiDiGraph, slug: str) -> set[str]:
    """A text, author or theme with everything that comes from it and the questions about it."""
    cls = graph.nodes[slug]["cls"]
    texts = {slug}
    if cls in ("Person", "Organisation"):
        texts = {u for u, _, k in graph.in_edges(slug, keys=True) if k == "dcterms:creator"}
    elif cls == "Theme":
        texts = {u for u, _, k in graph.in_edges(slug, keys=True) if k == "cg:partOfTheme"}
    members = set(texts) | {slug}
    for text in texts:
        members |= {u for u, _, k in graph.in_edges(text, keys=True) if k == "cg:introducedIn"}
        members |= {v for _, v, k in graph.out_edges(text, keys=True) if k in ("dcterms:creator", "cg:partOfTheme")}
    members |= {u for node in list(members) for u, _, k in graph.in_edges(node, keys=True) if k == "cg:addresses"}
    return members


def _question_path(graph: nx.MultiDiGraph, question: str) -> tuple[set[str], set[tuple[str, str, str]]]:
    """A question, the theory it addresses, the texts that theory comes from, and their authors."""
    edges = set()
    for _, target, key in graph.out_edges(question, keys=True):
        if key != "cg:addresses":
            continue
        edges.add((question, target, key))
        for _, text, k in graph.out_edges(target, keys=True):
            if k == "cg:introducedIn":
                edges.add((target, text, k))
    for text in {v for _, v, _ in edges if graph.nodes[v]["cls"] == "Text"}:
        edges |= {(text, v, k) for _, v, k in graph.out_edges(text, keys=True) if k == "dcterms:creator"}
    nodes = {question} | {u for u, _, _ in edges} | {v for _, v, _ in edges}
    return nodes, edges


@lru_cache(maxsize=8)
def _weighted(graph_id: int, graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected graph with the cheapest link between each pair, remembering which link it is."""
    simple = nx.Graph()
    for u, v, key in graph.edges(keys=True):
        weight = WEIGHTS.get(key, 1.0)
        if not simple.has_edge(u, v) or simple[u][v]["weight"] > weight:
            simple.add_edge(u, v, weight=weight, edge=(u, v, key))
    return simple


def _connections(
    projection: Projection, source: str, target: str
) -> tuple[set[str], set[tuple[str, str, str]], list[list[Step]]]:
    """The shortest explained paths between two nodes (at most MAX_PATHS)."""
    graph = projection.graph
    simple = _weighted(id(graph), graph)
    if source not in simple or target not in simple or not nx.has_path(simple, source, target):
        return {source, target}, set(), []
    found = []
    for path in nx.all_shortest_paths(simple, source, target, weight="weight"):
        found.append(path)
        if len(found) == MAX_PATHS:
            break
    edges = {simple[a][b]["edge"] for path in found for a, b in zip(path, path[1:], strict=False)}
    steps = [[_step(graph, simple[a][b]["edge"]) for a, b in zip(path, path[1:], strict=False)] for path in found]
    return {n for path in found for n in path}, edges, steps


def _step(graph: nx.MultiDiGraph, edge: tuple[str, str, str]) -> Step:
    u, v, key = edge
    return Step(u, key, v, dict(graph.edges[u, v, key].get("rationale") or {}))


def fold(text: str) -> str:
    """Text folded for search: case, accents and Danish letters do not matter (å/aa, ø/oe, æ/ae)."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace("aa", "a").replace("oe", "o")


def search(projection: Projection, query: str, *, limit: int = 10) -> list[tuple[str, str]]:
    """(slug, Danish label) of the nodes whose labels or slug match `query`, best first."""
    needle = fold(query.strip())
    if not needle:
        return []
    scored = []
    for slug, attrs in projection.graph.nodes(data=True):
        names = [*attrs["label"].values(), *attrs["alt_labels"], slug]
        folded = [fold(name) for name in names]
        if any(needle in name for name in folded):
            starts = any(name.startswith(needle) for name in folded)
            scored.append((not starts, len(attrs["label"]["da"]), slug, attrs["label"]["da"]))
    return [(slug, label) for *_, slug, label in sorted(scored)[:limit]]
