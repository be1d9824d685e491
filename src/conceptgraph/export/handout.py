"""A handout of the reflection questions in a view: each with the theory it addresses and why.
Markdown to edit and paste, PDF to print (with the view's URL and a QR code of it)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from conceptgraph.errors import ExportError
from conceptgraph.export.context import Snapshot
from conceptgraph.graph.describe import address_order, label, text_of
from conceptgraph.graph.render import class_name
from conceptgraph.texts import translate


def questions(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The view's questions by set, in course order, each with every link and its reason."""
    graph = snapshot.projection.graph
    lang = snapshot.lang
    shown = [n for n in snapshot.view.nodes if graph.nodes[n]["cls"] == "ReflectionQuestion"]
    if not shown:
        raise ExportError(
            "the view holds no reflection questions; choose a view with questions, "
            "e.g. theme=borgerinddragelse or types=ReflectionQuestion"
        )
    sets: dict[str, dict[str, Any]] = {}
    for question in shown:
        parent = next((v for _, v, k in graph.out_edges(question, keys=True) if k == "cg:inList"), "")
        group = sets.setdefault(
            parent,
            {
                "label": label(snapshot.projection, parent, lang) if parent else "",
                "rank": graph.nodes[parent].get("rank", 0) if parent else 0,
                "questions": [],
            },
        )
        links = [
            {
                "label": label(snapshot.projection, target, lang),
                "kind": class_name(graph.nodes[target]["cls"], lang),
                "why": text_of(graph.edges[question, target, key].get("rationale") or {}, lang),
            }
            for _, target, key in sorted(
                graph.out_edges(question, keys=True), key=lambda e: address_order(snapshot.projection, e[1], lang)
            )
            if key == "cg:addresses"
        ]
        group["questions"].append(
            {
                "rank": graph.nodes[question].get("rank", 0),
                "label": label(snapshot.projection, question, lang),
                "links": links,
            }
        )
    ordered = sorted(sets.values(), key=lambda g: g["rank"])
    for group in ordered:
        group["questions"].sort(key=lambda q: q["rank"])
    return ordered


def to_handout_markdown(snapshot: Snapshot) -> bytes:
    """The handout as Markdown, the provenance in a comment at the top."""
    lang = snapshot.lang
    lines = [
        f"<!-- conceptgraph snapshot: {snapshot.caption()} -->",
        "",
        f"# {translate('questions_title', lang)}",
        "",
        f"*{snapshot.url}*",
        "",
    ]
    for group in questions(snapshot):
        if group["label"]:
            lines += [f"## {group['label']}", ""]
        for question in group["questions"]:
            lines += [f"### {question['label']}", ""]
            for link in question["links"]:
                why = f" – {link['why']}" if link["why"] else ""
                lines.append(f"- **{link['label']}** ({link['kind']}){why}")
            lines.append("")
    lines.append(f"*{snapshot.caption()}*")
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_handout_pdf(snapshot: Snapshot) -> bytes:
    """The handout as an A4 PDF; `invariant` keeps the bytes the same for the same view and data."""
    lang = snapshot.lang
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, textColor="#5a6472")
    why = ParagraphStyle("why", parent=styles["BodyText"], fontSize=9, leftIndent=0, textColor="#3a4452")
    story: list[Any] = [Paragraph(escape(translate("questions_title", lang)), styles["Title"])]
    for group in questions(snapshot):
        if group["label"]:
            story.append(Paragraph(escape(group["label"]), styles["Heading2"]))
        for question in group["questions"]:
            story.append(Paragraph(escape(question["label"]), styles["Heading4"]))
            items = [
                ListItem(
                    [
                        Paragraph(f"<b>{escape(link['label'])}</b> ({escape(link['kind'])})", styles["BodyText"]),
                        Paragraph(escape(link["why"]), why),
                    ]
                )
                for link in question["links"]
            ]
            story.append(ListFlowable(items, bulletType="bullet", start="•", leftIndent=10))
    qr = io.BytesIO()
    segno.make(snapshot.url, error="m").save(qr, kind="png", scale=4, border=1)
    story += [
        Spacer(1, 6 * mm),
        Image(qr, width=28 * mm, height=28 * mm, hAlign="LEFT"),
        Paragraph(escape(snapshot.caption()), small),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title=translate("questions_title", lang),
        author="conceptgraph",
        subject=snapshot.caption(),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    document.build(story)
    return buffer.getvalue()
