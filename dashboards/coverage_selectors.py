"""Reads for the coverage report (`manage.py data_report` and the /about/data/ page): what
the database holds against what others have published, and how well its records are sourced.

Every count is computed in SQL: seven queries in all, whatever the size of the data. The
results are plain, language-neutral values (labels are added where they are shown), so that
the page can cache them.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, Length, Replace

from deals.models import (
    ComputeDeal,
    FundingRound,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
    WithMoney,
)
from startups.models import ModelProduct, Source, Startup
from startups.sectors import Sector
from startups.vocab import COPY_KINDS, ratio_qualifier

from .page_selectors import DEALS_METRIC, SHARE_METRIC, published_figures


@dataclass(frozen=True)
class RecordKind:
    """A kind of record whose sources are counted: its model and the name by which a
    Source reaches its records."""

    name: str
    model: type[Model]
    source_query: str


# In the order the report lists them.
RECORD_KINDS = (
    RecordKind("startups", Startup, "startups"),
    RecordKind("investors", Investor, "investors"),
    RecordKind("rounds", FundingRound, "rounds"),
    RecordKind("participations", Participation, "participations"),
    RecordKind("valuations", ValuationMark, "valuation_marks"),
    RecordKind("compute", ComputeDeal, "compute_deals"),
    RecordKind("metrics", ReportedMetric, "metrics"),
    RecordKind("products", ModelProduct, "products"),
)


def startup_counts() -> dict[str, Any]:
    """Startups tracked, the AI ones among them, and how many in each sector (blank: an AI
    startup nobody has classified yet): one GROUP BY."""
    by_sector = dict(Startup.objects.order_by().values_list("sector").annotate(n=Count("pk")))
    total = sum(by_sector.values())
    sectors = [
        {"sector": sector, "startups": by_sector[sector]}
        for sector in [*Sector.values, ""]
        if by_sector.get(sector)
    ]
    return {
        "total": total,
        "ai": total - by_sector.get(Sector.NOT_AI, 0),
        "sectors": sectors,
    }


def round_counts() -> dict[str, Any]:
    """Rounds tracked per year of announcement, and those of AI startups: one GROUP BY."""
    years = list(
        FundingRound.objects.order_by()
        .annotate(year=ExtractYear("announced_on"))
        .values("year")
        .annotate(rounds=Count("pk"), ai=Count("pk", filter=Q(startup__is_ai=True)))
        .order_by("year")
    )
    return {
        "total": sum(row["rounds"] for row in years),
        "ai": sum(row["ai"] for row in years),
        "years": years,
    }


def _calendar_year(start: dt.date | None, end: dt.date | None) -> int | None:
    """The year a period covers exactly (1 January to 31 December), else None."""
    if start and end and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return start.year if start.year == end.year else None
    return None


def _share(part: int, whole) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def giant_deals() -> list[dict[str, Any]]:
    """Per investor that a published deal count or AI share names (ITJuzi's for Alibaba and
    Tencent): the rounds it or an affiliate joined per year, tracked here, beside the
    published deal count of that year; and each published figure over another period with
    the deals tracked in that period. Four queries."""
    named = list(
        ReportedMetric.objects.filter(
            metric__in=[DEALS_METRIC, SHARE_METRIC], investor__isnull=False
        )
        .order_by("investor__slug")
        .values_list("investor_id", "investor__slug", "investor__name_en", "investor__name_zh")
        .distinct()
    )
    if not named:
        return []
    # An affiliate's deal counts for its parent (InvestorAncestry includes each investor
    # itself), and a round two affiliates joined counts once.
    tracked = (
        Participation.objects.filter(investor__ancestry__ancestor_id__in=[row[0] for row in named])
        .annotate(
            giant=F("investor__ancestry__ancestor_id"), year=ExtractYear("round__announced_on")
        )
        .values("giant", "year")
        .annotate(
            deals=Count("round_id", distinct=True),
            ai=Count("round_id", distinct=True, filter=Q(round__startup__is_ai=True)),
        )
        .order_by("giant", "year")
    )
    per_year: dict[int, dict[int, dict]] = {}
    for row in tracked:
        per_year.setdefault(row["giant"], {})[row["year"]] = {
            "deals": row["deals"],
            "ai": row["ai"],
        }
    published = published_figures([row[1] for row in named])
    giants = []
    for pk, slug, name_en, name_zh in named:
        years = {
            year: {"year": year, **counts, "published": []}
            for year, counts in per_year.get(pk, {}).items()
        }
        others = []
        # Counters disagree (ITJuzi's 39 deals of Tencent in 2023, Tianyancha's 33): a year
        # lists every published count, each with the share of it tracked here.
        for figure in published["deal_counts"]:
            if figure["investor"] != slug:
                continue
            year = _calendar_year(figure["period_start"], figure["period_end"])
            if year is None:
                others.append({**figure, "metric": DEALS_METRIC, "ai_share": None})
                continue
            row = years.setdefault(year, {"year": year, "deals": 0, "ai": 0, "published": []})
            row["published"].append(
                {
                    **figure,
                    "tracked_share": _share(row["deals"], figure["value"]),
                    "tracked_share_qualifier": ratio_qualifier("", figure["qualifier"]),
                }
            )
        for figure in published["shares"]:
            if figure["investor"] == slug:
                others.append(
                    {
                        **figure,
                        "metric": SHARE_METRIC,
                        "ai_share": _share(figure["deals_ai"], figure["deals_tracked"]),
                    }
                )
        giants.append(
            {
                "slug": slug,
                "name_en": name_en,
                "name_zh": name_zh,
                "years": [years[year] for year in sorted(years)],
                "published": sorted(others, key=lambda f: f["period_end"] or dt.date.min),
            }
        )
    return giants


def _source_conditions(kind: RecordKind) -> tuple[Q, Q]:
    """(no source, every source a copy) for a kind's records. A participation rests on its
    own sources when it cites any, else on its round's (data/sample/README.md)."""
    own = Source.objects.filter(**{kind.source_query: OuterRef("pk")})
    cites, original = Exists(own), Exists(own.exclude(kind__in=COPY_KINDS))
    if kind.model is not Participation:
        return ~Q(cites), Q(cites) & ~Q(original)
    of_round = Source.objects.filter(rounds=OuterRef("round_id"))
    round_cites, round_original = Exists(of_round), Exists(of_round.exclude(kind__in=COPY_KINDS))
    unsourced = ~Q(cites) & ~Q(round_cites)
    copies = (Q(cites) & ~Q(original)) | (~Q(cites) & Q(round_cites) & ~Q(round_original))
    return unsourced, copies


