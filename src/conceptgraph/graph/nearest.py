"""The course's nearest names to a mistyped one, for "Mente du: …" on error pages.

Search finds names that contain what was typed; a mistyped link rarely does ("den-potentiele-
organisation", "basson"), so this also compares the typed name with every slug, label and
alternative label, and with each of their words, by similarity. Both sides are folded as search
folds them, so case and Danish letters (æ/ae, ø/oe, å/aa) never count as a difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

from conceptgraph.graph.projection import Projection
from conceptgraph.graph.views import fold

CLOSE_ENOUGH = 0.8  # below this, a name is no more like the typed one than a stranger's
MIN_CONTAINED = 3  # a name containing one or two typed letters is no match
TRANSPOSED = 0.9  # the same letters in another order


def closest(typed: str, names: dict[str, list[str]], *, limit: int = 5) -> list[str]:
    """The keys of `names` whose names are nearest to `typed`, best first (at most `limit`)."""
    needle = fold(typed.replace("-", " ").strip())
    if not needle:
        return []
    scored = []
    for key, candidates in names.items():
        score = max((_likeness(needle, fold(name.replace("-", " "))) for name in candidates), default=0.0)
        if score >= CLOSE_ENOUGH:
            scored.append((-score, len(min(candidates, key=len)), key))
    return [key for *_, key in sorted(scored)[:limit]]


def nearest(
    projection: Projection, typed: str, *, limit: int = 5, among: Callable[[str], bool] | None = None
) -> list[str]:
    """Slugs of the nodes (those `among` accepts, else all) whose names are nearest to `typed`."""
    graph = projection.graph
    names = {
        slug: [slug, *attrs["label"].values(), *attrs["alt_labels"]]
        for slug, attrs in graph.nodes(data=True)
        if among is None or among(slug)
    }
    return closest(typed, names, limit=limit)


def _likeness(needle: str, name: str) -> float:
    """1 and a little more for a name containing the typed text, TRANSPOSED for its letters in
    another order, else the best similarity of the whole name or any run of its words as long as
    the typed text."""
    if len(needle) >= MIN_CONTAINED and needle in name:
        return 1.0 + len(needle) / (len(name) or 1)
    if sorted(needle) == sorted(name):  # two letters swapped ("pgn", "steoj") is a near miss
        return TRANSPOSED
    best = 0.0
    matcher = SequenceMatcher(None, b=needle, autojunk=False)
    for part in _parts(name, needle):
        matcher.set_seq1(part)
        floor = max(best, CLOSE_ENOUGH)  # the cheap upper bounds skip what cannot beat it
        if matcher.real_quick_ratio() > floor and matcher.quick_ratio() > floor:
            best = max(best, matcher.ratio())
    return best


def _parts(name: str, needle: str) -> Iterable[str]:
    """The name itself when it is about as long as the typed text, and its runs of as many words."""
    if len(name) <= 2 * len(needle):
        yield name
    words, width = name.split(), needle.count(" ") + 1
    for start in range(max(len(words) - width + 1, 0)):
        yield " ".join(words[start : start + width])
