"""Reads of the unicorns for the pages: who was one on any day, the most valuable ones'
valuation histories, and the counts per period with who joined and who left. A fixed, small
number of queries over the aggregates each."""

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery

from deals.models import Participation
from startups.models import Startup

from .aggregates import UNICORN_USD
from .models import UnicornMembership, UnicornPeriodStat, ValuationPoint
from .selectors import valuation_point_row, valuation_sources

# Valuation histories the chart draws at most.
VALUATION_LINES = 10
MEMBERSHIP_PAGE = 500


def unicorns_on(day: dt.date) -> QuerySet[Startup]:
    """The unicorns of any day, as the unicorn aggregates count them at a period's end: AI
    startups not listed by then whose valuation in force that day (the latest valuation point
    on or before it, ties in the aggregates' order) is $1B or more."""
    in_force = Subquery(
        ValuationPoint.objects.filter(startup=OuterRef("pk"), valued_on__lte=day)
        # The reverse of the order in which the aggregates' LEAD window lets the last one hold.
        .order_by("-valued_on", "-mark_id", "-round_id")
        .values("valuation_usd")[:1]
    )
    return (
        Startup.objects.filter(is_ai=True)
        .filter(Q(ipo_date__isnull=True) | Q(ipo_date__gt=day))
        .annotate(valuation_in_force=in_force)
        .filter(valuation_in_force__gte=UNICORN_USD)
    )


def most_valuable_unicorns(limit: int) -> list[int]:
    """Ids of the `limit` startups with the highest valuation as unicorns: the first ones met
    walking down the valuation index (a startup first appears at its peak), a few hundred rows
    at most instead of a GROUP BY over every membership."""
    walk = UnicornMembership.objects.order_by("-valuation_usd", "startup_id").values_list(
        "startup_id", flat=True
    )
    found: list[int] = []
    start = 0
    while len(found) < limit:
        # Pages of the index (LIMIT/OFFSET): a server-side cursor would read it all.
        page = list(walk[start : start + MEMBERSHIP_PAGE])
        found.extend(dict.fromkeys(i for i in page if i not in found))
        if len(page) < MEMBERSHIP_PAGE:
            break
        start += MEMBERSHIP_PAGE
    return found[:limit]


def unicorn_valuations(limit: int = VALUATION_LINES) -> list[dict]:
    """Valuation histories of the startups that have been unicorns (the `limit` most valuable),
    each mark with its round, leads and sources: four queries."""
    return valuation_histories(most_valuable_unicorns(limit))


def valuation_histories(startups) -> list[dict]:
    """Valuation histories of `startups` (ids, or a query of them), most valuable first, each
    mark with its round, leads and sources: four queries."""
    points = list(
        ValuationPoint.objects.filter(startup_id__in=startups)
        .select_related("startup", "round", "mark")
        .order_by("startup_id", "valued_on", "mark_id", "round_id")
    )
    round_ids = [p.round_id for p in points if p.round_id]
    leads: dict[int, list[dict]] = {}
    for part in (
        Participation.objects.filter(round_id__in=round_ids, is_lead=True)
        .select_related("investor")
        .order_by("investor__name_en")
    ):
        leads.setdefault(part.round_id, []).append(
            {
                "slug": part.investor.slug,
                "name_en": part.investor.name_en,
                "name_zh": part.investor.name_zh,
            }
        )
    round_sources, mark_sources = valuation_sources(points)
    series: dict[int, dict] = {}
    for point in points:
        startup = point.startup
        entry = series.setdefault(
            startup.pk,
            {
                "slug": startup.slug,
                "name_en": startup.name_en,
                "name_zh": startup.name_zh,
                "ipo_date": startup.ipo_date,
                "points": [],
            },
        )
        entry["points"].append(valuation_point_row(point, round_sources, mark_sources, leads))
    return sorted(series.values(), key=lambda s: -max(p["valuation_usd"] for p in s["points"]))


def unicorn_counts(kind: str, members: bool = False) -> list[dict]:
    """Unicorns at each period's end, with who joined and who left: two queries.

    For the chart, the first few who joined or left, named, and how many in all; with
    `members` (the chart's CSV), every slug, the period's whole membership included.
    """
    if members:
        periods = list(
            UnicornPeriodStat.objects.filter(period_kind=kind)
            .order_by("period_end")
            .values(
                "period_start",
                "period_end",
                "count",
                "stale",
                "joined",
                "left",
                "startups",
                "stale_startups",
            )
        )
        for period in periods:
            for change in ("joined", "left"):
                period[change] = [{"slug": slug} for slug in period[change]]
        return periods
    periods = list(
        UnicornPeriodStat.objects.filter(period_kind=kind)
        .order_by("period_end")
        .values(
            "period_start",
            "period_end",
            "count",
            "stale",
            "joined_count",
            "left_count",
            "joined_first",
            "left_first",
            "stale_first",
        )
    )
    named = ("joined_first", "left_first", "stale_first")
    slugs = {slug for p in periods for column in named for slug in p[column]}
    names = {
        s["slug"]: s
        for s in Startup.objects.filter(slug__in=slugs).values("slug", "name_en", "name_zh")
    }
    for period in periods:
        for column in named:
            period[column] = [
                names.get(slug, {"slug": slug, "name_en": slug}) for slug in period[column]
            ]
        for change in ("joined", "left"):
            period[change] = period.pop(f"{change}_first")
    return periods
