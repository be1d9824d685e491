"""Every setting conceptgraph reads, declared once with its default and help.

Values come from CONCEPTGRAPH_<NAME> environment variables (or the CLI option of the same name);
a bad value fails at start-up naming the setting, what was given and what is expected.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from conceptgraph.errors import ConceptGraphError
from conceptgraph.vocab import DEFAULT_BASE

DRAW_TIMEOUT = 20.0  # seconds Graphviz may draw a picture: the `draw_timeout` setting's default
# The `max_account_bytes` default. A version at the draft limits (20,000 characters of Danish, about
# 20.4 kB; 30 links with 500-character reasons, about 0.7 kB each with the IRI and row) takes about
# 42 kB, so 32 MiB holds about 800 of them: every one of the course's 23 questions answered at the
# limit and each revised some 30 times. A participant who writes a page (2,000 characters, a few
# links) to every question and revises each a few times keeps about 0.3 MiB, a hundredth of it.
MAX_ACCOUNT_BYTES = 32 * 1024 * 1024


class SettingError(ConceptGraphError):
    """A setting has a value it cannot take."""


def _base_iri(value: str) -> str:
    if not value.startswith(("http://", "https://")) or not value.endswith("/") or " " in value:
        raise ValueError("an http(s) IRI ending in '/', like https://example.org/course/")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or " " in value:
        raise ValueError("an http(s) URL without query or fragment, like https://kursus.example.org")
    return value.rstrip("/")


def _positive(kind: Callable[[str], float | int]) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"a positive {kind.__name__}") from None
        if number <= 0:
            raise ValueError(f"a positive {kind.__name__}")
        return number

    return parse


def _paths(value: str) -> tuple[str, ...]:
    paths = tuple(p for p in value.split(os.pathsep) if p)
    missing = [p for p in paths if not os.path.isfile(p)]
    if not paths or missing:
        raise ValueError(
            f"existing files separated by '{os.pathsep}'" + (f" ({missing[0]} is not one)" if missing else "")
        )
    return paths


def _iri_prefixes(value: str) -> tuple[str, ...]:
    prefixes = tuple(value.split())
    if not prefixes or not all(p.startswith(("http://", "https://", "urn:")) for p in prefixes):
        raise ValueError("space-separated IRI prefixes, like https://example.org/course/")
    return prefixes


def _flag(value: str) -> bool:
    if value.lower() not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError("1 or 0 (true/false, yes/no)")
    return value.lower() in ("1", "true", "yes")


def _database_url(value: str) -> str:
    if not value.startswith(("sqlite:///", "postgresql://", "postgres://", "postgresql+psycopg://")):
        raise ValueError("a database URL: sqlite:///PATH or postgresql://[user@]host[:port]/name")
    return value


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError("a port number from 1 to 65535")
    return int(value)


@dataclass(frozen=True)
class Setting:
    """A named setting with its default, a one-line help and a parser that validates it."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any]


