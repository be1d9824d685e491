"""Let `python -m conceptgraph` behave like the `conceptgraph` console script."""

from conceptgraph.cli import main

main()
