"""Data for the dashboard tests: the bundled sample, and PostgreSQL statistics of what a test
has written."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from dashboards.refresh import refresh_full
from deals.importing import import_paths
from startups.change_models import Change

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PROJECT_APPS = ("startups", "deals", "dashboards")


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def analyze() -> None:
    """On PostgreSQL, statistics of the rows a test has just written (ANALYZE counts its own
    transaction's rows). Otherwise the planner goes by what autovacuum last saw, often a
    table of rolled-back rows counted as empty, and nests loops over thousands of rows: a
    rounds or investor page of the 900-round dataset then ran for minutes. A real database
    is analysed by autovacuum after a load."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for name in PROJECT_APPS
        for model in apps.get_app_config(name).get_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def load_sample() -> None:
    """data/sample imported, its aggregates refreshed in full, its statistics taken.

    The import runs in the first test of a process that needs it; every later one gets the
    rows that import wrote, copied into its empty tables (0.2 s instead of 2.5 s on
    PostgreSQL, for about 50 tests a run). The change feed is left to the triggers, as an
    import leaves it."""
    global _written
    if _written is not None and not _any_rows(_written):
        _copy_back(_written)
    else:
        before = _row_counts()
        assert import_paths([SAMPLE]).ok
        refresh_full()
        if _written is None:
            _written = _read_written(before)
    analyze()


# table -> the rows the sample's import and refresh wrote into it, empty before: COPY's text
# on PostgreSQL, (columns, rows) elsewhere.
_written: dict[str, Any] | None = None
LEFT_TO_TRIGGERS = {Change._meta.db_table}


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _any_rows(written: dict) -> bool:
    with connection.cursor() as cursor:
        for table in [*written, *LEFT_TO_TRIGGERS]:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


def _read_written(before: dict[str, int]) -> dict[str, Any] | None:
    """What the import wrote, table by table; None if it wrote into a table that held rows
    already (this test's own, which a copy must not carry into the next)."""
    written_into = {
        table
        for table, count in _row_counts().items()
        if count != before.get(table, 0) and table not in LEFT_TO_TRIGGERS
    }
    if any(before.get(table) for table in written_into):
        return None
    written = {}
    with connection.cursor() as cursor:
        for table in written_into:
            if connection.vendor == "postgresql":  # COPY's own text: every type round-trips
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    written[table] = b"".join(copy)
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")
                written[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return written


def _copy_back(written: dict[str, Any]) -> None:
    # One transaction: the foreign keys are checked at its end, whatever the tables' order.
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in written.items():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(data)
            else:
                columns, rows = data
                names = ", ".join(map(quote, columns))
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in written
        ]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
