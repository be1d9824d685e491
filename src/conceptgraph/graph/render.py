"""The map's network data: pyvis builds nodes, edges and options from a view; our own template and
script draw them with vis-network. pyvis's HTML template is never used (it disables escaping and
loads scripts from CDNs), only its network model.
"""

from __future__ import annotations

from typing import Any

from pyvis.network import Network

from conceptgraph.graph import overview
from conceptgraph.graph.colours import INK, LABEL_INSIDE, PATH_BORDER, label_colour, node_colour
from conceptgraph.graph.layout import positions, spread
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.views import View

# class -> (colour, shape, (da singular, da plural), (en singular, en plural))
STYLE: dict[str, tuple[str, str, tuple[str, str], tuple[str, str]]] = {
    "ReflectionQuestion": ("#e07b22", "box", ("spørgsmål", "spørgsmål"), ("question", "questions")),
    "QuestionSet": ("#f2b56b", "box", ("spørgsmålssæt", "spørgsmålssæt"), ("question set", "question sets")),
    "Text": ("#2f6db5", "box", ("tekst", "tekster"), ("text", "texts")),
    "Person": ("#2b8352", "ellipse", ("person", "personer"), ("person", "people")),
    "Organisation": (
        "#2b8352",
        "ellipse",
        ("organisation", "organisationer"),
        ("organisation", "organisations"),
    ),
    "Theme": ("#118083", "hexagon", ("tema", "temaer"), ("theme", "themes")),
    "InstitutionForm": (
        "#7b3fa0",
        "dot",
        ("institutionsform", "institutionsformer"),
        ("institution form", "institution forms"),
    ),
    "Principle": ("#b03a6f", "dot", ("princip", "principper"), ("principle", "principles")),
    "Barrier": ("#b23a3a", "triangleDown", ("barriere", "barrierer"), ("barrier", "barriers")),
    "Driver": ("#358235", "triangle", ("drivkraft", "drivkræfter"), ("driver", "drivers")),
    "ChangeOrder": (
        "#5a4fb0",
        "dot",
        ("forandringsorden", "forandringsordener"),
        ("order of change", "orders of change"),
    ),
    "LeaderRole": ("#8a6d1f", "dot", ("lederrolle", "lederroller"), ("leader role", "leader roles")),
    "Characteristic": (
        "#617499",
        "dot",
        ("karakteristik", "karakteristikker"),
        ("characteristic", "characteristics"),
    ),
    "Competence": ("#617499", "dot", ("kompetence", "kompetencer"), ("competence", "competences")),
    "CommunicationTip": (
        "#287c95",
        "dot",
        ("kommunikationsråd", "kommunikationsråd"),
        ("communication tip", "communication tips"),
    ),
    "InvolvementContrast": (
        "#a05a2c",
        "square",
        ("inddragelseskontrast", "inddragelseskontraster"),
        ("involvement contrast", "involvement contrasts"),
    ),
    "Abbreviation": ("#737373", "text", ("forkortelse", "forkortelser"), ("abbreviation", "abbreviations")),
    "Concept": ("#8e5bbf", "dot", ("begreb", "begreber"), ("concept", "concepts")),
    "Quote": ("#9a9a6a", "diamond", ("citat", "citater"), ("quote", "quotes")),
    "Figure": ("#9a9a6a", "square", ("figur", "figurer"), ("figure", "figures")),
    "Course": ("#4a5568", "star", ("kursus", "kurser"), ("course", "courses")),
    "Session": ("#4a5568", "star", ("uddannelsesgang", "uddannelsesgange"), ("session", "sessions")),
    "ProgrammeItem": (
        "#677488",
        "box",
        ("programpunkt", "programpunkter"),
        ("programme item", "programme items"),
    ),
    "Phase": ("#677488", "dot", ("fase", "faser"), ("phase", "phases")),
    "Meeting": ("#677488", "dot", ("møde", "møder"), ("meeting", "meetings")),
    "CourseElement": (
        "#a0aec0",
        "dot",
        ("kursuselement", "kursuselementer"),
        ("course element", "course elements"),
    ),
    "List": ("#a0aec0", "dot", ("liste", "lister"), ("list", "lists")),
}
DEFAULT_STYLE = ("#8a94a3", "dot", ("element", "elementer"), ("item", "items"))
FONT_SIZE = 14
# Characters per line before a label wraps: narrower on the overview, whose columns are fixed.
WRAP = 28
OVERVIEW_WRAP = 20
OPTIONS = {
    "physics": {"enabled": False},
    "edges": {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#9aa5b1", "highlight": INK},
        "font": {"size": 0},
    },
    "nodes": {"font": {"size": FONT_SIZE, "face": "system-ui, sans-serif"}, "borderWidth": 1, "borderWidthSelected": 3},
    # Pan with one finger or the mouse, pinch or scroll to zoom: on a phone the map is moved, not the page.
    "interaction": {
        "hover": True,
        "tooltipDelay": 150,
        "navigationButtons": False,
        "keyboard": False,
        "dragView": True,
        "zoomView": True,
    },
    "layout": {"improvedLayout": False},
}


def style(cls: str) -> tuple[str, str, tuple[str, str], tuple[str, str]]:
    """Colour, shape and names of a class."""
    return STYLE.get(cls, DEFAULT_STYLE)


