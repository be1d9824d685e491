"""The example queries of the query page, stored as `.rq` files with a small comment header:

# title: …            # title@en: …
# description: …      # description@en: …
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from conceptgraph.assets import asset_dir


@dataclass(frozen=True)
class Example:
    """One example query with its Danish and English title and description."""

    slug: str
    title: dict[str, str]
    description: dict[str, str]
    query: str


@cache
def examples() -> tuple[Example, ...]:
    """Every example in `web/queries`, in file-name order."""
    found = []
    for path in sorted((asset_dir("web") / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        for line in text.splitlines():
            if line.startswith("# ") and ":" in line:
                key, _, value = line[2:].partition(":")
                meta[key.strip()] = value.strip()
        query = "\n".join(line for line in text.splitlines() if not line.startswith("# ")).strip() + "\n"
        found.append(
            Example(
                slug=path.stem,
                title={"da": meta["title"], "en": meta.get("title@en", meta["title"])},
                description={
                    "da": meta["description"],
                    "en": meta.get("description@en", meta["description"]),
                },
                query=query,
            )
        )
    return tuple(found)
