"""The checked course as plain records: what the loader hands to the RDF conversion."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conceptgraph.course.read import Pos


@dataclass
class Resource:
    """One checked resource, with where it came from."""

    id: str
    type: str
    path: str
    pos: Pos
    graph: str
    section: str
    in_list: str | None
    values: dict[str, Any] = field(default_factory=dict)
    value_pos: dict[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceFile:
    """A data file as read: how messages name it, its graph name, title and content hash."""

    path: str
    graph: str
    title: str
    sha256: str


@dataclass
class TourStep:
    """One step of a guided tour: a map view (its URL parameters, in normal form) and what to say."""

    id: str
    pos: Pos
    title: dict[str, str]
    text: dict[str, str]
    section: str | None
    view: dict[str, str]
    refs: list[tuple[str, str, Pos]] = field(default_factory=list)  # (parameter, slug, where)


@dataclass
class Tour:
    """A guided tour through the course, step by step, as a facilitator wrote it."""

    id: str
    path: str
    pos: Pos
    graph: str
    label: dict[str, str]
    session: tuple[str, Pos] | None
    steps: list[TourStep]


@dataclass
class Course:
    """Everything the data files say, keyed by resource id; the guided tours in file order."""

    resources: dict[str, Resource]
    files: list[SourceFile]
    tours: list[Tour] = field(default_factory=list)

    @property
    def version(self) -> str:
        """The data version: one hash over every file's hash, so same data means same version."""
        return _combined_hash((f.graph, f.sha256) for f in self.files)


def data_version(data_dir: Path) -> str:
    """The version `load_course(data_dir).version` would report, without parsing anything."""
    files = sorted(data_dir.glob("*.yaml"))
    return _combined_hash((p.stem, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files)


def _combined_hash(parts: Iterable[tuple[str, str]]) -> str:
    joined = "\n".join(f"{graph} {digest}" for graph, digest in parts)
    return hashlib.sha256(joined.encode()).hexdigest()
