"""The package's layout is its flow: a stage imports only the stages it stands on.

The allowed directions are written once, here. YAML → RDF → store → views: the course build and
every reader stand on the store interface; exports stand on the graph projection; the server and
the command line assemble everything. Shared leaves (settings, errors, vocabulary, texts, assets,
the ontology) may be imported by any stage and import only each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "conceptgraph"
LEAVES = {"__init__", "config", "errors", "vocab", "texts", "assets", "ontology"}
STANDS_ON: dict[str, set[str]] = {
    "leaf": set(),
    "store": set(),
    "course": {"store"},
    "graph": {"store"},
    "sparql": {"store"},
    "export": {"store", "graph"},
    "reflections": set(),
    "server": {"store", "course", "graph", "sparql", "export", "reflections"},
    "cli": {"store", "course", "graph", "sparql", "export", "reflections", "server"},
    "__main__": {"cli"},
}


def stage_of(module: str) -> str:
    """The stage a dotted module name below `conceptgraph` belongs to."""
    top = module.split(".")[1] if "." in module else "__init__"
    return "leaf" if top in LEAVES else top


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every `conceptgraph…` module a file imports (inside functions and TYPE_CHECKING too)."""
    parts = ("conceptgraph", *path.relative_to(root).with_suffix("").parts)
    package = parts if path.name == "__init__.py" else parts[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            above = package[: len(package) - node.level + 1] if node.level else ()
            base = ".".join(p for p in (*above, node.module or "") if p)
            for alias in node.names:  # `from conceptgraph.cli import course` imports a module too
                whole = f"{base}.{alias.name}"
                inside = root.joinpath(*whole.split(".")[1:])
                found.append((node.lineno, whole if inside.is_dir() or inside.with_suffix(".py").exists() else base))
    return [(line, name) for line, name in found if name == "conceptgraph" or name.startswith("conceptgraph.")]


def forbidden_imports(root: Path) -> list[str]:
    """`file:line: stage imports stage` for every import against the allowed directions."""
    wrong = []
    for path in sorted(root.rglob("*.py")):
        module = ".".join(("conceptgraph", *path.relative_to(root).with_suffix("").parts))
        own = stage_of(module)
        assert own in STANDS_ON, f"{path}: stage {own!r} is not in STANDS_ON; say what it may import"
        for line, name in imported_modules(path, root):
            other = stage_of(name)
            if other not in ("leaf", own) and other not in STANDS_ON[own]:
                wrong.append(f"{path.relative_to(root)}:{line}: {own}/ imports {name} ({other}/)")
    return wrong


def test_every_import_goes_down_the_flow() -> None:
    assert forbidden_imports(PACKAGE) == []


def test_every_stage_says_what_it_owns() -> None:
    for folder in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert docstring, f"{folder.name}/__init__.py has no docstring saying what the stage owns"


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("course/x.py", "from conceptgraph.server.http import describe_error\n", "course/ imports"),
        ("store/x.py", "def f():\n    from conceptgraph.graph import views\n", "store/ imports"),
        ("vocab.py", "import conceptgraph.sparql.guard\n", "leaf/ imports"),
        ("graph/x.py", "from conceptgraph import course\n", "graph/ imports"),
    ],
)
def test_a_forbidden_import_is_found(tmp_path: Path, file: str, text: str, expected: str) -> None:
    for folder in ("course", "store", "graph", "server", "sparql"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text('"""A stage."""\n')
    (tmp_path / file).write_text(text)
    found = forbidden_imports(tmp_path)
    assert len(found) == 1 and expected in found[0] and ":" in found[0], found
