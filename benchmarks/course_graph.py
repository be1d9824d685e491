"""A generated course-shaped dataset in conceptgraph's own vocabulary, for map and export benchmarks.

    python benchmarks/course_graph.py --nodes 5000 --out big.nq

Deterministic for the same --nodes and --seed. The mix of classes and links follows the course:
concepts introduced in texts by authors under themes, reflection questions addressing concepts
with a reason for each link, principles ranked in lists.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

BASE = "https://w3id.org/conceptgraph/"
CG = "https://w3id.org/conceptgraph/vocab#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
MIX = (
    ("Concept", 0.55),
    ("ReflectionQuestion", 0.15),
    ("Text", 0.1),
    ("Person", 0.06),
    ("Principle", 0.1),
    ("Theme", 0.04),
)
TYPES = {"Principle": ("Principle", "Concept"), "Concept": ("Concept",)}


def _iri(slug: str) -> str:
    return f"<{BASE}id/{slug}>"


def _lit(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def generate(nodes: int, seed: int = 42) -> list[str]:
    """N-Quads lines of a dataset with `nodes` resources."""
    rng = random.Random(seed)
    graph = f"<{BASE}graph/generated>"
    counts = {cls: max(1, round(nodes * share)) for cls, share in MIX}
    slugs = {cls: [f"{cls.lower()}-{i}" for i in range(n)] for cls, n in counts.items()}
    quads = []

    def add(s: str, p: str, o: str) -> None:
        quads.append(f"{s} {p} {o} {graph} .")

    for cls, names in slugs.items():
        for i, slug in enumerate(names):
            for kind in TYPES.get(cls, (cls,)):
                add(_iri(slug), f"<{RDF}type>", f"<{CG}{kind}>")
            add(_iri(slug), f"<{SKOS}prefLabel>", _lit(f"{cls} {i} – æøå", "da"))
            add(_iri(slug), f"<{SKOS}prefLabel>", _lit(f"{cls} {i}", "en"))
    for text in slugs["Text"]:
        add(_iri(text), f"<{DCT}creator>", _iri(rng.choice(slugs["Person"])))
        add(_iri(text), f"<{CG}partOfTheme>", _iri(rng.choice(slugs["Theme"])))
    for concept in slugs["Concept"] + slugs["Principle"]:
        add(_iri(concept), f"<{CG}introducedIn>", _iri(rng.choice(slugs["Text"])))
        add(_iri(concept), f"<{SKOS}related>", _iri(rng.choice(slugs["Concept"])))
    for rank, principle in enumerate(slugs["Principle"], start=1):
        add(_iri(principle), f"<{CG}rank>", f'"{rank}"^^<http://www.w3.org/2001/XMLSchema#integer>')
    for question in slugs["ReflectionQuestion"]:
        for target in rng.sample(slugs["Concept"], k=min(3, len(slugs["Concept"]))):
            add(_iri(question), f"<{CG}addresses>", _iri(target))
            statement = f"<{BASE}id/{question}/addresses/{target}>"
            add(statement, f"<{RDF}subject>", _iri(question))
            add(statement, f"<{RDF}object>", _iri(target))
            add(statement, f"<{CG}rationale>", _lit(f"Fordi {question} handler om {target}.", "da"))
    return quads


def write(nodes: int, out: Path, seed: int = 42) -> Path:
    """Write the dataset (with the vocabulary's relation labels) as N-Quads; reuse it if present."""
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(generate(nodes, seed)) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(write(args.nodes, args.out, args.seed))


if __name__ == "__main__":
    main()
