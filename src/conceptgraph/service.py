"""The running course service: the built dataset, an in-process store for the views, and the
worker pool behind the public endpoint. The web app keeps one of these in app.extensions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from conceptgraph.assets import default_data_dir
from conceptgraph.build import INFO_NAME, ensure_build
from conceptgraph.projection import Projection, project
from conceptgraph.sparql.pool import WorkerPool
from conceptgraph.store import Store


@dataclass
class CourseService:
    """Everything a request needs to answer from the course graph."""

    settings: dict[str, Any]
    store: Store
    pool: WorkerPool
    data_version: str
    graphs: dict[str, int]

    @classmethod
    def start(cls, settings: dict[str, Any]) -> CourseService:
        """Build the course if needed, load it, and start the query workers."""
        data_dir = Path(settings["data_dir"]) if settings["data_dir"] else default_data_dir()
        build_dir = Path(settings["build_dir"])
        trig = ensure_build(data_dir, build_dir, settings["base_iri"])
        info = json.loads((build_dir / INFO_NAME).read_text(encoding="utf-8"))
        store = Store.from_trig(trig)
        pool = WorkerPool(str(trig), settings["query_workers"])
        service = cls(settings, store, pool, info["data_version"], _graph_sizes(store))
        _ = service.projection  # built now, so the first visitor does not wait for it
        return service

    @property
    def base(self) -> str:
        return str(self.settings["base_iri"])

    @cached_property
    def projection(self) -> Projection:
        """The networkx projection every map view draws from (built once; the data is fixed)."""
        return project(self.store, self.base)

    def close(self) -> None:
        self.pool.close()


def _graph_sizes(store: Store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return {row["g"].value: int(row["n"].value) for row in cast(ox.QuerySolutions, rows)}