def _disputed_figures(model: type[Model]):
    """How many figures the kind's records name as disputed (`disputed_fields` is a comma
    list), summed; 0 for a kind that holds no claims."""
    if not issubclass(model, WithMoney):
        return Value(0, output_field=IntegerField())
    commas = Length("disputed_fields") - Length(Replace("disputed_fields", Value(","), Value("")))
    return Coalesce(
        Sum(commas + 1, filter=~Q(disputed_fields=""), output_field=IntegerField()),
        Value(0),
        output_field=IntegerField(),
    )


def _kind_totals(kind: RecordKind) -> QuerySet:
    unsourced, copies_only = _source_conditions(kind)
    disputed = (
        Count("pk", filter=~Q(disputed_fields=""))
        if issubclass(kind.model, WithMoney)
        else Value(0, output_field=IntegerField())
    )
    # A constant in values() is not grouped by: one row of totals for the whole table.
    return (
        kind.model.objects.order_by()
        .values(record_kind=Value(kind.name, output_field=CharField()))
        .annotate(
            records=Count("pk"),
            unsourced=Count("pk", filter=unsourced),
            copies_only=Count("pk", filter=copies_only),
            disputed_records=disputed,
            disputed_figures=_disputed_figures(kind.model),
        )
    )


def source_counts() -> list[dict[str, Any]]:
    """Per kind of record: how many, how many cite no source, how many rest on copies alone
    (every source syndicated or a database), and how many figures are disputed (two claims
    that cannot both be true, docs/evidence.md) on how many records. One query."""
    first, *rest = (_kind_totals(kind) for kind in RECORD_KINDS)
    rows = {row.pop("record_kind"): row for row in first.union(*rest, all=True)}
    return [{"kind": kind.name, **rows[kind.name]} for kind in RECORD_KINDS]


def coverage() -> dict[str, Any]:
    """The whole report: startups, rounds, the giants' deals against published counts, and
    the sourcing of every kind of record."""
    return {
        "startups": startup_counts(),
        "rounds": round_counts(),
        "giants": giant_deals(),
        "records": source_counts(),
    }
