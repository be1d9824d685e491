"""Opening the reflections database: one code path for SQLite and PostgreSQL.

`Database.write()` is the only way to change data and `Database.read()` the way to read it. They
exist because SQLite needs its write transactions to start with `BEGIN IMMEDIATE`: a transaction
that reads first and upgrades to writing later fails at once ("database is locked") when another
writer got there first, whatever the busy timeout; taking the write lock at the start makes every
writer wait its turn instead. On SQLite every commit is durable (WAL, synchronous=FULL); on
PostgreSQL durability is the server's default (synchronous_commit=on).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from conceptgraph.config import load_settings
from conceptgraph.reflections.errors import DatabaseUnavailable

SQLITE_FILE = "reflections.sqlite3"
BUSY_TIMEOUT = 60.0  # seconds a SQLite writer waits for the lock: enough for many writers in a row
_WRITE = "conceptgraph_write"


class Database:
    """An engine and its two kinds of transaction; `url` is the masked URL, safe for messages.

    It also carries the operator's limits on what one account may store (`max_reflections_per_account`
    reflections, `max_account_bytes` bytes with every earlier version), so every writer on this
    database enforces the same limits without being handed them.
    """

    def __init__(self, engine: Engine, *, max_reflections_per_account: int, max_account_bytes: int) -> None:
        self.engine = engine
        self.max_reflections_per_account = max_reflections_per_account
        self.max_account_bytes = max_account_bytes
        self.url = engine.url.render_as_string(hide_password=True)
        self.dialect = engine.dialect.name
        self._writer = engine.execution_options(**{_WRITE: True})
        # PostgreSQL's default (read committed) gives each statement its own snapshot; a read that
        # takes several statements (a page and its count, a backup) needs one.
        self._reader = (
            engine.execution_options(isolation_level="REPEATABLE READ") if self.dialect != "sqlite" else engine
        )

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that may write; committed when the block ends, rolled back on an error."""
        with self._writer.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (one consistent snapshot), rolled back at the end."""
        with self._reader.connect() as connection, connection.begin() as transaction:
            yield connection
            transaction.rollback()

    def forget_deleted(self) -> None:
        """After an erasure, make what it deleted unreadable in the database's files too, where the
        database leaves that to us. SQLite overwrites deleted rows in its pages (secure_delete) but
        keeps the pages as they were before in its write-ahead log until that is reused: a copy of
        the instance folder would take erased text along, so the log is checkpointed and emptied.
        (PostgreSQL's dead rows go at its VACUUM, which its operator runs.)"""
        if self.dialect == "sqlite":
            connection = self.engine.raw_connection()  # outside any transaction, as a checkpoint must be
            try:
                connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_database(url: str | None = None, *, settings: dict[str, Any] | None = None) -> Database:
    """The database at `url`, else the `reflections_db` setting, else the instance's SQLite file,
    with the limits of `settings` (default: the environment's).

    Does not create tables: call `migrations.migrate(db)`. Raises DatabaseUnavailable (URL masked)
    when the URL is malformed or the database cannot be reached.
    """
    settings = settings or load_settings()
    try:
        parsed = database_url(url or settings["reflections_db"], settings)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"reflections_db: not a database URL ({exc})") from None
    options: dict[str, Any] = {"hide_parameters": True}  # errors never echo a reflection's text
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": BUSY_TIMEOUT, "check_same_thread": False}
    else:
        options["pool_pre_ping"] = True
        options["connect_args"] = {"connect_timeout": 10}
    engine = create_engine(parsed, **options)
    if engine.dialect.name == "sqlite":
        _make_sqlite_durable(engine)
    db = Database(
        engine,
        max_reflections_per_account=settings["max_reflections_per_account"],
        max_account_bytes=settings["max_account_bytes"],
    )
    try:
        with db.read() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"reflections_db {db.url} cannot be opened: {exc.orig}") from None
    return db


def database_url(given: str | None, settings: dict[str, Any]) -> URL:
    """The URL to connect to: the default SQLite file, psycopg 3 for PostgreSQL, and the password
    from `reflections_db_password_file` when one is set (libpq reads PGPASSWORD and ~/.pgpass)."""
    if not given:
        return make_url(f"sqlite:///{Path(settings['instance_dir']).resolve() / SQLITE_FILE}")
    parsed = make_url(given.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    secret_file = settings.get("reflections_db_password_file")
    if secret_file and parsed.get_backend_name() == "postgresql":
        try:
            password = Path(secret_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise DatabaseUnavailable(f"reflections_db_password_file {secret_file}: {exc.strerror}") from None
        parsed = parsed.set(password=password)
    return parsed


def _make_sqlite_durable(engine: Engine) -> None:
    """WAL, a full sync at every commit, foreign keys, deleted rows overwritten, and transactions we
    begin ourselves."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver must not begin transactions on its own
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "secure_delete=ON",  # deleted rows zeroed on disk, whatever the library's build default
            f"busy_timeout={BUSY_TIMEOUT * 1000:.0f}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def now() -> datetime:
    """The current time, in UTC (every stored time is UTC)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A random, URL-safe id of 128 bits (22 characters)."""
    return secrets.token_urlsafe(16)


def digest(secret: str) -> str:
    """The SHA-256 of a token, as stored in place of the token itself."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
