"""The wheel carries the ontology, the course and the web assets: it works with no checkout."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the built wheel installed; dependencies come from this environment."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(work.glob("conceptgraph-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Reuse this environment's dependencies without its (editable) conceptgraph: a plain path
    # entry does not run the editable install's .pth hook.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir


@pytest.mark.slow
def test_installed_wheel_builds_and_reports_from_any_folder(installed: Path, tmp_path: Path) -> None:
    exe = installed / "bin" / "conceptgraph"
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import conceptgraph, sys; print(conceptgraph.__file__)"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(installed)), where
    stats = subprocess.run([str(exe), "stats"], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert "  cg:ReflectionQuestion      23\n" in stats.stdout
    build = subprocess.run([str(exe), "build"], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert "Built 183 resources" in build.stdout
    assert (tmp_path / "build" / "dataset.trig").stat().st_size > 100_000


@pytest.mark.slow
def test_wheel_contains_the_assets(installed: Path) -> None:
    site = next((installed / "lib").glob("python*/site-packages/conceptgraph"))
    assert (site / "ontology" / "shapes.ttl").is_file()
    assert (site / "data" / "refleksion.yaml").is_file()
    assert (site / "web" / "queries" / "01-syv-principper.rq").is_file()
