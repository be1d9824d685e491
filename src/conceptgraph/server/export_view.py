"""`/export/<format>?<view parameters>`: a snapshot of any map view as a download."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, send_from_directory

from conceptgraph.errors import ExportError
from conceptgraph.export import FORMATS, Snapshot, export_view
from conceptgraph.export.snapshots import MANIFEST, check_name, listing
from conceptgraph.server.http import ApiError
from conceptgraph.views import ViewError

bp = Blueprint("export", __name__)


@bp.route("/export/<fmt>")
def download(fmt: str) -> Response:
    """The view the parameters describe, in `fmt`, as an attachment."""
    service = current_app.extensions["conceptgraph"]
    if fmt not in FORMATS:
        raise ApiError(404, f"unknown export format '{fmt}'; the formats are: {', '.join(FORMATS)}")
    try:
        snapshot = Snapshot.of(
            service.projection,
            service.store,
            request.args.to_dict(),
            public_url=request.host_url,
            data_version=service.data_version,
            max_nodes=service.settings["map_max_nodes"],
        )
        content = service.memo(("export", fmt, snapshot.params, request.host_url), lambda: export_view(snapshot, fmt))
    except (ViewError, ExportError) as exc:
        raise ApiError(400, str(exc)) from None
    _, extension, media_type = FORMATS[fmt]
    name = "-".join(["conceptgraph", *(v for _, v in sorted(snapshot.params.query_args().items()))])
    response = Response(content, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{_safe(name)}.{extension}"'
    return response


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
