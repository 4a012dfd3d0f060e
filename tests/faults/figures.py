"""What a fault test compares: every table's rows by checksum, and the aggregates' figures."""

from __future__ import annotations

import hashlib
import sqlite3

import psycopg

# The aggregate tables, compared without their bookkeeping columns (when and from which data
# version a row was computed): a full refresh run afterwards must give the same figures.
AGGREGATE_TABLES = (
    "dashboards_investorperiodstat",
    "dashboards_valuationpoint",
    "dashboards_unicornmembership",
    "dashboards_unicornperiodstat",
    "dashboards_coinvestment",
    "dashboards_productperiodstat",
)
BOOKKEEPING = ("id", "computed_at", "data_version")


def table_names(connection: psycopg.Connection | sqlite3.Connection) -> list[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        if isinstance(connection, sqlite3.Connection)
        else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    return sorted(name for (name,) in connection.execute(query))


def table_checksums(
    connection: psycopg.Connection | sqlite3.Connection,
) -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of its rows, in PostgreSQL or SQLite."""
    found = {}
    for name in table_names(connection):
        rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{name}"'))
        found[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def aggregate_figures(connection: psycopg.Connection) -> dict[str, list[tuple]]:
    """The aggregates' rows, bookkeeping left out, sorted."""
    figures = {}
    for table in AGGREGATE_TABLES:
        columns = [
            name
            for (name,) in connection.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            if name not in BOOKKEEPING
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        figures[table] = connection.execute(
            f"SELECT {listed} FROM {table} ORDER BY {listed}"
        ).fetchall()
    return figures


def pending_refreshes(connection: psycopg.Connection) -> int:
    return connection.execute("SELECT count(*) FROM startups_pendingrefresh").fetchone()[0]
