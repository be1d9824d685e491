"""Locate the packaged ontology, course data and web assets.

They ship inside the wheel (see pyproject's force-include), so a plain `pip install` works from
any directory. In an editable checkout the same folders sit at the repository root instead.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def asset_dir(name: str) -> Path:
    """The directory `ontology`, `data` or `web`, wherever this install keeps it."""
    packaged = resources.files("conceptgraph") / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"conceptgraph is installed without its '{name}' folder")


def ontology_file(name: str) -> Path:
    """One of the ontology files, e.g. `conceptgraph.ttl` or `shapes.ttl`."""
    return asset_dir("ontology") / name


def default_data_dir() -> Path:
    """The built-in course: session 1 of "Ny form for velfærd"."""
    return asset_dir("data")
