"""The profile headers and the directories' rows: a startup's and an investor's figures at a
glance. A header reads its record's own directory row (dashboards.directory_tables), so that a
profile and the directory never disagree, and takes the rest from what its page has read."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F

from deals.models import FundingRound, Investor, ValuationMark
from startups.models import Startup

from .directory_tables import investor_figures, startup_figures, with_bounds
from .selectors import figure_sources
from .staleness import is_stale, stale_after_months
from .unicorn_selectors import valuation_histories

# The AI share is also given over the years since this one: the window of the published AI
# shares the article compares with (ITJuzi's, from 2023-01-01).
AI_SHARE_SINCE = 2023
# Valuation histories a tag's chart draws at most (the most valuable): past ten, the lines
# cannot be told apart; the table below the chart lists every startup of the tag.
TAG_CHART_LINES = 10


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Calendar months from one date to another: 2025-03 to 2026-12 is 21."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def startup_summary(detail: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The startup page's header, from the startup_detail already read plus its directory row
    (one query): latest valuation with its date, age and staleness; capital raised with its
    bound and how many rounds disclose it; last round; lead investors, latest first."""
    startup = detail["startup"]
    (row,) = with_bounds([startup_figures(Startup.objects.filter(pk=startup.pk)).get()], "startup")
    latest = next(
        (
            point
            for point in reversed(detail["valuations"])
            if (point["round_id"], point["mark_id"])
            == (row.valuation_round_id, row.valuation_mark_id)
        ),
        None,
    )
    leads: dict[str, Any] = {}
    for funding_round in detail["rounds"]:
        for part in funding_round.participations.all():
            if part.is_lead:
                leads.setdefault(part.investor.slug, part.investor)
    return {
        "valuation": latest,
        "valuation_months": months_between(latest["date"], today) if latest else None,
        "stale_months": stale_after_months(),
        "valuation_stale": bool(latest)
        and is_stale(latest["date"], latest["date_precision"], today),
        "raised_usd": row.raised_usd,
        "raised_qualifier": row.raised_qualifier,
        "rounds_disclosed": row.rounds_disclosed,
        "round_count": row.round_count,
        "last_round": detail["rounds"][0] if detail["rounds"] else None,
        "leads": list(leads.values()),
    }


# The participations table's optional columns, and what a participation shows in each.
PARTICIPATION_COLUMNS = {
    "amount": lambda part: part.amount is not None,
    "stake": lambda part: part.stake_percent is not None,
    "credits": lambda part: part.compute_credit_amount is not None,
    "sources": lambda part: bool(part.sources.all()),
    "notes": lambda part: bool(part.notes),
}


def compact_rounds(rounds: list[FundingRound]) -> list[FundingRound]:
    """Each round (participations and their sources prefetched) with the participation
    columns it shows: those where at least one of its participations has something."""
    for funding_round in rounds:
        parts = funding_round.participations.all()
        funding_round.shown_columns = {
            name: any(has(part) for part in parts) for name, has in PARTICIPATION_COLUMNS.items()
        }
    return rounds


def _share(ai: int, deals: int) -> Decimal | None:
    return Decimal(ai) / Decimal(deals) if deals else None


def investor_summary(investor: Investor, stats: list[dict], today: dt.date) -> dict[str, Any]:
    """The investor page's header: its directory row (one query: deals, capital, own
    contribution and credits with their bounds, portfolio, unicorns in it, listed exits) and
    its AI share in the latest year and since AI_SHARE_SINCE, from the page's year rows."""
    (row,) = with_bounds(
        [investor_figures(Investor.objects.filter(pk=investor.pk), today).get()], "investor"
    )
    latest = stats[-1] if stats else None
    recent = [stat for stat in stats if stat["period_start"].year >= AI_SHARE_SINCE]
    recent_deals = sum(stat["deals_total"] for stat in recent)
    recent_ai = sum(stat["deals_ai"] for stat in recent)
    return {
        "row": row,
        "latest_year": latest["period_start"].year if latest else None,
        "latest_deals": latest["deals_total"] if latest else 0,
        "latest_ai": latest["deals_ai"] if latest else 0,
        "latest_share": _share(latest["deals_ai"], latest["deals_total"]) if latest else None,
        "since": AI_SHARE_SINCE,
        "since_deals": recent_deals,
        "since_ai": recent_ai,
        "since_share": _share(recent_ai, recent_deals),
    }


def directory_rows(rows: list, kind: str, today: dt.date) -> list:
    """A directory page's rows with their sums' bounds; startups also with their latest
    valuation's sources (two queries at most) and whether it is stale on `today`."""
    rows = with_bounds(rows, kind)
    if kind != "startup":
        return rows
    round_sources = figure_sources(
        FundingRound,
        [row.valuation_round_id for row in rows if row.valuation_round_id],
        "post_money_valuation",
    )
    mark_sources = figure_sources(
        ValuationMark, [row.valuation_mark_id for row in rows if row.valuation_mark_id], "value"
    )
    for row in rows:
        if row.valuation_round_id:
            row.valuation_sources = round_sources.get(row.valuation_round_id, [])
        else:
            row.valuation_sources = mark_sources.get(row.valuation_mark_id, [])
        row.valuation_stale = row.valuation_on is not None and is_stale(
            row.valuation_on, row.valuation_precision, today
        )
    return rows


def tag_valuations(tag: str, limit: int = TAG_CHART_LINES) -> tuple[list[dict], int]:
    """The valuation histories of a tag's `limit` most valuable startups (by their latest
    valuation), and how many of its startups have a valuation at all."""
    valued = list(
        startup_figures(Startup.objects.filter(tags__slug=tag))
        .filter(valuation_usd__isnull=False)
        .order_by(F("valuation_usd").desc(), "name_en")
        .values_list("pk", flat=True)
    )
    return valuation_histories(valued[:limit]), len(valued)
