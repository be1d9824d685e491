"""conceptgraph: course material as a living knowledge graph."""

from __future__ import annotations

__version__ = "0.1.0"
