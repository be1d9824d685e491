"""The built-in course compiled once per test process and kept as a build, for the servers and
commands that would otherwise each compile the same course again (seconds of SHACL every time).

What they read is exactly what they would have made: `conceptgraph build` gives the same bytes
for the same data in any process (test_build.py), and a server checks a build before serving it
(`ensure_build`: the same data version and base IRI, or it builds anew).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from conceptgraph.assets import default_data_dir
from conceptgraph.course.build import Build, compile_course, write_build
from conceptgraph.vocab import DEFAULT_BASE


@functools.cache
def compiled() -> tuple[Build, Path]:
    """The course compiled and SHACL-validated, and the folder its build was written to (removed
    when the process ends). Written at once, so no test can have touched the Build before."""
    build = compile_course(default_data_dir(), DEFAULT_BASE)
    folder = Path(tempfile.mkdtemp(prefix="cg-build-"))
    atexit.register(shutil.rmtree, folder, True)
    write_build(build, folder)
    return build, folder


def seed_build(build_dir: Path) -> Path:
    """`build_dir` holding the course's build, as `conceptgraph build --out build_dir` leaves it
    (unless it holds something already); returns it."""
    build_dir.mkdir(parents=True, exist_ok=True)
    if not any(build_dir.iterdir()):
        for made in compiled()[1].iterdir():
            shutil.copyfile(made, build_dir / made.name)
    return build_dir
