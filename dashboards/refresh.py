"""Refreshing the aggregates: in full, or for what the pending outbox rows touched.

Either way it is one transaction: readers see the old figures or the new ones, never a mix,
and a crash half-way leaves the old figures and the outbox rows for the next try.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from startups.models import PendingRefresh
from startups.statement_timeout import extend_statement_timeout

from . import aggregates, co_investments, investor_aggregates
from .aggregates import WRITE_BATCH
from .amend import analyse, fresh_table, replace_rows
from .aside import tables_aside
from .freshness import latest_event
from .models import (
    AggregateState,
    DatasetTotal,
    InvestorPeriodStat,
    InvestorRound,
    InvestorTotal,
    PeriodKind,
    ProductPeriodStat,
    UnicornMembership,
    UnicornPeriodStat,
    ValuationPoint,
)
from .periods import periods_between

logger = logging.getLogger(__name__)

# Outbox rows applied per refresh; the rest wait for the next one (seconds away).
PENDING_PER_REFRESH = 1000
# Any constant that identifies this lock among the database's advisory locks.
REFRESH_LOCK_KEY = 4_217_001
# The temporary tables a full refresh computes the investor rounds and cells into.
FRESH_ROUNDS = "tmp_investor_rounds"
FRESH_STATS = "tmp_investor_stats"


@dataclass
class RefreshResult:
    full: bool
    applied: int  # outbox rows applied
    data_version: int
    seconds: float


def refresh_full() -> RefreshResult:
    """Recompute every aggregate from the deals."""
    return _refresh(full=True)


def refresh_pending() -> RefreshResult | None:
    """Apply the pending outbox rows; None when there were none."""
    return _refresh(full=False)


def _refresh(*, full: bool) -> RefreshResult | None:
    started = timezone.now()
    with transaction.atomic():
        _serialize_refreshes()
        pending = list(
            PendingRefresh.objects.select_for_update(skip_locked=True).order_by("pk")[
                :PENDING_PER_REFRESH
            ]
        )
        if not full and not pending:
            return None
        state, _ = AggregateState.objects.select_for_update().get_or_create(pk=1)
        full = full or any(row.full for row in pending)
        version = max([state.data_version, *(row.pk for row in pending)])
        stamp = {"computed_at": started, "data_version": version}
        if full:
            recompute_everything(stamp)
        else:
            recompute_touched({pk for row in pending for pk in row.startup_ids}, stamp)
        PendingRefresh.objects.filter(pk__in=[row.pk for row in pending]).delete()
        state.computed_at, state.data_version = started, version
        state.latest_event_on, state.latest_event_precision = latest_event()
        state.generation += 1
        state.save()
    seconds = (timezone.now() - started).total_seconds()
    logger.info(
        "aggregates refreshed (%s, %d pending applied) in %.2f s",
        "full" if full else "incremental",
        len(pending),
        seconds,
    )
    return RefreshResult(full, len(pending), version, seconds)


def _serialize_refreshes() -> None:
    """One refresh at a time across all workers (SQLite serialises writers by itself).

    The refresh's GROUP BYs and joins sort and hash millions of rows: with PostgreSQL's
    default work_mem (4 MB) they spill to disk. REFRESH_WORK_MEM raises it for this
    transaction only (docs/benchmarks.md), and its statements get the long statement timeout
    instead of the web's."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK_KEY])
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.REFRESH_WORK_MEM])
            extend_statement_timeout(cursor)


def recompute_everything(stamp: dict) -> None:
    """Every aggregate: the big ones computed into temporary tables and written where they
    changed (dashboards.amend), the others written aside and swapped in together at the end."""
    with tables_aside() as aside:
        rounds_select, params = investor_aggregates.investor_rounds_select(None)
        rounds = fresh_table(FRESH_ROUNDS, rounds_select, params)
        analyse(FRESH_ROUNDS)
        stats = fresh_table(FRESH_STATS, investor_aggregates.investor_stats_select(FRESH_ROUNDS))
        investor_aggregates.investor_totals_insert(
            None, stamp, into=aside(InvestorTotal), stats=FRESH_STATS
        )
        co_investments.co_investments_write(stamp, aside, rounds=FRESH_ROUNDS)
        replace_rows(InvestorRound, FRESH_ROUNDS, rounds, ("investor_id", "round_id"), stamp, aside)
        replace_rows(
            InvestorPeriodStat,
            FRESH_STATS,
            stats,
            ("investor_id", "period_kind", "period_start"),
            stamp,
            aside,
        )
        for table in (FRESH_ROUNDS, FRESH_STATS):
            aggregates.execute(f"DROP TABLE {table}", [])
        points = aside(ValuationPoint)
        aggregates.valuation_points_insert(None, stamp, into=points)
        _all_unicorns(stamp, aside, points)
        ProductPeriodStat.objects.all().delete()
        ProductPeriodStat.objects.bulk_create(aggregates.product_stats(None, stamp), WRITE_BATCH)
        ProductPeriodStat.objects.bulk_create(aggregates.product_totals(stamp), WRITE_BATCH)
        _dataset_total(stamp)


