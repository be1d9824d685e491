"""The Flask application: `create_app` builds the course if needed, starts the query workers
and registers one blueprint per feature. `service` assembles the course, its store and the query
workers the views share. The server may import every stage; no stage imports it.
"""

from __future__ import annotations

import atexit
from typing import Any

from flask import Flask

from conceptgraph.assets import asset_dir
from conceptgraph.config import load_settings
from conceptgraph.server import (
    annotation_view,
    cohort_view,
    explore,
    export_view,
    http,
    map_layer,
    me,
    my_data,
    pages,
    people,
    reflect,
    reflections_shown,
    signin,
    sparql_view,
    start,
    system,
    tours,
)
from conceptgraph.server.limits import BodySlots, ClientSlots, HeaderLimit, Outbox
from conceptgraph.server.protocol import ProtocolLayer
from conceptgraph.server.service import CourseService


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The app: defaults, then CONCEPTGRAPH_* environment variables, then `overrides`."""
    settings = load_settings(overrides)
    web = asset_dir("web")
    app = Flask(__name__, template_folder=str(web / "templates"), static_folder=str(web / "static"))
    # Form bodies are percent-encoded, so they may be three times the size of the query they carry.
    max_body = settings["max_query_bytes"] * 3 + 1024
    app.config["MAX_CONTENT_LENGTH"] = max_body
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    service = CourseService.start(settings)
    atexit.register(service.close)
    app.extensions["conceptgraph"] = service
    outbox = Outbox(settings["answer_budget_bytes"], ClientSlots(settings["client_io_slots"]))
    app.extensions["conceptgraph.outbox"] = outbox
    http.init_app(app)
    people.init_app(app, settings)
    app.register_blueprint(sparql_view.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(export_view.bp)
    app.register_blueprint(system.bp)
    app.register_blueprint(annotation_view.bp)
    app.register_blueprint(my_data.bp)
    app.register_blueprint(start.bp)
    app.register_blueprint(tours.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(me.bp)
    app.register_blueprint(reflect.bp)
    app.register_blueprint(reflections_shown.bp)
    app.register_blueprint(cohort_view.bp)
    app.register_blueprint(map_layer.bp)
    # Outermost: oversized headers are refused before the protocol layer or Flask parses them, and
    # a body is read only while its client address holds few others.
    protocol = ProtocolLayer(app.wsgi_app, service, max_body, outbox)
    app.wsgi_app = HeaderLimit(BodySlots(protocol, ClientSlots(settings["client_io_slots"])))  # type: ignore[method-assign]
    return app
