"""The map's network data: pyvis builds nodes, edges and options from a view; our own template and
script draw them with vis-network. pyvis's HTML template is never used (it disables escaping and
loads scripts from CDNs), only its network model.
"""

from __future__ import annotations

from typing import Any

from pyvis.network import Network

from conceptgraph.graph.layout import positions
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.views import View

# class -> (colour, shape, (da singular, da plural), (en singular, en plural))
STYLE: dict[str, tuple[str, str, tuple[str, str], tuple[str, str]]] = {
    "ReflectionQuestion": ("#e07b22", "box", ("spørgsmål", "spørgsmål"), ("question", "questions")),
    "QuestionSet": ("#f2b56b", "box", ("spørgsmålssæt", "spørgsmålssæt"), ("question set", "question sets")),
    "Text": ("#2f6db5", "box", ("tekst", "tekster"), ("text", "texts")),
    "Person": ("#2e8b57", "ellipse", ("person", "personer"), ("person", "people")),
    "Organisation": (
        "#2e8b57",
        "ellipse",
        ("organisation", "organisationer"),
        ("organisation", "organisations"),
    ),
    "Theme": ("#138d90", "hexagon", ("tema", "temaer"), ("theme", "themes")),
    "InstitutionForm": (
        "#7b3fa0",
        "dot",
        ("institutionsform", "institutionsformer"),
        ("institution form", "institution forms"),
    ),
    "Principle": ("#b03a6f", "dot", ("princip", "principper"), ("principle", "principles")),
    "Barrier": ("#b23a3a", "triangleDown", ("barriere", "barrierer"), ("barrier", "barriers")),
    "Driver": ("#3a8f3a", "triangle", ("drivkraft", "drivkræfter"), ("driver", "drivers")),
    "ChangeOrder": (
        "#5a4fb0",
        "dot",
        ("forandringsorden", "forandringsordener"),
        ("order of change", "orders of change"),
    ),
    "LeaderRole": ("#8a6d1f", "dot", ("lederrolle", "lederroller"), ("leader role", "leader roles")),
    "Characteristic": (
        "#6b7fa8",
        "dot",
        ("karakteristik", "karakteristikker"),
        ("characteristic", "characteristics"),
    ),
    "Competence": ("#6b7fa8", "dot", ("kompetence", "kompetencer"), ("competence", "competences")),
    "CommunicationTip": (
        "#2c8aa6",
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
    "Abbreviation": ("#777777", "text", ("forkortelse", "forkortelser"), ("abbreviation", "abbreviations")),
    "Concept": ("#8e5bbf", "dot", ("begreb", "begreber"), ("concept", "concepts")),
    "Quote": ("#9a9a6a", "diamond", ("citat", "citater"), ("quote", "quotes")),
    "Figure": ("#9a9a6a", "square", ("figur", "figurer"), ("figure", "figures")),
    "Course": ("#4a5568", "star", ("kursus", "kurser"), ("course", "courses")),
    "Session": ("#4a5568", "star", ("uddannelsesgang", "uddannelsesgange"), ("session", "sessions")),
    "ProgrammeItem": (
        "#718096",
        "box",
        ("programpunkt", "programpunkter"),
        ("programme item", "programme items"),
    ),
    "Phase": ("#718096", "dot", ("fase", "faser"), ("phase", "phases")),
    "Meeting": ("#718096", "dot", ("møde", "møder"), ("meeting", "meetings")),
    "CourseElement": (
        "#a0aec0",
        "dot",
        ("kursuselement", "kursuselementer"),
        ("course element", "course elements"),
    ),
    "List": ("#a0aec0", "dot", ("liste", "lister"), ("list", "lists")),
}
DEFAULT_STYLE = ("#8a94a3", "dot", ("element", "elementer"), ("item", "items"))
HIGHLIGHT = "#ffcc00"
OPTIONS = {
    "physics": {"enabled": False},
    "edges": {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#9aa5b1", "highlight": "#1d2430"},
        "font": {"size": 0},
    },
    "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1},
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False},
    "layout": {"improvedLayout": False},
}


def style(cls: str) -> tuple[str, str, tuple[str, str], tuple[str, str]]:
    """Colour, shape and names of a class."""
    return STYLE.get(cls, DEFAULT_STYLE)


def class_name(cls: str, lang: str, count: int = 1) -> str:
    """The class's short name in `lang`, singular or plural."""
    names = style(cls)[2 if lang == "da" else 3]
    return names[0] if count == 1 else names[1]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def network_data(projection: Projection, view: View) -> dict[str, Any]:
    """Nodes, edges and options for vis-network, plus what the page needs beside the canvas."""
    lang = view.params.lang
    graph = projection.graph
    net = Network(directed=True)
    placed = positions(view.nodes, view.edges, {n: projection.graph.nodes[n]["cls"] for n in view.nodes})
    for slug in view.nodes:
        attrs = graph.nodes[slug]
        colour, shape, *_ = style(attrs["cls"])
        label = attrs["label"].get(lang) or attrs["label"]["da"]
        net.add_node(
            slug,
            label=_short(label),
            shape=shape,
            x=placed[slug][0],
            y=placed[slug][1],
            color={"background": colour, "border": HIGHLIGHT if slug in view.highlight else colour},
            borderWidth=4 if slug in view.highlight else 1,
            cls=attrs["cls"],
            font={"color": "#ffffff" if shape == "box" else "#1d2430"},
        )
    for u, v, key in view.edges:
        data = graph.edges[u, v, key]
        marked = (u, v, key) in view.highlight_edges
        rationale = data.get("rationale") or {}
        net.add_edge(
            u,
            v,
            id=f"{u}|{key}|{v}",
            relation=key,
            width=3 if marked else 1,
            rationale=rationale.get(lang) or rationale.get("da", ""),
            source_text=data.get("source_text", ""),
            color={"color": "#d49a00" if marked else "#9aa5b1"},
            label=data["label"].get(lang, key),
            font={"size": 12 if marked else 0},
        )
    nodes, edges, *_ = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": OPTIONS}


def legend(view: View, projection: Projection) -> list[dict[str, str]]:
    """The classes present in a view, with colour and name."""
    present = sorted({projection.graph.nodes[n]["cls"] for n in view.nodes})
    return [{"cls": c, "colour": style(c)[0], "name": class_name(c, view.params.lang, 2)} for c in present]
