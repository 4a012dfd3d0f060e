"""export_data: every table written back in the import format, so that export then import
into an empty database gives the same data. Cells a spreadsheet would run as a formula get a
leading apostrophe (startups.spreadsheet), which the importer removes again."""

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.db.models import Model, Prefetch, QuerySet

from startups.identifiers import format_identifiers, identifiers_of
from startups.models import ModelProduct, Source, Startup
from startups.spreadsheet import neutralise
from startups.vocab import join_urls

from .claim_exporting import claim_rows
from .exporting_cells import cell, partial
from .exporting_figures import claims_prefetch, own_figures
from .importing.claim_rows import COLUMNS as CLAIM_COLUMNS
from .models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
)

# Rows fetched per query while streaming a table out; sources are prefetched per chunk.
EXPORT_CHUNK = 2000


def urls(record: Model) -> str:
    return join_urls(sorted(source.url for source in record.sources.all()))


def with_sources(queryset: QuerySet, claims_of: str = "") -> Iterator[Model]:
    """`claims_of`: the claims' field naming these records, when their figures hold claims."""
    prefetch = [Prefetch("sources", queryset=Source.objects.only("url"))]
    if claims_of:
        prefetch.append(claims_prefetch(claims_of))
    return queryset.prefetch_related(*prefetch).iterator(chunk_size=EXPORT_CHUNK)


def evidence(record) -> list:
    return [urls(record), record.confidence, record.notes]


EVIDENCE = ["source_url", "confidence", "notes"]


def _sources() -> Iterable[list]:
    for s in Source.objects.order_by("url").iterator(chunk_size=EXPORT_CHUNK):
        yield [
            s.url,
            s.publisher,
            s.title,
            s.published_on,
            s.kind,
            s.original_publisher,
            s.notes,
        ]


def _fx_rates() -> Iterable[list]:
    for rate in FxRate.objects.select_related("source").order_by("currency", "month"):
        yield [
            f"{rate.month:%Y-%m}",
            rate.currency,
            rate.units_per_usd,
            rate.source.url if rate.source else "",
            rate.source_note,
        ]


def _investors() -> Iterable[list]:
    for i in with_sources(Investor.objects.select_related("parent").order_by("slug")):
        yield [
            i.slug,
            i.name_en,
            i.name_zh,
            i.aliases,
            format_identifiers(identifiers_of(i)),
            i.kind,
            i.parent.slug if i.parent else "",
            i.hq_country,
            i.hq_city,
            *evidence(i),
        ]


def _startups() -> Iterable[list]:
    queryset = Startup.objects.prefetch_related("tags").order_by("slug")
    for s in with_sources(queryset):
        yield [
            s.slug,
            s.name_en,
            s.name_zh,
            s.aliases,
            format_identifiers(identifiers_of(s)),
            s.country,
            s.city,
            partial(s.founded_on, s.founded_precision),
            s.founders,
            s.focus,
            s.products_summary,
            s.is_ai,
            s.sector,
            s.status,
            s.ipo_date,
            s.ipo_exchange,
            s.website,
            s.description,
            "; ".join(sorted(t.slug for t in s.tags.all())),
            *evidence(s),
        ]


def _round_key(r: FundingRound) -> list:
    return [
        r.startup.slug,
        partial(r.announced_on, r.date_precision),
        r.date_precision,
        r.round_label,
    ]


def _rounds() -> Iterable[list]:
    queryset = (
        FundingRound.objects.select_related("startup")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("investor"))
        )
        .order_by("startup__slug", "announced_on", "round_label")
    )
    for r in with_sources(queryset, claims_of="round"):
        people = list(r.participations.all())
        own = own_figures(r)
        yield [
            *_round_key(r),
            own["amount"],
            own["amount_currency"],
            own["amount_qualifier"],
            own["post_money_valuation"],
            own["valuation_currency"],
            own["valuation_qualifier"],
            "; ".join(p.investor.slug for p in people if p.is_lead),
            "; ".join(p.investor.slug for p in people if not p.is_lead),
            own["compute_credit_amount"],
            own["compute_credit_currency"],
            own["compute_credit_qualifier"],
            *evidence(r),
        ]


def _participations() -> Iterable[list]:
    """Only participations that say more than rounds.csv's lead and participant lists."""
    queryset = (
        Participation.objects.select_related("round__startup", "investor")
        .exclude(
            amount__isnull=True,
            stake_percent__isnull=True,
            compute_credit_amount__isnull=True,
            sources__isnull=True,
            notes="",
        )
        .distinct()
        .order_by("round__startup__slug", "round__announced_on", "investor__slug")
    )
    for p in with_sources(queryset, claims_of="participation"):
        own = own_figures(p)
        yield [
            *_round_key(p.round),
            p.investor.slug,
            p.is_lead,
            own["amount"],
            own["amount_currency"],
            own["amount_qualifier"],
            own["stake_percent"],
            own["stake_qualifier"],
            own["compute_credit_amount"],
            own["compute_credit_currency"],
            own["compute_credit_qualifier"],
            *evidence(p),
        ]


def _valuations() -> Iterable[list]:
    queryset = ValuationMark.objects.select_related("startup").order_by(
        "startup__slug", "valued_on"
    )
    for v in with_sources(queryset, claims_of="valuation"):
        own = own_figures(v)
        yield [
            v.startup.slug,
            partial(v.valued_on, v.date_precision),
            v.date_precision,
            own["value"],
            own["currency"],
            own["value_qualifier"],
            v.kind,
            *evidence(v),
        ]


