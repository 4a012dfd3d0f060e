"""Backing up and restoring the whole database: pg_dump/pg_restore for PostgreSQL, SQLite's own
online backup for SQLite (a consistent copy even while the site writes)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.database import libpq_environment

SUFFIXES = {"postgresql": ".dump", "sqlite3": ".sqlite3"}
# Newer pg_dump versions read older servers; these are where Debian puts them.
POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


class BackupError(Exception):
    pass


def vendor(database: dict[str, Any]) -> str:
    """`postgresql` or `sqlite3`, the last part of Django's engine name."""
    name = database["ENGINE"].rsplit(".", 1)[-1]
    if name not in SUFFIXES:
        raise ImproperlyConfigured(f"backups support PostgreSQL and SQLite, not {name}")
    return name


def default_path(folder: Path, database: dict[str, Any]) -> Path:
    """`tracker-20260131T031500Z.dump`: sorts by time, says what it holds."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"tracker-{stamp}{SUFFIXES[vendor(database)]}"


def backup(database: dict[str, Any], path: Path) -> Path:
    """Write a backup of `database` to `path` (written aside, then renamed: never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if vendor(database) == "sqlite3":
        with _sqlite(database["NAME"]) as live, _sqlite(partial) as copy:
            live.backup(copy)
    else:
        _run_postgres("pg_dump", database, "--format=custom", "--no-owner", f"--file={partial}")
    partial.replace(path)
    return path


def restore(database: dict[str, Any], path: Path) -> None:
    """Replace everything in `database` with the backup at `path`, in one transaction."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    if vendor(database) == "sqlite3":
        with _sqlite(path) as copy:
            _check_sqlite_backup(copy, path)
            with _sqlite(database["NAME"]) as live:
                copy.backup(live)
    else:
        _run_postgres(
            "pg_restore",
            database,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database['NAME']}",
            str(path),
        )


def _check_sqlite_backup(copy: sqlite3.Connection, path: Path) -> None:
    """Refuse anything but a SQLite database of this site before overwriting the live one."""
    try:
        tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error})") from error
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is not a backup of this site's database")


def _sqlite(name: str | Path) -> sqlite3.Connection:
    connection = sqlite3.connect(name)
    connection.execute("PRAGMA busy_timeout = 30000")
    return connection


def _run_postgres(program: str, database: dict[str, Any], *args: str) -> None:
    # The password goes through the environment, never the command line (`ps` shows that).
    # No host is the Unix socket, as for Django's own connection.
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10", **libpq_environment(database)}
    result = subprocess.run(
        [_postgres_program(program), *args], env=environment, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _postgres_program(program: str) -> str:
    for folder in POSTGRES_BIN_DIRS:
        if (folder / program).exists():
            return str(folder / program)
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} not found (apt-get install postgresql-client)")
    return found
