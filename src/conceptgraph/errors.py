"""The exceptions conceptgraph raises, so callers can catch one family and show it cleanly.

    ConceptGraphError
     ├── DataError           the YAML course data is malformed or inconsistent (one or more problems)
     ├── BuildError          a build could not be written
     ├── ExportError         a view could not be exported (format, empty view, Graphviz, output path)
     │    └── DrawTimeout    Graphviz took longer than its time limit (HTTP 503)
     ├── StoreError          a store URL is wrong, or its store cannot be opened or loaded
 │    ├── StoreUnavailable   a remote SPARQL server is down or refused a request (HTTP 502)
 │    └── StoreTimeout       a remote SPARQL server did not answer in time (HTTP 504)
     └── QueryError
          ├── QuerySyntaxError   the SPARQL does not parse (with line and column)
          └── QueryNotAllowed    the query parses but is not a read-only query form

The CLI turns each into a message and exit code 2. A store error's `public` message is what a
web client sees: no server address, no remote engine's text (those go to the log).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The user-information part of a URL (`scheme://user:password@`), however the URL is quoted.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s'\"<>]+@")  # to the last '@': passwords hold some
STORE_FAILED = (
    "the SPARQL server that holds the data cannot be reached or failed this request; "
    "try again in a minute (the service's log has the details)"
)


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


class DrawTimeout(ExportError):
    """Graphviz did not finish drawing within `seconds` and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"drawing this view took longer than the limit of {seconds:g} s and was stopped; "
            "choose a smaller view (a focus with depth 1, a theme, a filter) or a format that is not a picture"
        )
        self.seconds = seconds


class StoreError(ConceptGraphError):
    """A store cannot be opened or loaded; the message says which and why (credentials masked)."""

    def __init__(self, message: str, *, public: str = STORE_FAILED) -> None:
        super().__init__(masked(message))
        self.public = public


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


def masked(text: str) -> str:
    """`text` with the credentials of every URL in it replaced by `***` (`http://***@host/`)."""
    return _USERINFO.sub(r"\1***@", text)


def explain(exc: ConceptGraphError) -> list[str]:
    """The lines a person sees for an error (every data problem, then a count), never a traceback
    and never a URL's credentials."""
    if isinstance(exc, DataError):
        return [f"error: {problem}" for problem in exc.problems] + [
            f"{len(exc.problems)} problem(s) found; nothing was written."
        ]
    return [masked(f"error: {exc}")]
