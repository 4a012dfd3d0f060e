"""Reads for the overview page: each one a fixed, small number of queries over the aggregates
(GROUP BY in the database, top N in SQL), whatever the size of the data."""

import datetime as dt
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from deals.models import FundingRound, Participation, ReportedMetric
from startups.sectors import DEFAULT_AI_DEFINITION, counts_as_ai
from startups.vocab import ratio_qualifier, sum_qualifier

from .citations import citations_of
from .investor_aggregates import AI_COUNTS
from .models import (
    DatasetTotal,
    InvestorPeriodStat,
    InvestorTotal,
    PeriodKind,
    ProductPeriodStat,
)
from .unicorn_selectors import unicorns_on

# What a person can take in on one chart; the rest stays in the tables and the CSV.
CAPITAL_BARS = 15
PRODUCT_LINES = 8
SHARE_METRIC = "share_of_china_deals_in_ai_startups"
DEALS_METRIC = "external_investment_deals"
INVESTOR_FIELDS = ("investor_id", "investor__slug", "investor__name_en", "investor__name_zh")
BOUNDS = ("at_least", "approx", "at_most")


def _investor(row: dict) -> dict:
    return {
        "id": row["investor_id"],
        "slug": row["investor__slug"],
        "name_en": row["investor__name_en"],
        "name_zh": row["investor__name_zh"],
    }


def _year_bounds(qs: QuerySet, since: int | None, until: int | None) -> QuerySet:
    if since:
        qs = qs.filter(period_start__gte=dt.date(since, 1, 1))
    if until:
        qs = qs.filter(period_start__lte=dt.date(until, 12, 31))
    return qs


