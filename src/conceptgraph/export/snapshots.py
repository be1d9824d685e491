"""Named snapshots: a folder of exports of one view plus a manifest saying exactly what it shows.

Names are checked (no path tricks), an existing snapshot is never overwritten, and a snapshot is
written into a temporary folder and renamed, so it is there whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from conceptgraph.errors import ExportError
from conceptgraph.export import FORMATS, export_view
from conceptgraph.export.context import Snapshot

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MANIFEST = "manifest.json"


def check_name(name: str) -> str:
    """The name, if it is a safe folder name. Raises ExportError."""
    if not NAME.match(name) or ".." in name:
        raise ExportError(
            f"snapshot name '{name}' is not allowed: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def save(root: Path, name: str, snapshot: Snapshot, formats: list[str]) -> dict[str, Any]:
    """Write the snapshot `name` under `root` with these formats (json is always included)."""
    check_name(name)
    target = root / name
    if target.exists():
        raise ExportError(f"a snapshot named '{name}' already exists in {root}; choose another name")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ExportError(f"unknown format {', '.join(unknown)}; the formats are: {', '.join(FORMATS)}")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
    try:
        files = []
        for fmt in sorted({*formats, "json"}):
            content = export_view(snapshot, fmt)
            filename = f"{name}.{fmt}.{FORMATS[fmt][1]}" if fmt.startswith("handout") else f"{name}.{FORMATS[fmt][1]}"
            (staging / filename).write_bytes(content)
            files.append(
                {"file": filename, "format": fmt, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            )
        manifest = {"name": name, **snapshot.provenance, "files": files}
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def listing(root: Path) -> list[dict[str, Any]]:
    """Every snapshot's manifest, by name."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = folder / MANIFEST
        if manifest.is_file():
            found.append(json.loads(manifest.read_text(encoding="utf-8")))
    return found


def _graph(root: Path, name: str) -> tuple[set[str], set[tuple[str, str, str]]]:
    folder = root / check_name(name)
    if not (folder / MANIFEST).is_file():
        raise ExportError(f"no snapshot named '{name}' in {root}")
    data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    nodes = {n["id"] for n in data["nodes"]}
    edges = {(e["source"], e["relation"], e["target"]) for e in data["links"]}
    return nodes, edges


def diff(root: Path, first: str, second: str) -> dict[str, list[Any]]:
    """Nodes and edges added and removed from snapshot `first` to `second`."""
    nodes_a, edges_a = _graph(root, first)
    nodes_b, edges_b = _graph(root, second)
    return {
        "nodes_added": sorted(nodes_b - nodes_a),
        "nodes_removed": sorted(nodes_a - nodes_b),
        "edges_added": sorted(edges_b - edges_a),
        "edges_removed": sorted(edges_a - edges_b),
    }