def _dataset_total(stamp: dict) -> None:
    DatasetTotal.objects.all().delete()
    aggregates.dataset_total(stamp).save()


def recompute_touched(startups: set[int], stamp: dict) -> None:
    """Only what the touched startups feed into.

    Whose investor figures and pairs moved is read from the startups' investor rounds, as
    they were and as they are: that names the investors of a deleted round or a removed stake
    too, and the periods a round left. (The outbox also lists touched investors; an
    investor's own record feeds no aggregate but through its place in the affiliate tree,
    and a move there asks for a full refresh.)
    """
    before = investor_aggregates.investor_rounds_of(startups)
    cells_before = investor_aggregates.cells_of(startups)
    InvestorRound.objects.filter(startup_id__in=startups).delete()
    investor_aggregates.investor_rounds_insert(startups, stamp)
    after = investor_aggregates.investor_rounds_of(startups)
    moved = investor_aggregates.cells_move(
        cells_before, investor_aggregates.cells_of(startups), stamp
    )
    InvestorTotal.objects.filter(investor_id__in=moved).delete()
    investor_aggregates.investor_totals_insert(moved, stamp)
    co_investments.co_investments_update(before, after, stamp)

    if startups:
        ValuationPoint.objects.filter(startup_id__in=startups).delete()
        aggregates.valuation_points_insert(startups, stamp)
        ProductPeriodStat.objects.filter(
            Q(startup_id__in=startups) | Q(startup__isnull=True)
        ).delete()
        ProductPeriodStat.objects.bulk_create(
            aggregates.product_stats(startups, stamp), WRITE_BATCH
        )
        ProductPeriodStat.objects.bulk_create(aggregates.product_totals(stamp), WRITE_BATCH)
        _unicorns(startups, stamp)
    _dataset_total(stamp)


def unicorn_periods(kind: str, first: dt.date | None) -> list[tuple[dt.date, dt.date]]:
    """From the period of the first valuation to the current one."""
    return periods_between(kind, first, timezone.now().date()) if first else []


def _unicorns(startups: set[int], stamp: dict) -> None:
    """The touched startups' memberships, and the periods where they changed edited in
    place; all of them again when periods were added (time moved on, or earlier data) or a
    stored one is missing."""
    first = aggregates.first_valuation()
    periods = {kind: unicorn_periods(kind, first) for kind in PeriodKind.values}
    if all(
        _same_periods(kind, periods[kind])
        and _unicorns_touched(kind, periods[kind], startups, stamp)
        for kind in PeriodKind.values
    ):
        return
    with tables_aside() as aside:
        _all_unicorns(stamp, aside, ValuationPoint._meta.db_table)


def _all_unicorns(stamp: dict, aside, points: str) -> None:
    """Every membership and period, from the valuation points in the table `points`."""
    first = aggregates.first_valuation(points)
    periods = {kind: unicorn_periods(kind, first) for kind in PeriodKind.values}
    members = aside(UnicornMembership)
    for kind in PeriodKind.values:
        aggregates.unicorn_members_insert(
            kind, periods[kind], None, stamp, into=members, points=points
        )
    UnicornPeriodStat.objects.all().delete()
    for kind in PeriodKind.values:
        UnicornPeriodStat.objects.bulk_create(
            aggregates.unicorn_periods(kind, periods[kind], stamp, memberships=members),
            WRITE_BATCH,
        )


def _same_periods(kind: str, periods: list) -> bool:
    stored = UnicornPeriodStat.objects.filter(period_kind=kind).aggregate(
        first=Min("period_end"), last=Max("period_end")
    )
    return bool(periods) and (stored["first"], stored["last"]) == (periods[0][1], periods[-1][1])


def _unicorns_touched(kind: str, periods: list, startups: set[int], stamp: dict) -> bool:
    """The touched startups' memberships again, and the periods where they changed edited;
    False when the stored periods cannot be edited (then all are recomputed)."""
    members = UnicornMembership.objects.filter(period_kind=kind, startup_id__in=startups)
    read = ("period_end", "slug", "valued_on", "date_precision")
    before = aggregates.member_keys(members.values_list(*read))
    members.delete()
    aggregates.unicorn_members_insert(kind, periods, startups, stamp)
    after = aggregates.member_keys(members.values_list(*read))
    return aggregates.unicorn_periods_update(kind, periods, before, after, stamp)
