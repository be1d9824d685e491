"""A standalone interactive map in one HTML file: opens by double-click, works offline, asks
nothing of the network. The same script and styles as the live map, inlined."""

from __future__ import annotations

import html
import json
from functools import cache

from flask import Flask, render_template

from conceptgraph.assets import asset_dir
from conceptgraph.export.context import Snapshot
from conceptgraph.graph.describe import details, label, neighbour_summary
from conceptgraph.graph.render import legend, network_data
from conceptgraph.texts import translate


@cache
def _environment() -> Flask:
    """A bare Flask app whose Jinja environment renders the export template (autoescaped)."""
    web = asset_dir("web")
    return Flask(__name__, template_folder=str(web / "templates"), static_folder=None)


def _inline(relative: str) -> str:
    return (asset_dir("web") / "static" / relative).read_text(encoding="utf-8")


def _script(source: str) -> str:
    """Script text that cannot close its own <script> element."""
    return source.replace("</script", "<\\/script")


def to_html(snapshot: Snapshot) -> bytes:
    """The file, with the provenance in meta elements and a comment."""
    projection, view, lang = snapshot.projection, snapshot.view, snapshot.lang
    data = network_data(projection, view)
    data["details"] = {slug: details(projection, slug, lang) for slug in view.nodes}
    data["summaries"] = {slug: neighbour_summary(projection, slug, lang) for slug in view.nodes}
    data["focus"] = view.params.focus or view.params.path or ""
    data["view"] = view.params.query_args()
    data["page_base"] = snapshot.public_url
    app = _environment()
    with app.test_request_context():
        body = render_template(
            "export/standalone.html",
            data=data,
            lang=lang,
            t=lambda key: translate(key, lang),
            legend=legend(view, projection),
            provenance=snapshot.provenance,
            caption=snapshot.caption(),
            title=label(projection, view.params.focus, lang) if view.params.focus else translate("map_title", lang),
            styles="\n".join(_inline(p) for p in ("css/site.css", "vendor/vis-network/vis-network.min.css")),
            scripts=[
                _script(_inline(p))
                for p in (
                    "vendor/vis-data/vis-data.min.js",
                    "vendor/vis-network/vis-network.min.js",
                    "js/map.js",
                )
            ],
        )
    comment = html.escape(json.dumps(snapshot.provenance, ensure_ascii=False, sort_keys=True)).replace("--", "- -")
    return f"<!-- conceptgraph snapshot {comment} -->\n{body}".encode()
