"""Reads for the compute ledger (/compute/) and the compute sections of the startup and
investor pages: one queryset for the table (filtered and sorted in SQL), one GROUP BY per
chart, whatever the number of deals."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from deals.fx import CENT
from deals.models import ComputeDeal, FundingRound, Investor
from startups.models import Startup
from startups.vocab import sum_qualifier

from .chips import chip_generation, generation_filter
from .compute_parties import attach_parents, providers_rolled_up, with_parties
from .directory_tables import sort_order
from .page_selectors import BOUNDS, capital_by_investor

COMPUTE_SORTS = {
    "date": ("announced_on", "pk"),
    "buyer": ("buyer", "announced_on", "pk"),
    "kind": ("kind", "announced_on", "pk"),
    "chip": ("chip", "announced_on", "pk"),
    "quantity": ("quantity", "announced_on", "pk"),
    "amount": ("amount_usd", "announced_on", "pk"),
    "provider": ("provider", "announced_on", "pk"),
}
# The bars a person can read on one chart; the CSV has them all.
CREDIT_BARS = 15


def compute_deals(filters: dict[str, Any]) -> QuerySet[ComputeDeal]:
    """The deals matching the ledger's filters, unsorted."""
    deals = ComputeDeal.objects.all()
    if kind := filters.get("kind"):
        deals = deals.filter(kind=kind)
    if chip := filters.get("chip"):
        deals = deals.filter(chip__icontains=chip)
    if generation := filters.get("generation"):
        deals = deals.filter(generation_filter(generation))
    if providers := filters.get("provider"):
        deals = deals.filter(providers_rolled_up(providers))
    if buyers := filters.get("buyer"):
        deals = deals.filter(startup__slug__in=buyers)
    if q := filters.get("q"):
        deals = deals.filter(
            Q(buyer__icontains=q)
            | Q(startup__name_en__icontains=q)
            | Q(startup__name_zh__icontains=q)
        )
    if below := filters.get("below_market"):
        deals = deals.filter(below_market=below == "1")
    if since := filters.get("since"):
        deals = deals.filter(announced_on__gte=since)
    if until := filters.get("until"):
        deals = deals.filter(announced_on__lte=until)
    return deals


def compute_table(filters: dict[str, Any], sort: str | None) -> QuerySet[ComputeDeal]:
    """The ledger's rows in the order asked: buyer startup, provider and its top parent in
    the same query, sources prefetched."""
    return with_parties(compute_deals(filters)).order_by(*sort_order(sort, COMPUTE_SORTS, "-date"))


def provider_deals(investor: Investor) -> list[ComputeDeal]:
    """The compute deals an investor or one of its affiliates provided, latest first."""
    deals = ComputeDeal.objects.filter(providers_rolled_up([investor.slug]))
    return attach_parents(list(with_parties(deals).order_by("-announced_on", "pk")))


def compute_choices() -> dict[str, list[dict]]:
    """What the ledger's filters offer: the providers named in deals with their parents (one
    query), the tracked buyers (one query)."""
    providers = (
        Investor.objects.filter(descendancy__investor__compute_deals__isnull=False)
        .distinct()
        .order_by("name_en")
        .values("slug", "name_en", "name_zh")
    )
    buyers = (
        Startup.objects.filter(compute_deals__isnull=False)
        .distinct()
        .order_by("name_en")
        .values("slug", "name_en", "name_zh")
    )
    return {"providers": list(providers), "buyers": list(buyers)}


def chips_by_generation(deals: QuerySet[ComputeDeal]) -> list[dict]:
    """Chips named in `deals` per year and generation: the sum of the quantities disclosed
    with the bound of that sum (a part 'at least 10,000' makes it at least), how many deals
    and how many of them disclose a quantity. One GROUP BY by chip as written; the chips are
    then put in their generation (dashboards.chips)."""
    rows = (
        deals.order_by()
        .values("chip", "quantity_qualifier", year=ExtractYear("announced_on"))
        .annotate(
            deals=Count("pk"),
            with_quantity=Count("quantity"),
            chips=Sum("quantity"),
        )
    )
    found: dict[tuple[int, str], dict] = {}
    bounds: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(BOUNDS, 0))
    for row in rows:
        key = (row["year"], chip_generation(row["chip"]))
        entry = found.setdefault(
            key,
            {
                "year": key[0],
                "generation": key[1],
                "chips": None,
                "deals": 0,
                "with_quantity": 0,
                "chip_names": set(),
            },
        )
        entry["deals"] += row["deals"]
        entry["with_quantity"] += row["with_quantity"]
        if row["chip"]:
            entry["chip_names"].add(row["chip"])
        if row["chips"] is not None:
            entry["chips"] = (entry["chips"] or 0) + row["chips"]
            if row["quantity_qualifier"] in BOUNDS:
                bounds[key][row["quantity_qualifier"]] += row["with_quantity"]
    for key, entry in found.items():
        entry["qualifier"] = (
            sum_qualifier(*bounds[key].values()) if entry["chips"] is not None else ""
        )
        entry["chip_names"] = sorted(entry["chip_names"])
    return sorted(found.values(), key=lambda e: (e["year"], e["generation"]))


def cents(value: Decimal | None) -> Decimal | None:
    """A sum in whole cents, as stored amounts are, whatever the backend's SUM returns."""
    return None if value is None else Decimal(value).quantize(CENT)


def credits_by_startup(limit: int | None = CREDIT_BARS) -> list[dict]:
    """Per startup whose rounds disclose compute credits: the capital of all its rounds and
    the credits in it, each with the bound of its sum, the largest credits first. One GROUP
    BY over the rounds."""
    bound_counts = {
        f"{name}_{q}_n": Count("pk", filter=Q(**{qualifier: q, f"{value}__isnull": False}))
        for name, value, qualifier in (
            ("capital", "amount_usd", "amount_qualifier"),
            ("credits", "compute_credit_amount_usd", "compute_credit_qualifier"),
        )
        for q in BOUNDS
    }
    rows = (
        FundingRound.objects.order_by()
        .values("startup")
        .annotate(
            slug=F("startup__slug"),
            name_en=F("startup__name_en"),
            name_zh=F("startup__name_zh"),
            capital=Sum("amount_usd"),
            credits=Sum("compute_credit_amount_usd"),
            rounds=Count("pk"),
            disclosed=Count("amount_usd"),
            credit_rounds=Count("compute_credit_amount_usd"),
            **bound_counts,
        )
        .filter(credits__isnull=False)
        .order_by("-credits", "slug")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        {
            "slug": row["slug"],
            "name_en": row["name_en"],
            "name_zh": row["name_zh"],
            **{f"{name}_usd": cents(row[name]) for name in ("capital", "credits")},
            **{
                f"{name}_qualifier": sum_qualifier(*(row[f"{name}_{q}_n"] for q in BOUNDS))
                if row[name] is not None
                else ""
                for name in ("capital", "credits")
            },
            "deals": row["rounds"],
            "deals_disclosed": row["disclosed"],
            "credit_rounds": row["credit_rounds"],
        }
        for row in rows
    ]


def credits_by_investor(limit: int = CREDIT_BARS) -> list[dict]:
    """The capital chart's rows (dashboards.page_selectors.capital_by_investor) for the
    top-level investors whose rounds disclose compute credits."""
    return capital_by_investor(None, None, limit, with_credits=True)
