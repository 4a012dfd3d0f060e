"""Reads for pages and the statistics API: from the aggregates, cached per generation."""

import datetime as dt
import logging
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from redis.exceptions import RedisError

from deals.claim_models import RECORD_FIELDS, Claim
from deals.evidence import FIGURES
from deals.models import FundingRound, Investor, ReportedMetric, ValuationMark
from deals.selectors import rounds_joined_by
from startups.models import PendingRefresh, Source, Startup
from startups.sectors import DEFAULT_AI_DEFINITION
from startups.vocab import period_end

from .citations import citations_of
from .freshness import last_changed_at
from .investor_aggregates import AI_COUNTS, SHARE
from .models import (
    AggregateState,
    CoInvestment,
    InvestorPeriodStat,
    InvestorRound,
    UnicornPeriodStat,
    ValuationPoint,
)
from .periods import period_start

logger = logging.getLogger(__name__)
CACHE_SECONDS = 60 * 60 * 24
# What a cache outage raises: a miss, never an error page.
CACHE_ERRORS = (RedisError, OSError)


def data_status() -> dict[str, Any]:
    """How current the figures are (dashboards.freshness: the latest event they include, the
    last edit of any record, when they were computed), and whether changes wait to be
    applied. Three queries, each an indexed lookup."""
    state = AggregateState.objects.filter(pk=1).first()
    return {
        "latest_event_on": state.latest_event_on if state else None,
        "latest_event_precision": state.latest_event_precision if state else "",
        "last_changed_at": last_changed_at(),
        "computed_at": state.computed_at if state else None,
        "data_version": state.data_version if state else 0,
        # The refresh's time too: a restored or recreated database may repeat a number.
        "generation": f"{state.generation}-{state.computed_at.timestamp()}" if state else "0",
        "refresh_pending": PendingRefresh.objects.exists(),
    }


def cached(generation: str, name: str, compute: Callable[[], Any], *key: Any) -> Any:
    """`compute()` once per refresh generation. A cache outage only costs a recomputation."""
    cache_key = ":".join(["chart", str(generation), name, *map(str, key)])
    try:
        found = cache.get(cache_key)
    except CACHE_ERRORS as error:
        logger.warning("cache read failed (%s); reading the aggregates", error)
        found = None
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(cache_key, value, CACHE_SECONDS)
    except CACHE_ERRORS as error:  # a failed write only means the next read recomputes
        logger.warning("cache write failed (%s)", error)
    return value


def ai_deal_share(
    investor: Investor,
    kind: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    definition: str = DEFAULT_AI_DEFINITION,
) -> list[dict]:
    """The investor's deals per period and how many of them are AI under `definition`,
    counting only the days from `since` to `until`.

    Whole periods are read from the cells; a period that `since` or `until` cuts is counted
    from the investor's rounds within the cut (an index range of one investor's rows, at most
    two periods' worth), so the figures keep to the window asked for."""
    deals_ai, ai_share, flag = AI_COUNTS[definition]
    stats = InvestorPeriodStat.objects.filter(investor=investor, period_kind=kind)
    if since:
        stats = stats.filter(period_start__gte=period_start(kind, since))
    if until:
        stats = stats.filter(period_start__lte=until)
    rows = []
    for stat in stats.order_by("period_start"):
        first, last = stat.period_start, period_end(stat.period_start, kind)
        counted = (max(first, since or first), min(last, until or last))
        if counted == (first, last):
            figures = (stat.deals_total, getattr(stat, deals_ai), stat.deals_disclosed)
            share = getattr(stat, ai_share)
        else:
            figures, share = _deals_within(investor, *counted, flag)
            if not figures[0]:
                continue
        rows.append(
            {
                "investor": investor.slug,
                "period": kind,
                "period_start": stat.period_start,
                "counted_from": counted[0],
                "counted_until": counted[1],
                "ai_definition": definition,
                "deals_total": figures[0],
                "deals_ai": figures[1],
                "ai_share": share,
                "deals_disclosed": figures[2],
            }
        )
    return rows


def _deals_within(
    investor: Investor, first: dt.date, last: dt.date, flag: str
) -> tuple[tuple[int, int, int], Decimal | None]:
    """(deals, AI deals, deals disclosed) of the investor's rounds from `first` to `last`,
    and the AI share rounded as the cells round it."""
    counts = InvestorRound.objects.filter(
        investor_id=investor.pk, announced_on__range=(first, last)
    ).aggregate(
        total=Count("pk"), ai=Count("pk", filter=Q(**{flag: True})), disclosed=Count("amount_usd")
    )
    share = None
    if counts["total"]:
        ratio = Decimal(counts["ai"]) / Decimal(counts["total"])
        share = ratio.quantize(SHARE, rounding=ROUND_HALF_UP)
    return (counts["total"], counts["ai"], counts["disclosed"]), share


def compute_share(investor: Investor, kind: str) -> list[dict]:
    stats = InvestorPeriodStat.objects.filter(investor=investor, period_kind=kind)
    return [
        {
            "investor": investor.slug,
            "period": kind,
            "period_start": s.period_start,
            "deals_total": s.deals_total,
            "deals_disclosed": s.deals_disclosed,
            "capital_usd": s.capital_usd,
            "capital_qualifier": s.capital_qualifier,
            "own_contribution_usd": s.own_contribution_usd,
            "own_contribution_qualifier": s.own_contribution_qualifier,
            "own_contribution_disclosed": s.own_contribution_disclosed,
            "compute_credits_usd": s.compute_credits_usd,
            "compute_credits_qualifier": s.compute_credits_qualifier,
            "compute_credits_disclosed": s.compute_credits_disclosed,
        }
        for s in stats.order_by("period_start")
    ]


