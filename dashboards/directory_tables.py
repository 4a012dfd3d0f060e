"""The startups and investors directories: one queryset per table whose every column is
computed in SQL (correlated subqueries, so that a filter's join never multiplies a sum), sorted
and filtered there, and the same figures for one record's page header.

A sum's bound comes from how many of its parts carry each bound (startups.vocab.sum_qualifier,
the one rule every page and export applies); the querysets count them, `with_bounds` applies
the rule to the rows of a page."""

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from deals.models import FundingRound, Investor
from startups.models import ModelProduct, Startup
from startups.vocab import sum_qualifier

from .aggregates import BOUNDS
from .models import InvestorRound, ValuationPoint
from .page_selectors import subquery_count
from .unicorn_selectors import unicorns_on

# The latest valuation's columns, in the order the unicorn aggregates let the last one hold.
VALUATION_COLUMNS = {
    "valuation_usd": "valuation_usd",
    "valuation_qualifier": "qualifier",
    "valuation_on": "valued_on",
    "valuation_precision": "date_precision",
    "valuation_round_id": "round_id",
    "valuation_mark_id": "mark_id",
}
LAST_ROUND_COLUMNS = {
    "last_round_id": "pk",
    "last_round_on": "announced_on",
    "last_round_precision": "date_precision",
    "last_round_label": "round_label",
}
# The investors' sums and the InvestorTotal flags of their bounds.
INVESTOR_SUMS = {
    "capital": ("capital_usd", "capital"),
    "own": ("own_contribution_usd", "own"),
    "credits": ("compute_credits_usd", "credits"),
}
RATIO = DecimalField(max_digits=12, decimal_places=6)


def sort_order(sort: str | None, allowed: dict[str, tuple[str, ...]], default: str) -> list:
    sort = sort or default
    descending = sort.startswith("-")
    fields = allowed.get(sort.lstrip("-")) or allowed[default.lstrip("-")]
    return [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in fields
    ]


def _name_matches(q: str) -> Q:
    return Q(name_en__icontains=q) | Q(name_zh__icontains=q) | Q(aliases__icontains=q)


def subquery_sum(qs: QuerySet, field: str) -> Subquery:
    """SUM(field) of a correlated queryset, as a scalar subquery (NULL when no row)."""
    return Subquery(
        qs.order_by().annotate(total=Func(F(field), function="SUM")).values("total")[:1]
    )


def latest_valuation(startup, field: str) -> Subquery:
    """A column of the startup's latest valuation point (`startup`: its id or an OuterRef)."""
    return Subquery(
        ValuationPoint.objects.filter(startup=startup)
        .order_by("-valued_on", "-mark_id", "-round_id")
        .values(field)[:1]
    )


def _last_round(rounds: QuerySet) -> dict[str, Subquery]:
    return {
        name: Subquery(rounds.order_by("-announced_on", "-pk").values(field)[:1])
        for name, field in LAST_ROUND_COLUMNS.items()
    }


def startup_figures(startups: QuerySet[Startup]) -> QuerySet[Startup]:
    """Each startup with its latest valuation, the capital it raised (the rounds that disclose
    an amount, and how many of them carry each bound), its last round and its counts."""
    rounds = FundingRound.objects.filter(startup=OuterRef("pk"))
    disclosed = rounds.filter(amount_usd__isnull=False)
    return startups.annotate(
        **{
            name: latest_valuation(OuterRef("pk"), field)
            for name, field in VALUATION_COLUMNS.items()
        },
        raised_usd=subquery_sum(disclosed, "amount_usd"),
        rounds_disclosed=Coalesce(subquery_count(disclosed), 0),
        round_count=Coalesce(subquery_count(rounds), 0),
        **{
            f"raised_{q}": Coalesce(subquery_count(disclosed.filter(amount_qualifier=q)), 0)
            for q in BOUNDS
        },
        **_last_round(rounds),
        product_count=Coalesce(
            subquery_count(ModelProduct.objects.filter(startup=OuterRef("pk"))), 0
        ),
    )


# The columns each sort key of the directories orders by (dashboards.forms lists the keys).
STARTUP_ORDER = {
    "name": ("name_en",),
    "valuation": ("valuation_usd", "name_en"),
    "raised": ("raised_usd", "name_en"),
    "last_round": ("last_round_on", "name_en"),
    "rounds": ("round_count", "name_en"),
    "founded": ("founded_on", "name_en"),
}

