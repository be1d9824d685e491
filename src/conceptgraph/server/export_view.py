"""`/export/<format>?<view parameters>`: a snapshot of any map view as a download."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from conceptgraph.errors import ExportError
from conceptgraph.export import FORMATS, Snapshot, export_view
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


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:120]
