"""Periods: the SQL that truncates a date to its year or quarter on each database, and the
list of periods from the first date with data to today (built here, since SQLite has no
generate_series)."""

import datetime as dt

from django.db import connection

from startups.vocab import period_end

from .models import PeriodKind


def truncate_sql(kind: str, column: str) -> str:
    """SQL for the first day of the year or quarter holding `column`, as a date.

    A literal `%` in SQL text is written `%%`: the statement always runs with a parameter
    list (even an empty one), which is what makes every backend, and Django's SQL log under
    DEBUG, read `%%` as one `%` instead of a placeholder."""
    if connection.vendor == "postgresql":
        return f"CAST(DATE_TRUNC('{kind}', {column}) AS DATE)"
    if kind == PeriodKind.YEAR:
        return f"strftime('%%Y-01-01', {column})"
    month = f"((CAST(strftime('%%m', {column}) AS INTEGER) - 1) / 3) * 3 + 1"
    return f"(strftime('%%Y-', {column}) || printf('%%02d', {month}) || '-01')"


# Finer first: a day known to the day sorts before the same day known to the month.
PRECISIONS = ("day", "month", "quarter", "year")


def dated_key_sql(day: str, precision: str) -> str:
    """SQL for a number that orders (day, precision) pairs by day, then finer first: the MIN
    of such keys is the earliest day at its finest precision, the MAX the latest day at its
    coarsest (a month-precision round may fall on any day of its month)."""
    if connection.vendor == "postgresql":
        days = f"({day} - DATE '0001-01-01')"
    else:
        days = f"CAST(julianday({day}) AS INTEGER)"
    ranks = " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(PRECISIONS))
    return f"({days} * {len(PRECISIONS)} + CASE {precision} {ranks} END)"


def day_of_key_sql(key: str) -> str:
    """SQL for the day a dated_key_sql number carries."""
    days = f"({key}) / {len(PRECISIONS)}"
    if connection.vendor == "postgresql":
        return f"(DATE '0001-01-01' + CAST({days} AS INTEGER))"
    # julianday() of a date is its noon; the key kept the whole day number.
    return f"date({days} + 0.5)"


def precision_of_key(key: int) -> str:
    """The precision a dated_key_sql number carries."""
    return PRECISIONS[key % len(PRECISIONS)]


def precision_of_key_sql(key: str) -> str:
    """SQL for the precision a dated_key_sql number carries (run with a parameter list: the
    modulo is written %%)."""
    ranks = " ".join(f"WHEN {rank} THEN '{name}'" for rank, name in enumerate(PRECISIONS))
    return f"CASE ({key}) %% {len(PRECISIONS)} {ranks} END"


def as_date(value) -> dt.date:
    """SQLite returns the truncated date as text, PostgreSQL as a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def period_start(kind: str, day: dt.date) -> dt.date:
    if kind == PeriodKind.YEAR:
        return dt.date(day.year, 1, 1)
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def next_period(kind: str, start: dt.date) -> dt.date:
    if kind == PeriodKind.YEAR:
        return dt.date(start.year + 1, 1, 1)
    month = start.month + 3
    return dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def periods_between(kind: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(start, end) of every period from the one holding `first` to the one holding `last`."""
    periods, start = [], period_start(kind, first)
    while start <= last:
        periods.append((start, period_end(start, kind)))
        start = next_period(kind, start)
    return periods


def values_table(name: str, rows: list[tuple[dt.date, dt.date]]) -> tuple[str, list]:
    """A CTE of (period_start, period_end) rows that both databases accept."""
    cast = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(f"({cast}, {cast})" for _ in rows)
    params = [day.isoformat() for row in rows for day in row]
    return f"{name}(period_start, period_end) AS (VALUES {values})", params