INVESTOR_ORDER = {
    "deals": ("deals", "name_en"),
    "name": ("name_en",),
    "ai_deals": ("deals_ai", "deals", "name_en"),
    "ai_share": ("ai_share", "deals", "name_en"),
    "capital": ("capital_usd", "name_en"),
    "own": ("own_usd", "name_en"),
    "credits": ("credits_usd", "name_en"),
    "portfolio": ("portfolio", "name_en"),
    "unicorns": ("portfolio_unicorns", "portfolio", "name_en"),
    "exits": ("listed_exits", "portfolio", "name_en"),
}


def startups_table(filters: dict[str, Any], sort: str | None) -> QuerySet[Startup]:
    """Startups matching the filters with their figures, in the order asked."""
    startups = startup_figures(Startup.objects.all())
    if q := filters.get("q"):
        startups = startups.filter(_name_matches(q))
    if city := filters.get("city"):
        startups = startups.filter(city__iexact=city)
    if ai := filters.get("ai"):
        startups = startups.filter(is_ai=ai == "1")
    if status := filters.get("status"):
        startups = startups.filter(status=status)
    if tag := filters.get("tag"):
        startups = startups.filter(tags__slug=tag)
    if day := filters.get("unicorn_at"):
        startups = startups.filter(pk__in=unicorns_on(day).values("pk"))
    if filters.get("products"):
        startups = startups.filter(Exists(ModelProduct.objects.filter(startup=OuterRef("pk"))))
    return startups.order_by(*sort_order(sort, STARTUP_ORDER, "name"))


def _portfolio_count(rows: QuerySet) -> Coalesce:
    """How many distinct startups the investor rounds `rows` (correlated to the investor) are
    in: the aggregates' rows, one per round an investor or its affiliates joined."""
    return Coalesce(
        Subquery(
            rows.order_by()
            .values("investor_id")
            .annotate(n=Count("startup_id", distinct=True))
            .values("n")[:1]
        ),
        0,
    )


def investor_figures(investors: QuerySet[Investor], today: dt.date) -> QuerySet[Investor]:
    """Each investor (affiliates rolled up) with its deals, AI deals and share over all years,
    the capital of the rounds it joined, its own contribution and the compute credits it gave
    (with their bounds' flags, through `total`), its portfolio, the unicorns in it on `today`
    and the portfolio startups that listed."""
    rows = InvestorRound.objects.filter(investor_id=OuterRef("pk"))
    return investors.select_related("parent", "total").annotate(
        deals=F("total__deals_total"),
        deals_ai=F("total__deals_ai"),
        ai_share=Case(
            When(
                total__deals_total__gt=0,
                then=ExpressionWrapper(
                    F("total__deals_ai") * Value(1.0) / F("total__deals_total"), output_field=RATIO
                ),
            ),
            output_field=RATIO,
        ),
        **{f"{name}_usd": F(f"total__{field}") for name, (field, _) in INVESTOR_SUMS.items()},
        portfolio=_portfolio_count(rows),
        portfolio_unicorns=_portfolio_count(
            rows.filter(startup_id__in=unicorns_on(today).values("pk"))
        ),
        listed_exits=_portfolio_count(
            rows.filter(startup_id__in=Startup.objects.filter(ipo_date__isnull=False).values("pk"))
        ),
    )


def investors_table(filters: dict[str, Any], sort: str | None, today: dt.date) -> QuerySet:
    investors = investor_figures(Investor.objects.all(), today)
    if q := filters.get("q"):
        investors = investors.filter(_name_matches(q))
    if kind := filters.get("kind"):
        investors = investors.filter(kind=kind)
    return investors.order_by(*sort_order(sort, INVESTOR_ORDER, "-deals"))


def with_bounds(rows: list, kind: str) -> list:
    """The rows of a page with the qualifier of each sum they show ('' for an unknown sum),
    from the counts (startups) or flags (investors) of its parts' bounds."""
    for row in rows:
        if kind == "startup":
            sums = {"raised": [getattr(row, f"raised_{q}") for q in BOUNDS]}
        else:
            # An investor with no deal has no totals row.
            total = row.total if hasattr(row, "total") else None
            sums = {
                name: [getattr(total, f"{flags}_{q}", 0) if total else 0 for q in BOUNDS]
                for name, (_, flags) in INVESTOR_SUMS.items()
            }
        for name, counts in sums.items():
            known = getattr(row, f"{name}_usd") is not None
            setattr(row, f"{name}_qualifier", sum_qualifier(*counts) if known else "")
    return rows
