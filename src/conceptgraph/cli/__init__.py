"""The `conceptgraph` command: build, validate, inspect, query, serve, load and export the course graph,
and run cohorts.

One module per group of commands; this one makes the group and gives it every command.
"""

from __future__ import annotations

import click

from conceptgraph import __version__
from conceptgraph.cli import cohort, course, export, load, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="conceptgraph")
def cli() -> None:
    """conceptgraph: course material as a living knowledge graph.

    Edit the course in YAML, build it into validated RDF, and query it with SPARQL.
    """


for command in (
    course.build,
    course.validate,
    course.stats,
    course.query,
    serve.serve,
    load.load,
    export.export,
    export.snapshot,
    cohort.cohort,
    cohort.backup_command,
    cohort.restore_command,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the console script."""
    cli()
