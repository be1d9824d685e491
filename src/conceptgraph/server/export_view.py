"""`/export/<format>?<view parameters>`: a snapshot of any map view as a download."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, send_from_directory

from conceptgraph.config import public_url
from conceptgraph.errors import DrawTimeout, ExportError
from conceptgraph.export import FORMATS, Snapshot, export_view
from conceptgraph.export.context import Limits
from conceptgraph.export.snapshots import MANIFEST, check_name, listing
from conceptgraph.graph.views import ViewError, ViewParams, parse_view, view_arguments
from conceptgraph.server.http import ApiError
from conceptgraph.server.mistakes import unknown_name, view_mistake

if TYPE_CHECKING:
    from conceptgraph.server.service import CourseService

bp = Blueprint("export", __name__)


@bp.route("/export/<fmt>")
def download(fmt: str) -> Response:
    """The view the parameters describe, in `fmt`, as an attachment.

    Made once per view and format (the key holds nothing else of the request, so no header can
    make it again), linking to PUBLIC_URL, and bounded: RDF by the row and byte caps (visibly cut
    short), pictures by Graphviz's time limit (503).
    """
    service = current_app.extensions["conceptgraph"]
    args = view_arguments(request.args)
    if fmt not in FORMATS:
        message = f"unknown export format '{fmt}'; the formats are: {', '.join(FORMATS)}"
        known = {name: [name] for name in FORMATS}
        raise unknown_name(message, "unknown_format", fmt, known, lambda f: f"/export/{f}?{urlencode(args)}")
    try:
        params = parse_view(args, service.projection)
        content, truncated = service.memo(("export", fmt, params), lambda: _export(service, params, fmt))
    except DrawTimeout as exc:
        seconds = f"{exc.seconds:g}"
        raise ApiError(503, str(exc), {"Retry-After": "60"}, text="draw_timeout", values={"seconds": seconds}) from None
    except ViewError as exc:
        raise view_mistake(service.projection, exc, args, path=f"/export/{fmt}") from None
    except ExportError as exc:
        raise ApiError(400, str(exc)) from None
    _, extension, media_type = FORMATS[fmt]
    name = "-".join(["conceptgraph", *(v for _, v in sorted(params.query_args().items()))])
    response = Response(content, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{_safe(name)}.{extension}"'
    if truncated:
        response.headers["X-Conceptgraph-Truncated"] = f"true; {truncated}"
    return response


def _export(service: CourseService, params: ViewParams, fmt: str) -> tuple[bytes, str]:
    """The export's bytes, and what cut its RDF short ("" when nothing did)."""
    settings = service.settings
    snapshot = Snapshot.of(
        service.projection,
        service.store,
        params.query_args(),
        public_url=public_url(settings),
        data_version=service.data_version,
        max_nodes=settings["map_max_nodes"],
        limits=Limits(settings["max_rows"], settings["max_result_bytes"], settings["draw_timeout"]),
    )
    return export_view(snapshot, fmt), snapshot.truncated


@bp.route("/snapshots")
def snapshots() -> Response:
    """The saved snapshots, each with its view and files."""
    root = Path(current_app.extensions["conceptgraph"].settings["snapshots_dir"])
    return Response(render_template("export/snapshots.html", snapshots=listing(root)), mimetype="text/html")


@bp.route("/snapshots/<name>/<filename>")
def snapshot_file(name: str, filename: str) -> Response:
    """One file of a saved snapshot (only the files its manifest lists)."""
    root = Path(current_app.extensions["conceptgraph"].settings["snapshots_dir"])
    try:
        check_name(name)
    except ExportError as exc:
        raise ApiError(404, str(exc)) from None
    manifest = next((m for m in listing(root) if m["name"] == name), None)
    if manifest is None or filename not in {f["file"] for f in manifest["files"]} | {MANIFEST}:
        raise ApiError(404, f"no file '{filename}' in snapshot '{name}'")
    return send_from_directory(root.resolve() / name, filename, as_attachment=True)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:120]