def _metrics() -> Iterable[list]:
    queryset = ReportedMetric.objects.select_related("investor", "startup").order_by(
        "metric", "subject", "period_end"
    )
    for m in with_sources(queryset):
        yield [
            m.metric,
            m.subject,
            m.investor.slug if m.investor else "",
            m.startup.slug if m.startup else "",
            m.period_start,
            m.period_end,
            m.value,
            m.value_qualifier,
            m.unit,
            *evidence(m),
        ]


def _products() -> Iterable[list]:
    queryset = ModelProduct.objects.select_related("startup").order_by("startup__slug", "name")
    for p in with_sources(queryset):
        yield [
            p.startup.slug,
            p.name,
            partial(p.launched_on, p.date_precision),
            p.date_precision if p.launched_on else "",
            p.modality,
            p.open_weights,
            p.kind,
            partial(p.cac_filing_on, p.cac_filing_precision),
            p.cac_filing_precision if p.cac_filing_on else "",
            p.cac_filing_number,
            *evidence(p),
        ]


def _compute() -> Iterable[list]:
    queryset = ComputeDeal.objects.select_related("startup", "provider_investor").order_by(
        "announced_on", "buyer"
    )
    for c in with_sources(queryset, claims_of="compute_deal"):
        own = own_figures(c)
        yield [
            c.startup.slug if c.startup else "",
            c.buyer,
            c.kind,
            c.chip,
            own["quantity"],
            own["quantity_qualifier"],
            c.provider,
            c.provider_investor.slug if c.provider_investor else "",
            own["amount"],
            own["amount_currency"],
            own["amount_qualifier"],
            c.below_market,
            partial(c.announced_on, c.date_precision),
            c.date_precision,
            *evidence(c),
        ]


ROUND_KEY = ["startup_slug", "announced_on", "date_precision", "round_label"]
TABLES: list[tuple[str, list[str], Callable[[], Iterable[list]]]] = [
    (
        "sources",
        ["url", "publisher", "title", "published_on", "kind", "original_publisher", "notes"],
        _sources,
    ),
    ("fx_rates", ["month", "currency", "units_per_usd", "source_url", "source_note"], _fx_rates),
    (
        "investors",
        [
            "slug",
            "name_en",
            "name_zh",
            "aliases",
            "identifiers",
            "kind",
            "parent_slug",
            "hq_country",
            "hq_city",
            *EVIDENCE,
        ],
        _investors,
    ),
    (
        "startups",
        [
            "slug",
            "name_en",
            "name_zh",
            "aliases",
            "identifiers",
            "country",
            "city",
            "founded",
            "founders",
            "focus",
            "products",
            "is_ai",
            "sector",
            "status",
            "ipo_date",
            "ipo_exchange",
            "website",
            "description",
            "tags",
            *EVIDENCE,
        ],
        _startups,
    ),
    (
        "rounds",
        [
            *ROUND_KEY,
            "amount",
            "amount_currency",
            "amount_qualifier",
            "post_money_valuation",
            "valuation_currency",
            "valuation_qualifier",
            "lead_investors",
            "participants",
            "compute_credit_amount",
            "compute_credit_currency",
            "compute_credit_qualifier",
            *EVIDENCE,
        ],
        _rounds,
    ),
    (
        "participations",
        [
            *ROUND_KEY,
            "investor_slug",
            "is_lead",
            "amount",
            "amount_currency",
            "amount_qualifier",
            "stake_percent",
            "stake_qualifier",
            "compute_credit_amount",
            "compute_credit_currency",
            "compute_credit_qualifier",
            *EVIDENCE,
        ],
        _participations,
    ),
    (
        "valuations",
        [
            "startup_slug",
            "valued_on",
            "date_precision",
            "value",
            "currency",
            "value_qualifier",
            "kind",
            *EVIDENCE,
        ],
        _valuations,
    ),
    (
        "metrics",
        [
            "metric",
            "subject",
            "investor_slug",
            "startup_slug",
            "period_start",
            "period_end",
            "value",
            "value_qualifier",
            "unit",
            *EVIDENCE,
        ],
        _metrics,
    ),
    (
        "products",
        [
            "startup_slug",
            "name",
            "launched_on",
            "date_precision",
            "modality",
            "open_weights",
            "kind",
            "cac_filing_on",
            "cac_filing_precision",
            "cac_filing_number",
            *EVIDENCE,
        ],
        _products,
    ),
    (
        "compute",
        [
            "startup_slug",
            "buyer",
            "kind",
            "chip",
            "quantity",
            "quantity_qualifier",
            "provider",
            "provider_slug",
            "amount",
            "amount_currency",
            "amount_qualifier",
            "below_market",
            "announced_on",
            "date_precision",
            *EVIDENCE,
        ],
        _compute,
    ),
    ("claims", CLAIM_COLUMNS, claim_rows),
]


def export_all(folder: Path, on_file: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write one CSV per table into `folder`, calling `on_file(name)` after each; returns the
    rows written per file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, header, rows in TABLES:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            count = 0
            for row in rows():
                writer.writerow([neutralise(cell(value)) for value in row])
                count += 1
        written[f"{name}.csv"] = count
        if on_file is not None:
            on_file(f"{name}.csv")
    return written
