"""`/cohort/<slug>`: a facilitator's view of what the cohort shared, for the next session.

Every shared reflection grouped by question (in course order, with the questions nobody
answered), the resources participants linked most, and its exports: a handout as Markdown and as
PDF, a CSV (UTF-8 with BOM, so Excel reads æøå; one row per reflection link) and the reflections
as W3C Web Annotations (JSON-LD, the shape of `/annotations/`). Names appear only with
`?names=1`; `?projector=1` never shows them. Anyone but a facilitator of that cohort gets a 404.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from conceptgraph.reflections.annotation_json import MEDIA_TYPE, collection, to_annotation
from conceptgraph.reflections.markdown_export import escape as markdown_escape
from conceptgraph.reflections.model import Reflection
from conceptgraph.reflections.reading import MAX_PAGE, cohort_summary, list_reflections
from conceptgraph.server import people
from conceptgraph.server.annotation_view import iris
from conceptgraph.server.cohort_handout import handout_pdf
from conceptgraph.server.course_refs import label_of, questions, slug_of
from conceptgraph.server.i18n import language, translate

bp = Blueprint("cohort_view", __name__)

CSV_COLUMNS = [
    "question",
    "question_label",
    "reflection",
    "created",
    "language",
    "text",
    "link",
    "link_label",
    "reason",
]


def _summary(slug: str) -> dict[str, Any]:
    """The cohort's summary with labels, for its own facilitators only (404 for everyone else)."""
    viewer = people.viewer()
    session = people.current_session()
    if viewer is None or session is None or not viewer.is_facilitator or session.account.cohort_slug != slug:
        abort(404)
    names = request.args.get("names") == "1" and request.args.get("projector") != "1"
    summary = cohort_summary(people.database(), viewer, with_names=names)
    lang = language()
    by_target = {group["target"]: group["reflections"] for group in summary["targets"]}
    course = questions(lang)
    for entries in by_target.values():
        for entry in entries:
            entry["links"] = [
                {**link, "slug": slug_of(link["resource"]), "label": label_of(link["resource"], lang)}
                for link in entry["links"]
            ]
    known = {q["iri"] for q in course}
    return {
        "cohort": summary["cohort"],
        "names": names,
        "answered": [(q, by_target[q["iri"]]) for q in course if q["iri"] in by_target],
        "unanswered": [q for q in course if q["iri"] not in by_target],
        "other": [(label_of(t, lang), items) for t, items in by_target.items() if t not in known],
        "resources": [
            {"slug": slug_of(r["resource"]), "label": label_of(r["resource"], lang), "count": r["reflections"]}
            for r in summary["resources"]
        ],
    }


@bp.route("/cohort/<slug>")
def cohort(slug: str) -> Response:
    """The facilitator's page (projector mode with `?projector=1`)."""
    content = _summary(slug)
    projector = request.args.get("projector") == "1"
    body = render_template("people/cohort.html", **content, projector=projector, slug=slug)
    return Response(body, mimetype="text/html")


@bp.route("/cohort/<slug>/handout.md")
def handout(slug: str) -> Response:
    """The shared reflections as a Markdown handout; participants' text is escaped for Markdown
    (HTML, links, images and emphasis lose their meaning), so a Markdown renderer shows it as text."""
    content = _summary(slug)
    lang = language()
    lines = [f"# {_md(translate('facilitator_title', lang).format(cohort=content['cohort']['title']))}", ""]
    for question, entries in content["answered"] + content["other"]:
        lines += [f"## {_md(question['label'] if isinstance(question, dict) else question)}", ""]
        for entry in entries:
            author = f" ({_md(entry['author'])})" if content["names"] else ""
            lines += [f"> {_md(line)}" for line in entry["text"].splitlines()] + [f">{author}", ""]
            lines += [f"- {_md(link['label'])}: {_md(link['rationale'])}" for link in entry["links"]]
            lines.append("")
    if content["unanswered"]:
        lines += [f"## {translate('nobody_answered', lang)}", ""] + [
            f"- {_md(q['label'])}" for q in content["unanswered"]
        ]
    return _download("\n".join(lines) + "\n", "text/markdown; charset=utf-8", f"{slug}-handout.md")


@bp.route("/cohort/<slug>/reflections.csv")
def table(slug: str) -> Response:
    """One row per reflection link (a reflection without links gets one row), UTF-8 with BOM."""
    content = _summary(slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + (["author"] if content["names"] else []))
    groups = [(q["slug"], q["label"], entries) for q, entries in content["answered"]]
    groups += [("", label, entries) for label, entries in content["other"]]
    for question, question_label, entries in groups:
        for entry in entries:
            head = [question, question_label, entry["id"], entry["created_at"], entry["language"], entry["text"]]
            tail = [entry["author"]] if content["names"] else []
            for link in entry["links"] or [{"slug": "", "label": "", "rationale": ""}]:
                writer.writerow(
                    [_cell(v) for v in head + [link["slug"] or "", link["label"], link["rationale"]] + tail]
                )
    return _download("\ufeff" + out.getvalue(), "text/csv; charset=utf-8", f"{slug}-reflections.csv")


@bp.route("/cohort/<slug>/handout.pdf")
def handout_as_pdf(slug: str) -> Response:
    """The Markdown handout's content as an A4 PDF to print."""
    content = _summary(slug)
    response = Response(handout_pdf(content, language()), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-handout.pdf"'
    return response


@bp.route("/cohort/<slug>/reflections.jsonld")
def as_annotations(slug: str) -> Response:
    """The shared reflections as an AnnotationCollection with one embedded page; a creator's
    display name only with `?names=1` (the creator's opaque IRI always)."""
    content = _summary(slug)
    authors = {e["id"]: e.get("author") for _, entries in content["answered"] + content["other"] for e in entries}
    shared: list[Reflection] = []
    while True:
        page = list_reflections(people.database(), people.viewer(), shared=True, limit=MAX_PAGE, offset=len(shared))
        shared.extend(page.items)
        if not page.items or len(shared) >= page.total:
            break
    items = [to_annotation(r, iris(), author_name=authors.get(r.id), context=False) for r in shared]
    first = {"type": "AnnotationPage", "startIndex": 0, "items": items}
    found = collection(iris(), total=len(items), page_size=max(len(items), 1), first=first)
    found.update(id=f"{iris().root}/cohort/{slug}/reflections.jsonld", type="AnnotationCollection")
    found["label"] = translate("facilitator_title", language()).format(cohort=content["cohort"]["title"])
    found.pop("last", None)
    body = json.dumps(found, ensure_ascii=False, indent=1)
    return _download(body, MEDIA_TYPE, f"{slug}-reflections.jsonld")


def _md(text: str) -> str:
    """One line of Markdown that shows exactly `text`."""
    return markdown_escape(text.replace("\n", " "))


def _cell(value: str) -> str:
    """A spreadsheet cell that no spreadsheet runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body.encode("utf-8"), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
