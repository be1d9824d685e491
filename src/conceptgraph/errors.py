"""The exceptions conceptgraph raises, so callers can catch one family and show it cleanly.

    ConceptGraphError
     ├── DataError           the YAML course data is malformed or inconsistent (one or more problems)
     ├── BuildError          a build could not be written
     ├── ExportError         a view could not be exported (format, empty view, Graphviz, output path)
     ├── StoreError          a store URL is wrong, or its store cannot be opened or loaded
 │    ├── StoreUnavailable   a remote SPARQL server is down or refused a request (HTTP 502)
 │    └── StoreTimeout       a remote SPARQL server did not answer in time (HTTP 504)
     └── QueryError
          ├── QuerySyntaxError   the SPARQL does not parse (with line and column)
          └── QueryNotAllowed    the query parses but is not a read-only query form

The CLI turns each into a message and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass


class ConceptGraphError(Exception):
    """Base class of every error conceptgraph raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located so a facilitator can go straight to it."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class DataError(ConceptGraphError):
    """The course data has problems; `problems` lists all of them, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(ConceptGraphError):
    """The build output could not be written; the previous build is left in place."""


class ExportError(ConceptGraphError):
    """A snapshot could not be made; nothing partial was written."""


class StoreError(ConceptGraphError):
    """A store cannot be opened or loaded; the message says which and why."""


class StoreUnavailable(StoreError):
    """A remote SPARQL server could not be reached, or refused or failed a request."""


class StoreTimeout(StoreError):
    """A remote SPARQL server did not answer within the time limit."""


class QueryError(ConceptGraphError):
    """A SPARQL query could not be run."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message carries line and column."""


class QueryNotAllowed(QueryError):
    """The query parses but is not SELECT, ASK, CONSTRUCT or DESCRIBE."""


def explain(exc: ConceptGraphError) -> list[str]:
    """The lines a person sees for an error (every data problem, then a count), never a traceback."""
    if isinstance(exc, DataError):
        return [f"error: {problem}" for problem in exc.problems] + [
            f"{len(exc.problems)} problem(s) found; nothing was written."
        ]
    return [f"error: {exc}"]
