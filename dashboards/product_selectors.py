"""Reads of the products page: the national counts of generative-AI services published by
others (deals.ReportedMetric), the products tracked here counted up to each of their dates,
and the products table."""

import datetime as dt
from bisect import bisect_right
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, Least

from deals.models import ReportedMetric
from startups.models import ModelProduct, Startup
from startups.vocab import Qualifier, ratio_qualifier

from .citations import citations_of
from .directory_tables import sort_order
from .product_filters import PRODUCT_SORTS

# The published national series the page draws, in the order of their traces. The filed count
# is CAC's cumulative register; the approved count and the products on the market are other
# outlets' tallies, drawn beside it and never added to it.
FILED = "genai_services_filed_cumulative"
APPROVED = "genai_services_approved"
ON_MARKET = "ai_model_products_on_market"
NATIONAL_METRICS = (FILED, APPROVED, ON_MARKET)


def counted_on():
    """The day a tracked product counts from: the earlier of its launch and its filing (a
    service is filed before it opens to the public, a model is often released before it is
    filed), either when only one is known."""
    return Coalesce(Least("launched_on", "cac_filing_on"), "launched_on", "cac_filing_on")


def tracked_cumulative() -> dict[str, Any]:
    """The products tracked here, counted up to each day one of them counts from: one query,
    grouped in SQL. `undated` counts those with neither a launch nor a filing date."""
    rows = (
        ModelProduct.objects.annotate(day=counted_on())
        .values("day")
        .annotate(new=Count("pk"))
        .order_by(F("day").asc(nulls_first=True))
    )
    points, total, undated = [], 0, 0
    for row in rows:
        if row["day"] is None:
            undated = row["new"]
            continue
        total += row["new"]
        points.append({"date": row["day"], "new": row["new"], "cumulative": total})
    return {"points": points, "undated": undated}


def tracked_by(points: list[dict], day: dt.date) -> int:
    """How many tracked products count from `day` or earlier."""
    index = bisect_right([p["date"] for p in points], day)
    return points[index - 1]["cumulative"] if index else 0


def share_of_national(tracked: int, value: Decimal, qualifier: str) -> tuple[Decimal | None, str]:
    """Tracked products over a national count, with the bound the count's own bound gives it:
    20 of "≥ 40" is "≤ 50%"."""
    if not value:
        return None, Qualifier.EXACT
    return Decimal(tracked) / value, ratio_qualifier(Qualifier.EXACT, qualifier)


def national_series() -> dict[str, Any]:
    """The published national counts, each point with its bound, its sources (cited), the
    products tracked here by its date and their share of it: three queries."""
    tracked = tracked_cumulative()
    metrics = (
        ReportedMetric.objects.filter(metric__in=NATIONAL_METRICS, period_end__isnull=False)
        .prefetch_related("sources")
        .order_by("period_end", "metric", "pk")
    )
    series: dict[str, list[dict]] = {metric: [] for metric in NATIONAL_METRICS}
    for metric in metrics:
        count = tracked_by(tracked["points"], metric.period_end)
        share, share_qualifier = share_of_national(count, metric.value, metric.value_qualifier)
        series[metric.metric].append(
            {
                "metric": metric.metric,
                "date": metric.period_end,
                "value": metric.value,
                "qualifier": metric.value_qualifier,
                "unit": metric.unit,
                "subject": metric.subject,
                "notes": metric.notes,
                "citations": citations_of(sorted(metric.sources.all(), key=lambda s: s.url)),
                "tracked": count,
                "share": share,
                "share_qualifier": share_qualifier,
            }
        )
    return {"series": series, "tracked": tracked}


# Each filter of the products table and the lookup it applies.
PRODUCT_LOOKUPS = {
    "startup": "startup__slug__in",
    "modality": "modality",
    "since": "launched_on__gte",
    "until": "launched_on__lte",
}


def products_table(filters: dict[str, Any], sort: str | None) -> QuerySet[ModelProduct]:
    """Tracked products matching the filters, in the order asked, startup and sources read
    with them."""
    conditions = {
        PRODUCT_LOOKUPS[name]: v for name, v in filters.items() if name in PRODUCT_LOOKUPS
    }
    if "open_weights" in filters:
        conditions["open_weights"] = filters["open_weights"] == "1"
    products = ModelProduct.objects.filter(**conditions)
    ordered = products.order_by(*sort_order(sort, PRODUCT_SORTS, "-launched"))
    return ordered.select_related("startup").prefetch_related("sources")


def product_choices() -> dict[str, list]:
    """What the table's filters offer: the startups with a product and the modalities given,
    two queries (cached by the caller)."""
    return {
        "startups": list(
            Startup.objects.filter(Q(products__isnull=False))
            .distinct()
            .order_by("name_en")
            .values("slug", "name_en", "name_zh")
        ),
        "modalities": list(
            ModelProduct.objects.exclude(modality="")
            .order_by("modality")
            .values_list("modality", flat=True)
            .distinct()
        ),
    }