def subquery_count(qs: QuerySet) -> Subquery:
    """COUNT(*) of a correlated queryset, as a scalar subquery (no GROUP BY)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


def top_investors(limit: int) -> list[dict]:
    """Top-level investors (affiliates rolled up) with the most deals: the first rows of an
    index over their all-time totals."""
    rows = (
        InvestorTotal.objects.filter(investor__parent__isnull=True)
        .values(*INVESTOR_FIELDS, "investor__kind", "deals_total", "deals_ai")
        .order_by("-deals_total", "investor__slug")[:limit]
    )
    return [
        {
            **_investor(row),
            "kind": row["investor__kind"],
            "deals": row["deals_total"],
            "deals_ai": row["deals_ai"],
        }
        for row in rows
    ]


def headline(today: dt.date) -> dict[str, Any]:
    """Startups tracked, unicorns on `today`, disclosed capital, the part paid in compute
    credits: read from the precomputed totals and valuation points."""
    totals = DatasetTotal.objects.first()
    credits = InvestorTotal.objects.filter(
        investor__parent__isnull=True, compute_credits_usd__isnull=False
    ).aggregate(
        credits=Sum("compute_credits_usd"),
        base=Sum("credits_base_usd"),
        deals=Sum("compute_credits_disclosed"),
        **{
            f"{figure}_{q}": Count("pk", filter=Q(**{f"{figure}_{q}": True}))
            for figure in ("credits", "credits_base")
            for q in BOUNDS
        },
    )
    credits_qualifier, base_qualifier = (
        sum_qualifier(*(credits[f"{figure}_{q}"] for q in BOUNDS))
        for figure in ("credits", "credits_base")
    )
    share = credits["credits"] / credits["base"] if credits["credits"] and credits["base"] else None
    return {
        "startups": totals.startups if totals else 0,
        "ai_startups": totals.ai_startups if totals else 0,
        "unicorns": unicorns_on(today).count(),
        "unicorns_as_of": today,
        "capital_usd": totals.capital_usd if totals else None,
        "capital_qualifier": sum_qualifier(
            *((totals.capital_at_least, totals.capital_approx, totals.capital_at_most))
            if totals
            else (0, 0, 0)
        ),
        "rounds": totals.rounds if totals else 0,
        "rounds_disclosed": totals.rounds_disclosed if totals else 0,
        "credits_usd": credits["credits"],
        "credits_qualifier": credits_qualifier,
        "credits_base_usd": credits["base"],
        "credits_base_qualifier": base_qualifier,
        "credits_deals": credits["deals"] or 0,
        "credits_share": share,
        "credits_share_qualifier": ratio_qualifier(credits_qualifier, base_qualifier),
    }


def years_with_data() -> list[int]:
    """From the first to the last year with an investor's deal: the years the charts can be
    filtered by."""
    span = InvestorPeriodStat.objects.filter(period_kind=PeriodKind.YEAR).aggregate(
        first=Min("period_start"), last=Max("period_start")
    )
    if span["first"] is None:
        return []
    return list(range(span["first"].year, span["last"].year + 1))


def ai_share_series(
    slugs: list[str],
    kind: str,
    since: int | None,
    until: int | None,
    definition: str = DEFAULT_AI_DEFINITION,
) -> list[dict]:
    """Per chosen investor (in the order given): deals, AI deals and AI share per period,
    AI as `definition` counts it."""
    deals_ai, ai_share, _ = AI_COUNTS[definition]
    stats = (
        _year_bounds(
            InvestorPeriodStat.objects.filter(investor__slug__in=slugs, period_kind=kind),
            since,
            until,
        )
        .values(
            *INVESTOR_FIELDS,
            "period_start",
            "deals_total",
            "deals_disclosed",
            deals_ai,
            ai_share,
        )
        .order_by("period_start")
    )
    series: dict[str, dict] = {}
    for row in stats:
        entry = series.setdefault(row["investor__slug"], {**_investor(row), "points": []})
        entry["points"].append(
            {
                "period_start": row["period_start"],
                "deals_total": row["deals_total"],
                "deals_ai": row[deals_ai],
                "ai_share": row[ai_share],
                "deals_disclosed": row["deals_disclosed"],
            }
        )
    return [series[slug] for slug in slugs if slug in series]


def published_figures(
    slugs: list[str], definition: str = DEFAULT_AI_DEFINITION
) -> dict[str, list[dict]]:
    """Published AI shares and deal counts about the chosen investors, with their sources
    and the deals tracked here over each one's own window, from its first day to its last,
    and how many of them are AI as `definition` counts it (one query, plus sources)."""
    family_joined = Participation.objects.filter(
        round=OuterRef("pk"), investor__ancestry__ancestor=OuterRef(OuterRef("investor"))
    )
    tracked = FundingRound.objects.filter(
        Exists(family_joined),
        announced_on__gte=OuterRef("period_start"),
        announced_on__lte=OuterRef("period_end"),
    )
    metrics = (
        ReportedMetric.objects.filter(
            investor__slug__in=slugs, metric__in=[SHARE_METRIC, DEALS_METRIC]
        )
        .annotate(
            investor_slug=F("investor__slug"),
            deals_tracked=subquery_count(tracked),
            deals_ai=subquery_count(tracked.filter(counts_as_ai(definition, "startup__"))),
        )
        .prefetch_related("sources")
        .order_by("period_end", "investor__slug", "subject")
    )
    found: dict[str, list[dict]] = {"shares": [], "deal_counts": []}
    for metric in metrics:
        row = {
            "investor": metric.investor_slug,
            "subject": metric.subject,
            "period_start": metric.period_start,
            "period_end": metric.period_end,
            "value": metric.value,
            "qualifier": metric.value_qualifier,
            "unit": metric.unit,
            "notes": metric.notes,
            "deals_tracked": metric.deals_tracked or 0,
            "deals_ai": metric.deals_ai or 0,
            "source_urls": sorted(source.url for source in metric.sources.all()),
            "citations": citations_of(sorted(metric.sources.all(), key=lambda s: s.url)),
        }
        found["shares" if metric.metric == SHARE_METRIC else "deal_counts"].append(row)
    return found


# The capital chart's figures: the totals' flag prefix, and the year rows' value and
# qualifier columns.
CAPITAL_FIGURES = {
    "capital": ("capital", "capital_usd", "capital_qualifier"),
    "credits": ("credits", "compute_credits_usd", "compute_credits_qualifier"),
    "own": ("own", "own_contribution_usd", "own_contribution_qualifier"),
}


def capital_by_investor(
    since: int | None, until: int | None, limit: int = CAPITAL_BARS, with_credits: bool = False
) -> list[dict]:
    """Capital of the rounds each top-level investor joined, the compute credits in it and
    its own contribution, each with its bound, summed over the years chosen, the `limit`
    largest: over all years, the first rows of an index on the investors' totals; over some
    years, one GROUP BY of their year rows (the bound counted over them). `with_credits`:
    only the investors whose rounds disclose compute credits."""
    if since is None and until is None:
        totals = InvestorTotal.objects.filter(
            investor__parent__isnull=True, capital_usd__isnull=False
        )
        if with_credits:
            totals = totals.filter(compute_credits_usd__isnull=False)
        rows = (
            totals.values(*INVESTOR_FIELDS, "investor__kind")
            .annotate(
                **{name: F(value) for name, (_, value, _) in CAPITAL_FIGURES.items()},
                deals=F("deals_total"),
                disclosed=F("deals_disclosed"),
                **{
                    f"{name}_{q}_n": F(f"{flags}_{q}")
                    for name, (flags, _, _) in CAPITAL_FIGURES.items()
                    for q in BOUNDS
                },
            )
            .order_by("-capital_usd", "investor__slug")[:limit]
        )
    else:
        rows = (
            _year_bounds(
                InvestorPeriodStat.objects.filter(
                    period_kind=PeriodKind.YEAR, investor__parent__isnull=True
                ),
                since,
                until,
            )
            .values(*INVESTOR_FIELDS, "investor__kind")
            .annotate(
                **{name: Sum(value) for name, (_, value, _) in CAPITAL_FIGURES.items()},
                deals=Sum("deals_total"),
                disclosed=Sum("deals_disclosed"),
                **{
                    f"{name}_{q}_n": Count(
                        "pk", filter=Q(**{qualifier: q, f"{value}__isnull": False})
                    )
                    for name, (_, value, qualifier) in CAPITAL_FIGURES.items()
                    for q in BOUNDS
                },
            )
            .filter(capital__isnull=False, **({"credits__isnull": False} if with_credits else {}))
            .order_by("-capital", "investor__slug")[:limit]
        )
    return [
        {
            **_investor(row),
            "kind": row["investor__kind"],
            **_capital_figures(row),
            "deals": row["deals"],
            "deals_disclosed": row["disclosed"],
        }
        for row in rows
    ]


def _capital_figures(row: dict) -> dict:
    """Each figure in USD with the qualifier of its sum (none for an unknown figure)."""
    found = {}
    for name in CAPITAL_FIGURES:
        found[f"{name}_usd"] = row[name]
        found[f"{name}_qualifier"] = (
            sum_qualifier(*(row[f"{name}_{q}_n"] for q in BOUNDS)) if row[name] is not None else ""
        )
    return found


def products_by_startup(limit: int = PRODUCT_LINES) -> list[dict]:
    """Model products launched, cumulative per quarter, for the `limit` startups with the
    most: two queries."""
    leaders = (
        ProductPeriodStat.objects.filter(period_kind=PeriodKind.QUARTER, startup__isnull=False)
        .values("startup_id")
        .annotate(total=Max("cumulative"))
        .order_by("-total", "startup_id")
        .values("startup_id")[:limit]
    )
    rows = (
        ProductPeriodStat.objects.filter(
            period_kind=PeriodKind.QUARTER, startup_id__in=Subquery(leaders)
        )
        .values(
            "startup_id",
            "startup__slug",
            "startup__name_en",
            "startup__name_zh",
            "period_start",
            "new_products",
            "cumulative",
        )
        .order_by("startup_id", "period_start")
    )
    series: dict[int, dict] = {}
    for row in rows:
        entry = series.setdefault(
            row["startup_id"],
            {
                "slug": row["startup__slug"],
                "name_en": row["startup__name_en"],
                "name_zh": row["startup__name_zh"],
                "points": [],
            },
        )
        entry["points"].append(
            {
                "period_start": row["period_start"],
                "new": row["new_products"],
                "cumulative": row["cumulative"],
            }
        )
    return sorted(series.values(), key=lambda s: (-s["points"][-1]["cumulative"], s["slug"]))
