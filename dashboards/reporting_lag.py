"""Reporting lag: rounds surface weeks or months after they are announced, so the latest
periods of every chart are probably incomplete. How incomplete is estimated from the data's
own pairs of a round's announce date and the date it was first reported (the earliest
`published_on` of its sources), as plain functions of those pairs. Claims' `reported_on` is
not used: a row's own claim takes the round's date when its source is undated
(docs/evidence.md), which would read as a report on the day of the announcement.

The estimate for a period, as of a day T: a round announced on day t of the period has been
reported by T with probability F(T - t), F being the empirical distribution of lags; the
period's completeness is the mean of F(T - t) over its days up to T (rounds assumed spread
evenly over them). The lags are those of rounds already reported, so long lags of recent
rounds are missing from them: the estimate leans optimistic.
"""

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, OuterRef, Subquery

from deals.models import FundingRound
from startups.vocab import DatePrecision

# Fewer pairs than this say too little about the lag to estimate anything.
MIN_PAIRS = 10
# Periods whose estimated completeness is below this are shaded as probably incomplete.
INCOMPLETE_BELOW = 0.9
# The latest rounds the lags are measured on: recent reporting habits, read in one index walk.
LAG_SAMPLE = 5000


def reporting_lags(pairs: Iterable[tuple[dt.date, dt.date]]) -> list[int]:
    """Days from announcement to first report of each (announced_on, first_reported_on)
    pair, sorted; a report before the announcement (a leak) counts as no lag."""
    return sorted(max((reported - announced).days, 0) for announced, reported in pairs)


def share_reported_within(lags: list[int], days: int) -> float:
    """The empirical CDF of the sorted `lags`: the share reported within `days` days."""
    if days < 0 or not lags:
        return 0.0
    return bisect_right(lags, days) / len(lags)


def period_completeness(
    lags: list[int], start: dt.date, end: dt.date, as_of: dt.date
) -> float | None:
    """The share of a period's rounds likely reported by `as_of`: the mean, over the
    period's days up to `as_of`, of the share reported within the days since. None for a
    period that starts after `as_of`."""
    last = min(end, as_of)
    if start > last:
        return None
    days = (last - start).days + 1
    waited = (as_of - last).days
    return sum(share_reported_within(lags, waited + d) for d in range(days)) / days


@dataclass(frozen=True)
class PeriodEstimate:
    start: dt.date
    end: dt.date
    completeness: float


def incomplete_periods(
    lags: list[int], periods: Iterable[tuple[dt.date, dt.date]], as_of: dt.date
) -> list[PeriodEstimate]:
    """The periods (start, end) whose estimated completeness is below INCOMPLETE_BELOW;
    none when there are fewer than MIN_PAIRS lags to estimate from."""
    if len(lags) < MIN_PAIRS:
        return []
    found = []
    for start, end in periods:
        completeness = period_completeness(lags, start, end, as_of)
        if completeness is not None and completeness < INCOMPLETE_BELOW:
            found.append(PeriodEstimate(start, end, completeness))
    return found


def announce_report_pairs(limit: int = LAG_SAMPLE) -> list[tuple[dt.date, dt.date]]:
    """(announced_on, first published_on of its sources) of the latest `limit` rounds known
    to the day that have a dated source: a round known only to the month or year has no lag
    in days."""
    first_report = (
        FundingRound.sources.through.objects.filter(
            fundinground_id=OuterRef("pk"), source__published_on__isnull=False
        )
        .values("fundinground_id")
        .annotate(first=Min("source__published_on"))
        .values("first")
    )
    latest = FundingRound.objects.filter(date_precision=DatePrecision.DAY).order_by(
        "-announced_on", "-pk"
    )[:limit]
    return [
        (announced, reported)
        for announced, reported in FundingRound.objects.filter(pk__in=latest.values("pk"))
        .annotate(first_reported_on=Subquery(first_report))
        .values_list("announced_on", "first_reported_on")
        if reported is not None
    ]
