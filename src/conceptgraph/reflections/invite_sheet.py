"""A printable sheet of invitations: one QR code per link, with the link written under it, to cut
out and hand to each participant (a phone camera opens it; the text is there for typing)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from conceptgraph.reflections.errors import Invalid

COLUMNS, ROWS = 3, 4
CELL_W, CELL_H = 60 * mm, 64 * mm
QR_SIZE = 42 * mm
MARGIN_X, MARGIN_TOP = 15 * mm, 22 * mm


def write_invite_sheet(path: Path, title: str, urls: list[str]) -> None:
    """Write the sheet to `path` atomically; Invalid (`--pdf`) if it cannot be written."""
    pdf = io.BytesIO()
    canvas = Canvas(pdf, pagesize=A4)
    canvas.setTitle(title)
    width, height = A4
    per_page = COLUMNS * ROWS
    for number, url in enumerate(urls):
        place = number % per_page
        if place == 0:
            if number:
                canvas.showPage()
            canvas.setFont("Helvetica-Bold", 14)
            canvas.drawString(MARGIN_X, height - 14 * mm, title)
        x = MARGIN_X + (place % COLUMNS) * CELL_W
        y = height - MARGIN_TOP - (place // COLUMNS + 1) * CELL_H
        _draw_cell(canvas, x, y, url)
    canvas.save()
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(pdf.getvalue())
        os.replace(partial, path)
    except OSError as exc:
        raise Invalid("--pdf", f"{path} cannot be written: {exc.strerror}") from None


def _draw_cell(canvas: Canvas, x: float, y: float, url: str) -> None:
    picture = io.BytesIO()
    segno.make(url, error="m").save(picture, kind="png", scale=6, border=2)
    picture.seek(0)
    canvas.drawImage(ImageReader(picture), x + (CELL_W - QR_SIZE) / 2, y + 16 * mm, QR_SIZE, QR_SIZE)
    canvas.setFont("Helvetica", 6.5)
    half = len(url) // 2 if len(url) > 48 else len(url)
    canvas.drawCentredString(x + CELL_W / 2, y + 11 * mm, url[:half])
    if url[half:]:
        canvas.drawCentredString(x + CELL_W / 2, y + 8 * mm, url[half:])
    canvas.setDash(2, 2)
    canvas.rect(x + 2 * mm, y + 4 * mm, CELL_W - 4 * mm, CELL_H - 6 * mm)
    canvas.setDash()
