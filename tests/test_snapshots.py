"""Named snapshots: saved whole with a manifest, never overwritten, listed, compared, downloadable."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from tests.server import RunningServer, fetch


def conceptgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conceptgraph", *args], capture_output=True, text=True, cwd=cwd)


def test_save_list_diff_and_refuse(tmp_path: Path, built: Path) -> None:
    """Every save reads the course's build (the snapshots page test below saves from the YAML)."""
    root, build = tmp_path / "snaps", ("--build-dir", str(built))
    first = conceptgraph(
        "snapshot",
        "save",
        "bason",
        "--text",
        "bason",
        "--formats",
        "png,gexf",
        "--dir",
        str(root),
        *build,
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    manifest = json.loads((root / "bason" / "manifest.json").read_text())
    assert manifest["view"] == "http://localhost:5000/map?text=bason" and len(manifest["data_version"]) == 64
    for entry in manifest["files"]:
        content = (root / "bason" / entry["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    assert {f["format"] for f in manifest["files"]} == {"png", "gexf", "json"}

    second = conceptgraph(
        "snapshot",
        "save",
        "principper",
        "--text",
        "bason",
        "--types",
        "Principle",
        "--formats",
        "json",
        "--dir",
        str(root),
        *build,
        cwd=tmp_path,
    )
    assert second.returncode == 0, second.stderr
    listed = conceptgraph("snapshot", "list", "--dir", str(root), cwd=tmp_path).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["bason", "principper"]
    changes = conceptgraph("snapshot", "diff", "bason", "principper", "--dir", str(root), cwd=tmp_path).stdout
    assert "nodes added: 0" in changes and "  dagens-citat" in changes

    before = (root / "bason" / "manifest.json").read_bytes()
    again = conceptgraph("snapshot", "save", "bason", "--dir", str(root), *build, cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert (root / "bason" / "manifest.json").read_bytes() == before
    for bad in ("../evil", ".hidden", "a/b", ""):
        refused = conceptgraph("snapshot", "save", bad, "--dir", str(root), *build, cwd=tmp_path)
        assert refused.returncode == 2 and "is not allowed" in refused.stderr, bad
    assert sorted(p.name for p in root.iterdir()) == ["bason", "principper"]


def test_snapshots_page_lists_and_serves_files(server: RunningServer, tmp_path: Path) -> None:
    saved = conceptgraph(
        "snapshot",
        "save",
        "til-slides",
        "--path",
        "netvaerkstema-og-stoej",
        "--formats",
        "png",
        "--dir",
        str(server.snapshots_dir),
        cwd=tmp_path,
    )
    assert saved.returncode == 0, saved.stderr
    page = fetch(f"{server.url}/snapshots", headers={"Accept": "text/html"})
    assert page.status == 200 and "til-slides" in page.text and "til-slides.png" in page.text
    file = fetch(f"{server.url}/snapshots/til-slides/til-slides.png")
    assert file.status == 200 and file.body.startswith(b"\x89PNG")
    assert fetch(f"{server.url}/snapshots/til-slides/..%2F..%2Fetc%2Fpasswd").status == 404
    assert fetch(f"{server.url}/snapshots/..%2Fx/manifest.json").status == 404
    assert fetch(f"{server.url}/snapshots/til-slides/other.txt").status == 404
