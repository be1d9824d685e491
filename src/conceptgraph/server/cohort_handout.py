"""The facilitator's handout of a cohort's shared reflections as an A4 PDF, for the next session.

It takes the summary the cohort page shows (`cohort_view`), so the PDF says what the page says;
participants' text goes through `escape`, so reportlab's paragraph markup never reads it as tags
(`<img src=x onerror=…>` prints as those characters). Names appear only when the summary has them.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from conceptgraph.texts import translate

QUOTE_SPACE = 6  # points above each reflection's text (what BodyText gives a paragraph)


def handout_pdf(content: dict[str, Any], lang: str) -> bytes:
    """The summary as a PDF: each answered question with its reflections and their links, then
    the questions nobody answered. `invariant` keeps the bytes the same for the same summary."""
    styles = getSampleStyleSheet()
    quote = ParagraphStyle(
        "quote", parent=styles["BodyText"], leftIndent=8, textColor="#1d2430", spaceBefore=0, spaceAfter=0
    )
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=9, textColor="#3a4452")
    title = translate("facilitator_title", lang).format(cohort=content["cohort"]["title"])
    story: list[Any] = [Paragraph(escape(title), styles["Title"])]
    for question, entries in content["answered"] + content["other"]:
        heading = question["label"] if isinstance(question, dict) else question
        story.append(Paragraph(escape(heading), styles["Heading3"]))
        for entry in entries:
            story += _reflection(entry, content["names"], quote, small)
    if content["unanswered"]:
        story.append(Paragraph(escape(translate("nobody_answered", lang)), styles["Heading3"]))
        story.append(_bullets([Paragraph(escape(q["label"]), small) for q in content["unanswered"]]))
    buffer = io.BytesIO()
    margins = {f"{side}Margin": 18 * mm for side in ("left", "right", "top", "bottom")}
    document = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=title, author="conceptgraph", **margins)
    document.build(story)
    return buffer.getvalue()


def _reflection(entry: dict[str, Any], names: bool, quote: ParagraphStyle, small: ParagraphStyle) -> list[Any]:
    """One reflection: its text line by line, the author when named, its links with reasons.

    Each line is a paragraph of its own (`quote` has no space around it, so they read as one):
    reportlab splits a paragraph that runs over a page by laying out all of its rest again, so a
    text of 10,000 short lines in one paragraph took minutes, and held a thread all that time."""
    found: list[Any] = [Spacer(0, QUOTE_SPACE)]
    found += [Paragraph(escape(line) or "\u00a0", quote) for line in entry["text"].splitlines()]
    if names and entry.get("author"):
        found.append(Paragraph(f"– {escape(entry['author'])}", small))
    links = [
        Paragraph(f"<b>{escape(link['label'])}</b>: {escape(link['rationale'])}", small) for link in entry["links"]
    ]
    if links:
        found.append(_bullets(links))
    return found


def _bullets(paragraphs: list[Paragraph]) -> ListFlowable:
    return ListFlowable([ListItem(p) for p in paragraphs], bulletType="bullet", start="•", leftIndent=10)
