"""How current the data is, in three times that mean different things:

- `latest_event_on`: the date of the latest round, valuation mark or compute deal, as of the
  last refresh (so that it describes the figures shown); a partial date is stored as the first
  day of its month, quarter or year and comes with its precision;
- `last_changed_at`: the last write to any record (an insert, edit or deletion: every one
  leaves a history row), read live;
- `computed_at`: when the aggregates were last refreshed.

Each is answered from an indexed MAX or from the refresh state, never by scanning a table.
"""

import datetime as dt

from django.apps import apps
from django.db import connections, router
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from deals.models import ComputeDeal, FundingRound, ValuationMark
from startups.models import TimeStamped

from .periods import PRECISIONS

# The dated records whose latest date is "the latest event", with their date column.
EVENTS: tuple[tuple[type[Model], str], ...] = (
    (FundingRound, "announced_on"),
    (ValuationMark, "valued_on"),
    (ComputeDeal, "announced_on"),
)


def latest_event() -> tuple[dt.date | None, str]:
    """The latest event's stored date and precision ("" when there is none). Of events on
    the same stored date, the coarsest precision wins: a round known only to the month may
    fall on any day of it, so "2026-02" says more truthfully how late the data reaches than
    "2026-02-01". Two small queries per kind of event, run by the refresh."""
    found: list[tuple[dt.date, str]] = []
    for model, column in EVENTS:
        latest = model.objects.aggregate(latest=Max(column))["latest"]
        if latest is None:
            continue
        # Unordered: the models' default order joins the startup to sort by its name.
        precisions = (
            model.objects.filter(**{column: latest})
            .order_by()
            .values_list("date_precision", flat=True)
            .distinct()
        )
        found += [(latest, precision) for precision in precisions]
    if not found:
        return None, ""
    return max(found, key=lambda event: (event[0], PRECISIONS.index(event[1])))


def _change_columns() -> list[tuple[str, str]]:
    """(table, column) of every write time: each record's `updated_at` and each history
    table's `history_date` (which alone remembers deletions). Both columns are indexed."""
    columns = []
    for model in apps.get_models():
        if issubclass(model, TimeStamped):
            columns.append((model._meta.db_table, "updated_at"))
        elif any(f.name == "history_date" for f in model._meta.concrete_fields):
            columns.append((model._meta.db_table, "history_date"))
    return sorted(columns)


def last_changed_at() -> dt.datetime | None:
    """The time of the last write to any record: one statement of indexed MAXes, on the
    database the request reads (a replica when it has one), so that the time shown is that of
    the data shown, not the primary's newer one."""
    connection = connections[router.db_for_read(FundingRound)]
    quote = connection.ops.quote_name
    branches = " UNION ALL ".join(
        f"SELECT MAX({quote(column)}) AS changed FROM {quote(table)}"
        for table, column in _change_columns()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(changed) FROM ({branches}) AS changes", [])
        (latest,) = cursor.fetchone()
    if isinstance(latest, str):  # SQLite returns the text it stores, in UTC
        latest = parse_datetime(latest)
    if latest is not None and timezone.is_naive(latest):
        latest = timezone.make_aware(latest, dt.UTC)
    return latest