def class_name(cls: str, lang: str, count: int = 1) -> str:
    """The class's short name in `lang`, singular or plural."""
    names = style(cls)[2 if lang == "da" else 3]
    return names[0] if count == 1 else names[1]


def wrap(text: str, width: int = WRAP) -> str:
    """The whole label over lines of about `width` characters (vis-network breaks at newlines);
    a word longer than a line keeps its own line rather than being cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) or text


def label_box(label: str, font_size: float = FONT_SIZE) -> tuple[float, float]:
    """A generous estimate of a box node's drawn size for a wrapped label, in canvas units: wide
    sans-serif letters (0.62 em, capitals 0.72 em), one font size per line, vis-network's margins."""
    lines = label.split("\n")
    widest = max(sum(0.72 if c.isupper() else 0.62 for c in line) for line in lines)
    return widest * font_size + 14, len(lines) * font_size + 14


def _drawn_size(graph: Any, slug: str, label: str) -> tuple[float, float]:
    """A node's estimated extent: the label box, plus the shape above it where the label is outside."""
    width, height = label_box(label)
    if style(graph.nodes[slug]["cls"])[1] in LABEL_INSIDE:
        return width, height
    return max(width, 50.0), height + 50.0


def network_data(projection: Projection, view: View) -> dict[str, Any]:
    """Nodes, edges and options for vis-network, plus what the page needs beside the canvas."""
    graph = projection.graph
    labels = {slug: node_label(graph, slug, view.params.lang, overview=view.params.overview) for slug in view.nodes}
    extra: dict[str, Any] = {}
    if view.params.overview:
        found = overview.blocks(graph)

        def size(slug: str) -> tuple[float, float]:
            return label_box(labels[slug])

        placed = overview.arrange(found, size, "wide")
        extra["narrow"] = overview.arrange(found, size, "narrow")
        extra["overview"] = True
    else:
        placed = positions(view.nodes, view.edges, {n: graph.nodes[n]["cls"] for n in view.nodes})
        placed = spread(placed, {slug: _drawn_size(graph, slug, labels[slug]) for slug in view.nodes})
    net = Network(directed=True)
    for slug in view.nodes:
        _add_node(net, graph, view, slug, labels[slug], placed[slug])
    for u, v, key in view.edges:
        _add_edge(net, graph, view, (u, v, key))
    nodes, edges, *_ = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": OPTIONS, **extra}


def line_width(*, overview: bool) -> int:
    """Characters per label line: narrower on the overview, whose columns are fixed."""
    return OVERVIEW_WRAP if overview else WRAP


def node_label(graph: Any, slug: str, lang: str, *, overview: bool) -> str:
    """A node's label as the map writes it: in `lang` (Danish where missing), wrapped as the view
    wraps labels."""
    names = graph.nodes[slug]["label"]
    return wrap(names.get(lang) or names["da"], line_width(overview=overview))


def node_look(graph: Any, slug: str, label: str, *, overview: bool, marked: bool = False) -> dict[str, Any]:
    """How the map draws a course node (vis-network's node options without a position): its
    class's shape and colour (every overview node a box, so the layout can space the cards), a
    readable label colour, a thick border when `marked`."""
    colour, shape, *_ = style(graph.nodes[slug]["cls"])
    if overview:
        shape = "box"
    return {
        "label": label,
        "shape": shape,
        "color": node_colour(colour, marked=marked),
        "borderWidth": 4 if marked else 1,
        "borderWidthSelected": 4 if marked else 3,
        "cls": graph.nodes[slug]["cls"],
        "font": {"color": label_colour(colour, shape), "size": FONT_SIZE},
    }


def course_node(graph: Any, slug: str, lang: str, *, overview: bool) -> dict[str, Any]:
    """A course node as the map draws it, with its id and without a position: for a script that
    adds it to a map whose view did not draw it (the reflections layer)."""
    return {"id": slug, **node_look(graph, slug, node_label(graph, slug, lang, overview=overview), overview=overview)}


def _add_node(net: Network, graph: Any, view: View, slug: str, label: str, at: tuple[float, float]) -> None:
    look = node_look(graph, slug, label, overview=view.params.overview, marked=slug in view.highlight)
    net.add_node(slug, x=at[0], y=at[1], **look)


def _add_edge(net: Network, graph: Any, view: View, edge: tuple[str, str, str]) -> None:
    u, v, key = edge
    lang = view.params.lang
    data = graph.edges[u, v, key]
    marked = edge in view.highlight_edges
    rationale = data.get("rationale") or {}
    net.add_edge(
        u,
        v,
        id=f"{u}|{key}|{v}",
        relation=key,
        width=3 if marked else 1,
        rationale=rationale.get(lang) or rationale.get("da", ""),
        source_text=data.get("source_text", ""),
        color={"color": PATH_BORDER if marked else "#9aa5b1", "highlight": INK},
        label=data["label"].get(lang, key),
        font={"size": 12 if marked else 0},
    )


def legend(view: View, projection: Projection) -> list[dict[str, str]]:
    """The classes present in a view, with colour and name."""
    present = sorted({projection.graph.nodes[n]["cls"] for n in view.nodes})
    return [{"cls": c, "colour": style(c)[0], "name": class_name(c, view.params.lang, 2)} for c in present]