SETTINGS = {
    s.name: s
    for s in [
        Setting("base_iri", DEFAULT_BASE, "Base of resource IRIs: <base>id/<slug>.", _base_iri),
        Setting("data_dir", None, "Folder of course YAML files (default: the built-in course).", str),
        Setting("build_dir", "build", "Folder the built dataset is read from and written to.", str),
        Setting("dataset", None, "Serve this TriG or N-Quads file instead of building the YAML course.", str),
        Setting(
            "store",
            None,
            "Serve what this store holds (oxigraph:PATH or sparql:URL) instead of building the YAML course.",
            str,
        ),
        Setting(
            "load",
            None,
            "RDF files (separated by ':') a memory: store loads at start, served instead of the YAML course.",
            _paths,
        ),
        Setting(
            "graphs",
            None,
            "On a sparql: store, IRI prefixes (space-separated) of the named graphs that make up the "
            "dataset (default: the base IRI).",
            _iri_prefixes,
        ),
        Setting(
            "store_refresh",
            30.0,
            "On a sparql: store, seconds between checks whether its graphs changed (loads by others).",
            _positive(float),
        ),
        Setting("query_timeout", 10.0, "Seconds a query may run before it is stopped.", _positive(float)),
        Setting("max_rows", 10_000, "Rows (or triples) a query result may hold.", _positive(int)),
        Setting(
            "max_result_bytes",
            32 * 1024 * 1024,
            "Largest answer body in bytes (an endpoint answer; a resource's RDF or an RDF export, as N-Triples); "
            "longer answers stop before the row that would pass it, visibly (truncated).",
            _positive(int),
        ),
        Setting("max_query_bytes", 65_536, "Largest query or request body, in bytes.", _positive(int)),
        Setting("max_nesting", 64, "Deepest bracket nesting a query may use.", _positive(int)),
        Setting("query_workers", 4, "Worker processes that run queries.", _positive(int)),
        Setting("pool_wait", 5.0, "Seconds a request waits for a free worker before 503.", _positive(float)),
        Setting(
            "worker_memory_mb",
            512,
            "Memory (MB) a query or update may take beyond the data; a worker over it is replaced and its "
            "client gets 503.",
            _positive(int),
        ),
        Setting(
            "client_share",
            None,
            "Queries one client address may run at once (default: half the workers, rounded up); more get 429.",
            _positive(int),
        ),
        Setting(
            "client_io_slots",
            4,
            "Request bodies one client address may be sending at once, and answers it may have unread at "
            "once (each waits on the client and holds a thread); more get 429.",
            _positive(int),
        ),
        Setting(
            "answer_budget_bytes",
            256 * 1024 * 1024,
            "Bytes of answers the web process may hold for clients that have not read them yet; a query "
            "whose answer does not fit gets 503.",
            _positive(int),
        ),
        Setting(
            "allow_unsandboxed",
            False,
            "Serve even where the query workers cannot drop their network access (otherwise `serve` refuses).",
            _flag,
        ),
        Setting(
            "public_url",
            None,
            "Where the service is reached (default: http://localhost:<port>): exports, QR codes and the "
            "service description link there, never to the Host header a client sent.",
            _http_url,
        ),
        Setting("update_token", None, "A secret that switches SPARQL Update on for requests bearing it.", str),
        Setting("embed_ancestors", "*", "Sites allowed to frame `&embed=1` views (CSP frame-ancestors).", str),
        Setting("snapshots_dir", "snapshots", "Folder of named snapshots listed at /snapshots.", str),
        Setting(
            "draw_timeout",
            DRAW_TIMEOUT,
            "Seconds Graphviz may take to draw a picture export (PNG, SVG, PDF) before it is stopped.",
            _positive(float),
        ),
        Setting("map_max_nodes", 300, "Most nodes the map draws; larger views say what they hide.", _positive(int)),
        Setting("threads", 16, "Python threads that answer requests (behind Granian).", _positive(int)),
        Setting("instance_dir", "instance", "Folder of this instance's own files (created when missing).", str),
        Setting(
            "reflections_db",
            None,
            "Database of participants' reflections (default: sqlite:///<instance_dir>/reflections.sqlite3; "
            "or postgresql://…, its password from the URL, PGPASSWORD or reflections_db_password_file).",
            _database_url,
        ),
        Setting("reflections_db_password_file", None, "File holding the reflections database's password.", str),
        Setting(
            "max_reflections_per_account",
            500,
            "Most reflections one account may keep; one more is refused (409) until they delete one.",
            _positive(int),
        ),
        Setting(
            "max_account_bytes",
            MAX_ACCOUNT_BYTES,
            "Most bytes one account may keep: its reflections with their links and every earlier version; "
            "a new reflection or an edit past it is refused (409) until they delete one.",
            _positive(int),
        ),
        Setting("host", "127.0.0.1", "Address `serve` listens on.", str),
        Setting("port", 5000, "Port `serve` listens on.", _port),
    ]
}


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every setting: its default, else CONCEPTGRAPH_<NAME>, else `overrides` (already typed)."""
    values = {name: setting(name) for name in SETTINGS}
    for name, value in (overrides or {}).items():
        if name not in SETTINGS:
            raise SettingError(f"unknown setting {name!r}; known: {', '.join(SETTINGS)}")
        values[name] = value
    return values


def public_url(settings: dict[str, Any]) -> str:
    """The service's own address for links written into content: the configured PUBLIC_URL, else
    the address `serve` listens on (as `localhost` for a loopback or wildcard address)."""
    if settings["public_url"]:
        return str(settings["public_url"])
    host = settings["host"]
    host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "::1") else host
    return f"http://{f'[{host}]' if ':' in host else host}:{settings['port']}"


def setting(name: str, given: str | None = None) -> Any:
    """The value of a setting: `given` (a CLI option), else the environment, else the default."""
    spec = SETTINGS[name]
    env = f"CONCEPTGRAPH_{name.upper()}"
    raw = given if given is not None else os.environ.get(env)
    if raw is None:
        return spec.default
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise SettingError(f"setting {name} ({env}) = {raw!r} is not valid: expected {exc}") from None
