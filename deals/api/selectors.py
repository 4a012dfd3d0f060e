"""Querysets behind the API's lists: every relation a page shows is fetched in a fixed number
of queries, whatever the page size."""

from django.db.models import Case, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When

from deals.models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from startups.models import ModelProduct, Source, Startup

# Prefetched into lists (`to_attr`): Django then skips cloning a queryset per record, which
# cost more than the queries themselves on a page of rounds (docs/benchmarks.md).
SOURCE_URLS = Prefetch(
    "sources", queryset=Source.objects.only("id", "url"), to_attr="prefetched_sources"
)


def with_latest_valuation(startups: QuerySet[Startup]) -> QuerySet[Startup]:
    """Annotate `latest_valuation_usd` and `latest_valuation_on`: the latest post-money
    valuation of a round or valuation mark known in USD; on the same day the round wins."""
    rounds = FundingRound.objects.filter(
        startup=OuterRef("pk"), post_money_valuation_usd__isnull=False
    ).order_by("-announced_on", "-pk")
    marks = ValuationMark.objects.filter(startup=OuterRef("pk"), value_usd__isnull=False).order_by(
        "-valued_on", "-pk"
    )
    mark_wins = Q(_mark_on__isnull=False) & (
        Q(_round_on__isnull=True) | Q(_mark_on__gt=F("_round_on"))
    )
    return startups.annotate(
        _round_on=Subquery(rounds.values("announced_on")[:1]),
        _round_usd=Subquery(rounds.values("post_money_valuation_usd")[:1]),
        _mark_on=Subquery(marks.values("valued_on")[:1]),
        _mark_usd=Subquery(marks.values("value_usd")[:1]),
    ).annotate(
        latest_valuation_usd=Case(When(mark_wins, then=F("_mark_usd")), default=F("_round_usd")),
        latest_valuation_on=Case(When(mark_wins, then=F("_mark_on")), default=F("_round_on")),
    )


def startups_for_api() -> QuerySet[Startup]:
    return with_latest_valuation(Startup.objects.prefetch_related("tags", SOURCE_URLS))


def investors_for_api() -> QuerySet[Investor]:
    return Investor.objects.select_related("parent").prefetch_related(SOURCE_URLS)


def own_fields_and(model, *related: str) -> list[str]:
    """For `.only()`: every field of the model itself, and just the named related ones (a page
    shows a startup's or investor's slug and name, not its other dozen columns)."""
    return [field.name for field in model._meta.concrete_fields] + list(related)


# What a round shows of each participant: no timestamps, notes or rates (each timestamp
# parsed costs more than a column of numbers).
PARTICIPANT_COLUMNS = (
    "round",
    "investor__slug",
    "investor__name_en",
    "is_lead",
    "amount",
    "amount_currency",
    "amount_qualifier",
    "amount_usd",
    "stake_percent",
    "stake_qualifier",
    "compute_credit_amount",
    "compute_credit_currency",
    "compute_credit_qualifier",
    "compute_credit_amount_usd",
)


def rounds_for_api() -> QuerySet[FundingRound]:
    participants = (
        Participation.objects.select_related("investor")
        .only(*PARTICIPANT_COLUMNS)
        .order_by("-is_lead", "investor__name_en", "pk")
    )
    startup = ("startup__slug", "startup__name_en", "startup__is_ai")
    rounds = FundingRound.objects.select_related("startup").only(
        *own_fields_and(FundingRound, *startup)
    )
    return rounds.prefetch_related(
        Prefetch("participations", queryset=participants, to_attr="prefetched_participations"),
        SOURCE_URLS,
    )


def participations_for_api() -> QuerySet[Participation]:
    return Participation.objects.select_related("round__startup", "investor").prefetch_related(
        SOURCE_URLS
    )


def valuation_marks_for_api() -> QuerySet[ValuationMark]:
    return ValuationMark.objects.select_related("startup").prefetch_related(SOURCE_URLS)


def products_for_api() -> QuerySet[ModelProduct]:
    return ModelProduct.objects.select_related("startup").prefetch_related(SOURCE_URLS)


def compute_deals_for_api() -> QuerySet[ComputeDeal]:
    return ComputeDeal.objects.select_related("startup", "provider_investor").prefetch_related(
        SOURCE_URLS
    )


def fx_rates_for_api() -> QuerySet[FxRate]:
    return FxRate.objects.select_related("source")


def metrics_for_api() -> QuerySet[ReportedMetric]:
    return ReportedMetric.objects.select_related("investor", "startup").prefetch_related(
        SOURCE_URLS
    )


def sources_for_api() -> QuerySet[Source]:
    return Source.objects.all()
