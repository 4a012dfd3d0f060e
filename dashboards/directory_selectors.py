"""Reads for the startups, investors and rounds pages: one queryset per table (sorted and
filtered in SQL, paginated by the view) and a fixed number of prefetches per page."""

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from deals.models import (
    ComputeDeal,
    FundingRound,
    Investor,
    InvestorAncestry,
    Participation,
    ReportedMetric,
)
from deals.selectors import joined_by_investors, rounds_joined_by
from startups.models import ModelProduct, Startup, Tag

from .compute_parties import attach_parents, with_parties
from .directory_tables import VALUATION_COLUMNS, latest_valuation, sort_order
from .dispute_selectors import attach_disputes
from .forms import ROUND_SORTS
from .models import (
    CoInvestment,
    InvestorPeriodStat,
    InvestorTotal,
    PeriodKind,
    ValuationPoint,
)
from .periods import PRECISIONS
from .selectors import valuation_point_row, valuation_sources

# Finer first, as dashboards.periods orders dates of the same day.
PRECISION_RANK = Case(
    *(When(date_precision=name, then=Value(rank)) for rank, name in enumerate(PRECISIONS))
)
CO_INVESTORS_SHOWN = 20
INVESTOR_DEALS_SHOWN = 200  # the rest are one click away in /rounds/?investor=...


def _with_participants(rounds: QuerySet[FundingRound]) -> QuerySet[FundingRound]:
    return rounds.select_related("startup").prefetch_related(
        Prefetch(
            "participations",
            Participation.objects.select_related("investor").order_by(
                "-is_lead", "investor__name_en"
            ),
        ),
        "sources",
    )


def rounds_table(filters: dict[str, Any], sort: str | None) -> QuerySet[FundingRound]:
    """Rounds matching the filters, in the order asked, participants and sources prefetched."""
    rounds = rounds_filtered(FundingRound.objects.all(), filters)
    return _with_participants(rounds.order_by(*sort_order(sort, ROUND_SORTS, "-date")))


def rounds_filtered(
    rounds: QuerySet[FundingRound], filters: dict[str, Any]
) -> QuerySet[FundingRound]:
    """The rounds the `/rounds/` page's filters (RoundFilterForm.filters()) keep: the page and
    the saved searches alerts are matched against apply the same rules."""
    if q := filters.get("q"):
        rounds = rounds.filter(
            Q(startup__name_en__icontains=q)
            | Q(startup__name_zh__icontains=q)
            | Q(startup__aliases__icontains=q)
        )
    if startups := filters.get("startup"):
        rounds = rounds.filter(startup__slug__in=startups)
    if investors := filters.get("investor"):
        rounds = rounds.filter(joined_by_investors(investors, every=filters.get("match") == "all"))
    if city := filters.get("city"):
        rounds = rounds.filter(startup__city__iexact=city)
    if ai := filters.get("ai"):
        rounds = rounds.filter(startup__is_ai=ai == "1")
    if confidence := filters.get("confidence"):
        rounds = rounds.filter(confidence=confidence)
    if currency := filters.get("currency"):
        rounds = rounds.filter(amount_currency__iexact=currency)
    if label := filters.get("round"):
        rounds = rounds.filter(round_label__icontains=label)
    if since := filters.get("since"):
        rounds = rounds.filter(announced_on__gte=since)
    if until := filters.get("until"):
        rounds = rounds.filter(announced_on__lte=until)
    if filters.get("disclosed"):
        rounds = rounds.filter(amount_usd__isnull=False)
    if filters.get("credits"):
        rounds = rounds.filter(
            Q(compute_credit_amount__isnull=False)
            | Exists(
                Participation.objects.filter(
                    round=OuterRef("pk"), compute_credit_amount__isnull=False
                )
            )
        )
    return rounds


def choice_lists() -> dict[str, list[str]]:
    """The values the table filters offer: two DISTINCT queries (cached by the caller)."""
    return {
        "cities": list(
            Startup.objects.exclude(city="")
            .order_by("city")
            .values_list("city", flat=True)
            .distinct()
        ),
        "currencies": list(
            FundingRound.objects.exclude(amount_currency="")
            .order_by("amount_currency")
            .values_list("amount_currency", flat=True)
            .distinct()
        ),
    }


def investor_choices(limit: int = 100) -> list[dict]:
    """Top-level investors with the most deals, for the 'add an investor' filter."""
    rows = (
        InvestorTotal.objects.values("investor__slug", "investor__name_en", "investor__name_zh")
        .annotate(deals=F("deals_total"))
        .order_by("-deals_total", "investor__name_en")[:limit]
    )
    return sorted(
        (
            {
                "slug": r["investor__slug"],
                "name_en": r["investor__name_en"],
                "name_zh": r["investor__name_zh"],
            }
            for r in rows
        ),
        key=lambda r: r["name_en"].lower(),
    )


def named(model, slugs: list[str]) -> list[dict]:
    """Names of the records with these slugs, in the order given (for filter chips); a slug
    of no record has none (the filter form reports it)."""
    if not slugs:
        return []
    found = {
        r["slug"]: r
        for r in model.objects.filter(slug__in=slugs).values("slug", "name_en", "name_zh")
    }
    return [found[slug] for slug in slugs if slug in found]


