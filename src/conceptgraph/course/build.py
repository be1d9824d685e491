"""Compile the YAML course into a validated RDF dataset and write it atomically.

Output (in `--out`, default `build/`): `dataset.trig` (one named graph per data file),
`course.ttl` (the merged graph) and `build.json` (data version and file list). Everything is
written to temporary files first and renamed only when all of it succeeded, so a failed build
leaves the previous good build in place.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from conceptgraph.course.load import load_course
from conceptgraph.course.model import Course, data_version
from conceptgraph.course.shacl import check_course
from conceptgraph.course.to_rdf import build_time, course_dataset
from conceptgraph.errors import BuildError
from conceptgraph.store.embedded import Store
from conceptgraph.vocab import PREFIXES

TRIG_NAME = "dataset.trig"
TURTLE_NAME = "course.ttl"
INFO_NAME = "build.json"


@dataclass
class Build:
    """A compiled course: the checked records and the dataset made from them."""

    course: Course
    dataset: Dataset
    base: str

    def merged(self) -> Graph:
        """All named graphs in one graph (what the union default graph shows)."""
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for named in self.dataset.graphs():
            for triple in named:
                graph.add(triple)
        return graph

    @property
    def triple_count(self) -> int:
        """Triples over all named graphs (rdflib's len() on a Dataset is deprecated)."""
        return sum(len(named) for named in self.dataset.graphs())


def compile_course(data_dir: Path, base: str) -> Build:
    """Load, check, convert and SHACL-validate the course. Raises DataError with every problem."""
    course = load_course(data_dir)
    dataset = course_dataset(course, base, built=build_time())
    build = Build(course, dataset, base)
    check_course(build.merged(), course, base)
    return build


def serialise(build: Build) -> dict[str, bytes]:
    """The build's files as bytes, by file name; same input gives the same bytes."""
    info = {
        "base_iri": build.base,
        "data_version": build.course.version,
        "files": [{"path": f.path, "graph": f.graph, "sha256": f.sha256} for f in build.course.files],
        "resources": len(build.course.resources),
        "triples": build.triple_count,
    }
    return {
        TRIG_NAME: _trig(build.dataset).encode("utf-8"),
        TURTLE_NAME: build.merged().serialize(format="turtle").encode("utf-8"),
        INFO_NAME: (json.dumps(info, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(),
    }


def open_course(data_dir: Path, out_dir: Path, base: str) -> tuple[Store, str | None]:
    """The built course from `out_dir` if there is one, else compiled in memory from `data_dir`.

    Returns the store and, when the build is older than the data, a warning to show the user.
    """
    trig, info = out_dir / TRIG_NAME, out_dir / INFO_NAME
    if not (trig.is_file() and info.is_file()):
        return Store.from_dataset(compile_course(data_dir, base).dataset), None
    built_version = json.loads(info.read_text(encoding="utf-8")).get("data_version")
    warning = None
    if built_version != data_version(data_dir):
        warning = (
            f"note: the build in {out_dir} was made from other data than {data_dir}; "
            "run `conceptgraph build` to update it"
        )
    return Store.from_file(trig), warning


def _trig(dataset: Dataset) -> str:
    """TriG with the graphs in IRI order: rdflib orders them by hash, which varies per process."""
    prefixes: set[str] = set()
    blocks = []
    for graph in sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier)):
        single = Dataset()
        for prefix, namespace in PREFIXES.items():
            single.bind(prefix, namespace)
        named = single.graph(graph.identifier)
        for triple in graph:
            named.add(triple)
        lines = single.serialize(format="trig").splitlines()
        prefixes.update(line for line in lines if line.startswith("@prefix"))
        blocks.append("\n".join(line for line in lines if not line.startswith("@prefix")).strip())
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n\n".join(blocks) + "\n"


def ensure_build(data_dir: Path, out_dir: Path, base: str) -> Path:
    """The TriG of an up-to-date build in `out_dir`, building it first when missing or stale."""
    trig, info = out_dir / TRIG_NAME, out_dir / INFO_NAME
    if trig.is_file() and info.is_file():
        built = json.loads(info.read_text(encoding="utf-8"))
        if built.get("data_version") == data_version(data_dir) and built.get("base_iri") == base:
            return trig
    write_build(compile_course(data_dir, base), out_dir)
    return trig


def write_build(build: Build, out_dir: Path) -> list[Path]:
    """Write the build's files into `out_dir`, replacing the old ones only once all are written."""
    files = serialise(build)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staged = []
        for name, content in files.items():
            fd, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            staged.append((Path(temporary), out_dir / name))
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _ in locals().get("staged", []):
            tmp.unlink(missing_ok=True)
        raise BuildError(f"cannot write the build to {out_dir}: {exc.strerror or exc}") from exc
    return [out_dir / name for name in files]
