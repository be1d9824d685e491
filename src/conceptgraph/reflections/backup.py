"""Backup and restore: every table in one portable JSON Lines file, the same from either database.

The first line says what the file is and its schema version; then one line per row,
`{"table": …, "row": {…}}`, tables in foreign-key order and rows in primary-key order, times in ISO
8601 UTC. So a backup of SQLite restores into PostgreSQL and back, and two backups of the same
data are the same bytes. The backup reads one snapshot; the file appears whole or not at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

from conceptgraph.reflections.database import Database
from conceptgraph.reflections.errors import Invalid
from conceptgraph.reflections.migrations import LATEST, current_version, migrate
from conceptgraph.reflections.schema import Utc, metadata

FORMAT = "conceptgraph-reflections"
TABLES = [t for t in metadata.sorted_tables if t.name != "schema_version"]
_BY_NAME = {t.name: t for t in TABLES}


def backup(db: Database, path: Path) -> dict[str, int]:
    """Write every row to `path` (replaced atomically); returns the number of rows per table."""
    counts: dict[str, int] = {}
    partial = path.with_name(f".{path.name}.partial")
    with db.read() as connection, partial.open("w", encoding="utf-8") as out:
        header = {"format": FORMAT, "schema_version": current_version(connection)}
        out.write(json.dumps(header) + "\n")
        for table in TABLES:
            counts[table.name] = 0
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                line = {"table": table.name, "row": {k: _plain(v) for k, v in row._asdict().items()}}
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                counts[table.name] += 1
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    return counts


def restore(db: Database, path: Path) -> dict[str, int]:
    """Load a backup into an empty database (no tables, or empty ones at the backup's version),
    then migrate it to the latest version. Raises Invalid naming the file (and line) when it is no
    backup, is newer than this program, or the database is not empty. All or nothing."""
    lines = _lines(path)
    header = next(lines, (1, {}))[1]
    version = header.get("schema_version") if header.get("format") == FORMAT else None
    if not isinstance(version, int) or not 1 <= version <= LATEST:
        raise Invalid(str(path), f"line 1: not a reflections backup of schema version 1 to {LATEST}")
    with db.read() as connection:
        at = current_version(connection)
    if at not in (0, version) or (at and _holds_rows(db)):
        raise Invalid(str(path), f"restore needs an empty database; {db.url} already holds data (version {at})")
    migrate(db, up_to=version)
    counts = dict.fromkeys(_BY_NAME, 0)
    with db.write() as connection:
        for number, line in lines:
            table = _BY_NAME.get(line.get("table", ""))
            if table is None or not isinstance(line.get("row"), dict):
                raise Invalid(str(path), f'line {number}: expected {{"table": one of {list(_BY_NAME)}, "row": {{…}}}}')
            if not set(line["row"]) <= set(table.columns.keys()):
                raise Invalid(str(path), f"line {number}: a column {table.name} does not have")
            _insert(connection, table, line["row"])
            counts[table.name] += 1
    migrate(db)
    return counts


def _holds_rows(db: Database) -> bool:
    with db.read() as connection:
        return any(connection.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES)


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise Invalid(str(path), f"cannot be read: {exc.strerror}") from None
    with handle:
        for number, text in enumerate(handle, start=1):
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if not isinstance(value, dict):
                raise Invalid(str(path), f"line {number}: not a JSON object")
            yield number, value


def _insert(connection: Connection, table: Table, row: dict[str, Any]) -> None:
    values = {}
    for name, value in row.items():
        column = table.columns[name]
        values[name] = datetime.fromisoformat(value) if isinstance(column.type, Utc) and value else value
    connection.execute(insert(table).values(**values))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