def startup_detail(slug: str) -> dict[str, Any] | None:
    """Everything the startup page shows, in a fixed number of queries."""
    startup = (
        Startup.objects.filter(slug=slug)
        .prefetch_related(Prefetch("tags", Tag.objects.order_by("slug")), "sources")
        .first()
    )
    if startup is None:
        return None
    rounds = list(
        _with_participants(FundingRound.objects.filter(startup=startup))
        .prefetch_related("participations__sources")
        .order_by("-announced_on", "-pk")
    )
    points = list(
        ValuationPoint.objects.filter(startup=startup)
        .select_related("round", "mark")
        .order_by("valued_on", "mark_id", "round_id")
    )
    round_sources, mark_sources = valuation_sources(points)
    leads = {
        r.pk: [
            {"slug": p.investor.slug, "name_en": p.investor.name_en, "name_zh": p.investor.name_zh}
            for p in r.participations.all()
            if p.is_lead
        ]
        for r in rounds
    }
    compute_deals = attach_parents(
        list(with_parties(ComputeDeal.objects.filter(startup=startup)).order_by("announced_on"))
    )
    marks = [p.mark for p in points if p.mark_id]
    parts = [part for r in rounds for part in r.participations.all()]
    attach_disputes([*rounds, *parts, *marks, *compute_deals])
    disputes = {r.pk: r.disputes for r in rounds}
    valuation_points = []
    for point in points:
        row = valuation_point_row(point, round_sources, mark_sources, leads)
        # The round's own notes are on its card below; a mark's are shown only here.
        row.update(
            figure="post_money_valuation" if point.round_id else "value",
            disputes=disputes[point.round_id] if point.round_id else point.mark.disputes,
            notes=point.mark.notes if point.mark_id else "",
        )
        valuation_points.append(row)
    return {
        "startup": startup,
        "rounds": rounds,
        "valuations": valuation_points,
        "products": list(
            ModelProduct.objects.filter(startup=startup)
            .prefetch_related("sources")
            .order_by(F("launched_on").asc(nulls_last=True), "name")
        ),
        "compute_deals": compute_deals,
        "metrics": list(ReportedMetric.objects.filter(startup=startup).prefetch_related("sources")),
    }


def investor_portfolio(joined: QuerySet) -> QuerySet:
    """One row per startup of the rounds `joined`, latest first: a query, so that the page
    lists a page of it and a large portfolio is never read whole."""
    in_startup = joined.filter(startup=OuterRef("startup"))
    return (
        joined.values(
            "startup",
            slug=F("startup__slug"),
            name_en=F("startup__name_en"),
            name_zh=F("startup__name_zh"),
            is_ai=F("startup__is_ai"),
            city=F("startup__city"),
            status=F("startup__status"),
            ipo_date=F("startup__ipo_date"),
        )
        .annotate(
            rounds=Count("pk"),
            **{
                name: latest_valuation(OuterRef("startup"), field)
                for name, field in VALUATION_COLUMNS.items()
                if name in ("valuation_usd", "valuation_qualifier")
            },
            first=Min("announced_on"),
            last=Max("announced_on"),
            # The first round's precision (on a tie, the finest: the earliest it can be) and
            # the last one's (the coarsest: the latest it can be).
            first_precision=Subquery(
                in_startup.order_by("announced_on", PRECISION_RANK).values("date_precision")[:1]
            ),
            last_precision=Subquery(
                in_startup.order_by("-announced_on", PRECISION_RANK.desc()).values(
                    "date_precision"
                )[:1]
            ),
        )
        .order_by("-last", "startup__name_en", "startup")
    )


def investor_detail(slug: str) -> dict[str, Any] | None:
    """Portfolio, affiliates, co-investors and deals of an investor, its affiliates included."""
    investor = Investor.objects.filter(slug=slug).select_related("parent").first()
    if investor is None:
        return None
    joined = rounds_joined_by(investor)
    pairs = (
        CoInvestment.objects.filter(Q(investor_a=investor) | Q(investor_b=investor))
        .select_related("investor_a", "investor_b")
        .order_by("-shared_startups", "-shared_rounds")[:CO_INVESTORS_SHOWN]
    )
    co_investors = [
        {
            "investor": pair.investor_b if pair.investor_a_id == investor.pk else pair.investor_a,
            "shared_startups": pair.shared_startups,
            "shared_rounds": pair.shared_rounds,
            "first_together": pair.first_together,
            "first_together_precision": pair.first_together_precision,
        }
        for pair in pairs
    ]
    deal_count = joined.count()
    deals = list(_with_participants(joined).order_by("-announced_on", "pk")[:INVESTOR_DEALS_SHOWN])
    family = set(
        InvestorAncestry.objects.filter(ancestor=investor).values_list("investor_id", flat=True)
    )
    for deal in deals:
        deal.family_parts = [p for p in deal.participations.all() if p.investor_id in family]
    attach_disputes([*deals, *(part for deal in deals for part in deal.family_parts)])
    return {
        "investor": investor,
        "affiliates": list(investor.affiliates.order_by("name_en")),
        "portfolio": investor_portfolio(joined),
        "co_investors": co_investors,
        "deals": deals,
        "deal_count": deal_count,
        "metrics": list(
            ReportedMetric.objects.filter(investor=investor)
            .prefetch_related("sources")
            .order_by("metric", "period_end")
        ),
        "stats": list(
            InvestorPeriodStat.objects.filter(investor=investor, period_kind=PeriodKind.YEAR)
            .order_by("period_start")
            .values(
                "period_start",
                "deals_total",
                "deals_ai",
                "ai_share",
                "deals_disclosed",
                "capital_usd",
                "capital_qualifier",
                "compute_credits_usd",
                "compute_credits_qualifier",
            )
        ),
    }
