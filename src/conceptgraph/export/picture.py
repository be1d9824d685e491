"""Static pictures laid out for reading (SVG, PNG, PDF) by Graphviz, with a legend and a caption
carrying the view's URL and a QR code of it, so a printed map leads back to the live view."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import segno
from reportlab import rl_config
from reportlab.graphics import renderPDF
from svglib.svglib import svg2rlg

from conceptgraph.errors import DrawTimeout, ExportError
from conceptgraph.export.context import Snapshot
from conceptgraph.graph.layout import positions
from conceptgraph.graph.render import class_name, style

SHAPES = {
    "box": "box",
    "ellipse": "ellipse",
    "hexagon": "hexagon",
    "triangle": "triangle",
    "triangleDown": "invtriangle",
    "square": "box",
    "diamond": "diamond",
    "star": "star",
    "text": "plaintext",
}
A4_LANDSCAPE = "11.0,7.4"
PIN_SCALE = 1.6  # map pixels to points: room for the wrapped labels


def to_picture(snapshot: Snapshot, fmt: str) -> bytes:
    """The view drawn by Graphviz as `fmt` (svg, png or pdf). Raises ExportError without Graphviz."""
    if shutil.which("dot") is None:
        raise ExportError(
            "Graphviz is not installed: on Debian/Ubuntu run 'apt-get install graphviz' "
            "(the 'dot' program must be on PATH)"
        )
    with tempfile.TemporaryDirectory() as folder:
        qr = Path(folder) / "qr.png"
        segno.make(snapshot.url, error="m").save(str(qr), scale=3, border=1)
        # A path reads best as Graphviz's ranked chain; any other view keeps the map's own layout.
        pinned = not snapshot.params.path
        rendered = _draw(_dot(snapshot, qr, pinned), "svg" if fmt in ("svg", "pdf") else fmt, pinned, snapshot)
    if fmt == "png":
        return rendered
    svg = _vector_qr(rendered, qr.as_posix(), snapshot.url)
    return _pdf(svg) if fmt == "pdf" else svg


def _draw(dot: str, fmt: str, pinned: bool, snapshot: Snapshot) -> bytes:
    """Graphviz's drawing of `dot`, stopped (and killed) after the snapshot's time limit: a large or
    dense view can keep it busy for minutes. Raises DrawTimeout, or ExportError if it fails."""
    command = ["neato", "-n2"] if pinned else ["dot"]
    seconds = snapshot.limits.draw_seconds
    try:
        done = subprocess.run(
            [*command, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise DrawTimeout(seconds) from None
    except FileNotFoundError:
        raise ExportError("Graphviz is not installed: run 'apt-get install graphviz'") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"Graphviz could not draw this view: {detail[-1] if detail else 'no message'}")
    return done.stdout


def _pdf(svg: bytes) -> bytes:
    """The SVG as a vector PDF. Cairo's PDFs differ from run to run; reportlab's invariant mode does not."""
    drawing = svg2rlg(io.BytesIO(svg))
    buffer = io.BytesIO()
    previous, rl_config.invariant = rl_config.invariant, 1  # the document ID too, not only the dates
    try:
        renderPDF.drawToFile(drawing, buffer, canvasKwds={"invariant": 1})
    finally:
        rl_config.invariant = previous
    return buffer.getvalue()


def _vector_qr(svg: bytes, path: str, url: str) -> bytes:
    """Graphviz links images by file path; a snapshot carries its QR code inside, as vector squares."""
    text = svg.decode("utf-8")
    match = re.search(r"<image [^>]*xlink:href=\"" + re.escape(path) + r"\"[^>]*/>", text)
    if match is None:
        return svg
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(0)))
    x, y, size = float(attrs["x"]), float(attrs["y"]), float(attrs["width"].rstrip("pxt"))
    matrix = segno.make(url, error="m").matrix
    module = size / (len(matrix) + 2)
    squares = "".join(
        f"M{x + (col + 1) * module:.2f} {y + (row + 1) * module:.2f}h{module:.2f}v{module:.2f}h-{module:.2f}z"
        for row, line in enumerate(matrix)
        for col, dark in enumerate(line)
        if dark
    )
    return text.replace(match.group(0), f'<path fill="#000000" d="{squares}"/>').encode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrapped(text: str, width: int = 24) -> str:
    """A quoted DOT label broken into lines (Graphviz's own line break is the escape \\n)."""
    lines = textwrap.wrap(text, width)
    if len(lines) > 4:
        lines = [*lines[:3], lines[3] + " …"]
    return "\\n".join(_quote(line)[1:-1] for line in lines) or " "


def _dot(snapshot: Snapshot, qr: Path, pinned: bool) -> str:
    graph = snapshot.graph
    lang = snapshot.lang
    placed = (
        positions(snapshot.view.nodes, snapshot.view.edges, {n: a["cls"] for n, a in snapshot.graph.nodes(data=True)})
        if pinned
        else {}
    )
    lines = [
        "digraph view {",
        f'  graph [size="{A4_LANDSCAPE}", ratio=compress, splines={"false" if pinned else "true"}, '
        "outputorder=edgesfirst, "
        f'fontname="DejaVu Sans", rankdir=LR, labelloc=b, label=<{_caption(snapshot, qr)}>];',
        '  node [style="filled", fontname="DejaVu Sans", fontsize=12, margin="0.12,0.06"];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#8a94a3", fontcolor="#4a5568"];',
    ]
    marked = snapshot.view.highlight
    for slug, attrs in graph.nodes(data=True):
        colour, shape, *_ = style(attrs["cls"])
        text = attrs[f"label_{lang}"] or attrs["label_da"]
        dark = SHAPES.get(shape, "ellipse") in ("box", "plaintext")
        lines.append(
            f'  {_quote(slug)} [label="{_wrapped(text)}", shape={SHAPES.get(shape, "ellipse")}, '
            f'fillcolor="{colour}", fontcolor="{"#ffffff" if dark else "#1d2430"}", '
            f'color="{"#d49a00" if slug in marked else colour}", penwidth={3 if slug in marked else 1}'
            + (f', pos="{placed[slug][0] * PIN_SCALE:.1f},{-placed[slug][1] * PIN_SCALE:.1f}!"' if pinned else "")
            + "];"
        )
    for u, v, attrs in graph.edges(data=True):
        show = (u, v, attrs["relation"]) in snapshot.view.highlight_edges or len(graph) <= 40
        label = f", label={_quote(attrs[f'label_{lang}'])}" if show else ""
        lines.append(f"  {_quote(u)} -> {_quote(v)} [arrowsize=0.6{label}];")
    lines.append("}")
    return "\n".join(lines)


def _caption(snapshot: Snapshot, qr: Path) -> str:
    """An HTML-like Graphviz label: the legend, the view's URL and its QR code."""
    present = sorted({attrs["cls"] for _, attrs in snapshot.graph.nodes(data=True)})
    swatches = "".join(
        f'<TD BGCOLOR="{style(c)[0]}" WIDTH="12"> </TD>'
        f'<TD ALIGN="LEFT">{html.escape(class_name(c, snapshot.lang, 2))}</TD>'
        for c in present
    )
    return (
        '<TABLE BORDER="0" CELLSPACING="4"><TR><TD><TABLE BORDER="0" CELLSPACING="3"><TR>'
        f"{swatches}</TR></TABLE></TD></TR>"
        f'<TR><TD><TABLE BORDER="0"><TR><TD><IMG SRC="{qr.as_posix()}"/></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9">{html.escape(snapshot.caption())}</FONT></TD></TR></TABLE></TD></TR>'
        "</TABLE>"
    )