def valuation_series(startup: Startup) -> list[dict]:
    points = list(
        ValuationPoint.objects.filter(startup=startup)
        .select_related("round", "mark")
        .order_by("valued_on", "mark_id", "round_id")
    )
    round_sources, mark_sources = valuation_sources(points)
    return [valuation_point_row(point, round_sources, mark_sources) for point in points]


def valuation_sources(points) -> tuple[dict[int, list[Source]], dict[int, list[Source]]]:
    """The pages behind each valuation point's figure: (by round, by valuation mark)."""
    return (
        figure_sources(
            FundingRound, [p.round_id for p in points if p.round_id], "post_money_valuation"
        ),
        figure_sources(ValuationMark, [p.mark_id for p in points if p.mark_id], "value"),
    )


def figure_sources(model, ids: list[int], name: str) -> dict[int, list[Source]]:
    """The sources behind one figure of many records, in two queries: the pages whose claims
    state the value each record holds (its accepted claim's, and any that agree with it to
    the letter), so that a figure another page gave links to that page, not to the record's
    own; a record whose figure no claim states (none recorded yet) links to its own."""
    own = sources_by_owner(model, ids)
    if not ids:
        return own
    record = RECORD_FIELDS[model.CLAIM_KIND]
    figure = FIGURES[model.CLAIM_KIND][name]
    holds = {"value": F(f"{record}__{figure.value}")}
    if figure.currency:
        holds["currency"] = F(f"{record}__{figure.currency}")
    stating: dict[int, list[Source]] = {}
    for claim in (
        Claim.objects.filter(**{f"{record}_id__in": ids}, field=name, **holds)
        .filter(qualifier=F(f"{record}__{figure.qualifier}"))
        .select_related("source")
        .order_by("source__url")
    ):
        stating.setdefault(getattr(claim, f"{record}_id"), []).append(claim.source)
    return {pk: stating.get(pk) or own.get(pk, []) for pk in {*own, *stating}}


def sources_by_owner(model, ids: list[int]) -> dict[int, list[Source]]:
    """Sources of many records of one model, in one query."""
    if not ids:
        return {}
    through = model.sources.through
    owner = model._meta.model_name + "_id"
    found: dict[int, list[Source]] = {}
    for link in (
        through.objects.filter(**{f"{owner}__in": ids})
        .select_related("source")
        .order_by("source__url")
    ):
        found.setdefault(getattr(link, owner), []).append(link.source)
    return found


def valuation_point_row(
    point: ValuationPoint,
    round_sources: dict[int, list[Source]],
    mark_sources: dict[int, list[Source]],
    leads: dict[int, list] | None = None,
) -> dict:
    """One valuation of a series, with what it stands for and its sources."""
    sources = (
        round_sources.get(point.round_id, [])
        if point.round_id
        else mark_sources.get(point.mark_id, [])
    )
    return {
        "date": point.valued_on,
        "date_precision": point.date_precision,
        "valuation_usd": point.valuation_usd,
        "qualifier": point.qualifier,
        "round_id": point.round_id,
        "mark_id": point.mark_id,
        "round": point.round.round_label if point.round else None,
        "kind": "round" if point.round_id else point.mark.kind,
        "leads": (leads or {}).get(point.round_id, []),
        "source_urls": [source.url for source in sources],
        "citations": citations_of(sources),
    }


def unicorns(kind: str) -> list[dict]:
    return [
        {
            "period_start": u.period_start,
            "period_end": u.period_end,
            "count": u.count,
            "stale": u.stale,
            "startups": u.startups,
            "stale_startups": u.stale_startups,
            "joined": u.joined,
            "left": u.left,
        }
        for u in UnicornPeriodStat.objects.filter(period_kind=kind).order_by("period_end")
    ]


def co_investments(investor: Investor | None = None) -> QuerySet:
    """Pairs of top-level investors that backed the same startups, with both investors; only
    the investor's pairs when one is given. The API reads them in keyset pages."""
    pairs = CoInvestment.objects.select_related("investor_a", "investor_b")
    if investor is not None:
        pairs = pairs.filter(Q(investor_a=investor) | Q(investor_b=investor))
    return pairs


def reported_vs_computed(investor: Investor) -> list[dict]:
    """Each published figure about the investor beside the same figure from tracked deals
    over the metric's own period, with how many deals it rests on."""
    results = []
    for metric in ReportedMetric.objects.filter(investor=investor).prefetch_related("sources"):
        rounds = rounds_joined_by(investor)
        if metric.period_start:
            rounds = rounds.filter(announced_on__gte=metric.period_start)
        if metric.period_end:
            rounds = rounds.filter(announced_on__lte=metric.period_end)
        counts = rounds.aggregate(
            total=Count("pk"),
            ai=Count("pk", filter=Q(startup__is_ai=True)),
            disclosed=Count("pk", filter=Q(amount_usd__isnull=False)),
        )
        computed = None
        if metric.unit == "percent" and counts["total"]:
            computed = (Decimal(100) * counts["ai"] / counts["total"]).quantize(Decimal("0.1"))
        elif metric.unit == "deals":
            computed = Decimal(counts["total"])
        results.append(
            {
                "metric": metric.metric,
                "subject": metric.subject,
                "period_start": metric.period_start,
                "period_end": metric.period_end,
                "reported_value": metric.value,
                "reported_qualifier": metric.value_qualifier,
                "unit": metric.unit,
                "computed_value": computed,
                "deals_tracked": counts["total"],
                "deals_ai": counts["ai"],
                "deals_disclosed": counts["disclosed"],
                "confidence": metric.confidence,
                "source_urls": sorted(s.url for s in metric.sources.all()),
            }
        )
    return results
