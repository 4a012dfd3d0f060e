"""The files of the import format (data/sample/README.md): columns, keys, and how a row
becomes the fields of a record."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from deals.models import (
    ComputeDeal,
    ComputeKind,
    FundingRound,
    FxRate,
    Investor,
    InvestorKind,
    Participation,
    ReportedMetric,
    ValuationKind,
    ValuationMark,
)
from startups.identifiers import IDENTIFIER_KINDS
from startups.models import ModelProduct, ProductKind, Source, Startup, StartupStatus
from startups.sectors import Sector, sector_fields
from startups.vocab import Confidence, Qualifier, SourceKind, period_end

from . import cells
from .claim_rows import CLAIM_TARGET, stage_claim
from .context import CellReader, Context
from .csvfile import Row
from .engine import Staged, Target

QUALIFIERS = cells.choices_of(Qualifier)


@dataclass
class FileSpec:
    name: str
    required: list[str]
    target: Target
    stage: Callable[[Row, Context], Staged]
    key_columns: tuple[str, ...]

    def __post_init__(self) -> None:
        # A file of records that must cite a source lacks a column every row needs.
        if getattr(self.target.model, "SOURCES_REQUIRED", False):
            self.required = [*self.required, "source_url"]


def _evidence(read: CellReader) -> dict:
    return {
        "confidence": read(
            "confidence", cells.choice, cells.choices_of(Confidence), Confidence.REPORTED
        ),
        "notes": read("notes"),
    }


def _money(read: CellReader, value: str, currency: str, qualifier: str, prefix: str = ""):
    """Three columns of one money figure; the model fields share the column names."""
    return {
        f"{prefix}{value}": read(value, cells.decimal),
        f"{prefix}{currency}": read(currency, cells.currency),
        f"{prefix}{qualifier}": read(qualifier, cells.choice, QUALIFIERS, Qualifier.EXACT),
    }


def stage_fx_rate(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    month = read("month", cells.month)
    currency = read("currency", cells.currency)
    rate = read("units_per_usd", cells.decimal)
    if rate is None and not read.problems:
        read.fail("units_per_usd", "is required")
    source_url = read("source_url", cells.url) or None  # a rate has one source
    read.check()
    return Staged(
        row.line,
        (month, currency),
        {
            "month": month,
            "currency": currency,
            "units_per_usd": rate,
            "source_note": read("source_note"),
        },
        extra={"source_url": source_url},
    )


def stage_source(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    url = read("url", cells.url) or None
    fields = {
        "url": url,
        "publisher": read("publisher"),
        "title": read("title"),
        "published_on": read("published_on", cells.optional_date),
        "kind": read("kind", cells.choice, cells.choices_of(SourceKind), ""),
        "original_publisher": read("original_publisher"),
        "notes": read("notes"),
    }
    read.check()
    return Staged(row.line, (url,), fields)


def _named(read: CellReader) -> dict:
    return {
        "slug": read("slug"),
        "name_en": read("name_en"),
        "name_zh": read("name_zh"),
        "aliases": "; ".join(cells.slug_list(read("aliases") or "")),
        **_identifiers(read),
    }


def _identifiers(read: CellReader) -> dict:
    """The five identifier fields as the `identifiers` cell leaves them: the kinds it gives,
    the others blank (a row is the whole record, so a blank cell clears them). A file
    without the column leaves every record's identifiers as they are: files written before
    the column existed (the sample's) do not wipe identifiers on re-import."""
    if not read.row.has("identifiers"):
        return {}
    given = read("identifiers", cells.identifiers) or {}
    return {kind: given.get(kind, "") for kind in IDENTIFIER_KINDS}


def stage_investor(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    fields = {
        **_named(read),
        "kind": read("kind", cells.choice, cells.choices_of(InvestorKind), InvestorKind.OTHER),
        "hq_country": read("hq_country"),
        "hq_city": read("hq_city"),
        **_evidence(read),
    }
    sources = read.sources(Investor)
    read.check()
    return Staged(
        row.line,
        (fields["slug"],),
        fields,
        m2m={"sources": sources},
        extra={"parent_slug": read("parent_slug")},
    )


def _sector(read: CellReader) -> dict:
    """`sector` and `is_ai` as the row leaves them; a row is a whole record, so a blank
    sector clears the stored one (startups.sectors.sector_fields)."""
    sector = read("sector", cells.choice, cells.choices_of(Sector))
    is_ai = read("is_ai", cells.boolean)
    try:
        return sector_fields(sector=sector or "", is_ai=is_ai)
    except ValidationError as error:
        for message in error.message_dict["is_ai"]:
            read.fail("is_ai", message)
        return {}


def stage_startup(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    founded = read("founded", cells.partial_date) if row["founded"] else (None, "day")
    fields = {
        **_named(read),
        "country": read("country") or "CN",
        "city": read("city"),
        "founded_on": founded[0] if founded else None,
        "founded_precision": founded[1] if founded else "day",
        "founders": read("founders"),
        "focus": read("focus"),
        "products_summary": read("products"),
        **_sector(read),
        "status": read(
            "status", cells.choice, cells.choices_of(StartupStatus), StartupStatus.PRIVATE
        ),
        "ipo_date": read("ipo_date", cells.optional_date),
        "ipo_exchange": read("ipo_exchange"),
        "website": read("website"),
        "description": read("description"),
        **_evidence(read),
    }
    m2m = {"sources": read.sources(Startup), "tags": read("tags", cells.slug_list)}
    if fields["status"] == StartupStatus.PUBLIC and fields["ipo_date"] is None:
        read.fail("ipo_date", "is required for a public company")
    read.check()
    return Staged(row.line, (fields["slug"],), fields, m2m=m2m)


def round_key(read: CellReader, context: Context):
    startup = read.reference("startup_slug", context.startups)
    announced_on, precision = read.date("announced_on")
    label = read("round_label")
    if not label:
        read.fail("round_label", "is required")
    return (startup, announced_on, label), precision


def stage_round(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    (startup, announced_on, label), precision = round_key(read, context)
    fields = {
        "startup_id": startup,
        "announced_on": announced_on,
        "date_precision": precision,
        "round_label": label,
        **_money(read, "amount", "amount_currency", "amount_qualifier"),
        **_money(read, "post_money_valuation", "valuation_currency", "valuation_qualifier"),
        **_money(
            read, "compute_credit_amount", "compute_credit_currency", "compute_credit_qualifier"
        ),
        **_evidence(read),
    }
    investors: dict[int, bool] = {}
    for column, is_lead in (("lead_investors", True), ("participants", False)):
        for reference in read(column, cells.slug_list) or []:
            if (investor := read.resolve(column, context.investors, reference)) is not None:
                # A lead named among the participants too stays a lead.
                investors[investor] = investors.get(investor, False) or is_lead
    sources = read.sources(FundingRound)
    read.check()
    return Staged(
        row.line,
        (startup, announced_on, label),
        fields,
        m2m={"sources": sources},
        money_date=announced_on,
        extra={"investors": investors},
    )


def stage_participation(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    round_identity, _ = round_key(read, context)
    investor = read.reference("investor_slug", context.investors)
    fields = {
        "investor_id": investor,
        "is_lead": read("is_lead", cells.boolean, False),
        **_money(read, "amount", "amount_currency", "amount_qualifier"),
        "stake_percent": read("stake_percent", cells.decimal),
        "stake_qualifier": read("stake_qualifier", cells.choice, QUALIFIERS, Qualifier.EXACT),
        **_money(
            read, "compute_credit_amount", "compute_credit_currency", "compute_credit_qualifier"
        ),
        **_evidence(read),
    }
    sources = read.sources(Participation)
    read.check()
    # The round id is filled in per batch (one query), and with it the key and the date.
    return Staged(
        row.line,
        (round_identity, investor),
        fields,
        m2m={"sources": sources},
        extra={"round": round_identity},
    )


def stage_valuation(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    startup = read.reference("startup_slug", context.startups)
    valued_on, precision = read.date("valued_on")
    kind = read("kind", cells.choice, cells.choices_of(ValuationKind), ValuationKind.PRESS_REPORT)
    value = read("value", cells.decimal)
    if value is None and not row["value"]:
        read.fail("value", "is required")
    fields = {
        "startup_id": startup,
        "valued_on": valued_on,
        "date_precision": precision,
        "value": value,
        "currency": read("currency", cells.currency),
        "value_qualifier": read("value_qualifier", cells.choice, QUALIFIERS, Qualifier.EXACT),
        "kind": kind,
        **_evidence(read),
    }
    sources = read.sources(ValuationMark)
    read.check()
    return Staged(
        row.line,
        (startup, valued_on, kind),
        fields,
        m2m={"sources": sources},
        money_date=valued_on,
    )


def stage_metric(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    start = read("period_start", cells.partial_date) if row["period_start"] else None
    end = read("period_end", cells.partial_date) if row["period_end"] else None
    value = read("value", cells.decimal)
    if value is None and not row["value"]:
        read.fail("value", "is required")
    fields = {
        "metric": read("metric"),
        "subject": read("subject"),
        "investor_id": read.reference("investor_slug", context.investors, False),
        "startup_id": read.reference("startup_slug", context.startups, False),
        "period_start": start[0] if start else None,
        # "2024" as an end means the end of 2024.
        "period_end": period_end(*end) if end else None,
        "value": value,
        "value_qualifier": read("value_qualifier", cells.choice, QUALIFIERS, Qualifier.EXACT),
        "unit": read("unit"),
        **_evidence(read),
    }
    sources = read.sources(ReportedMetric)
    read.check()
    key = (fields["metric"], fields["subject"], fields["period_start"], fields["period_end"])
    return Staged(row.line, key, fields, m2m={"sources": sources})


def stage_product(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    startup = read.reference("startup_slug", context.startups)
    launched = read.date("launched_on") if row["launched_on"] else (None, "day")
    filed = read.date("cac_filing_on", "cac_filing_precision") if row["cac_filing_on"] else None
    fields = {
        "startup_id": startup,
        "name": read("name"),
        "launched_on": launched[0],
        "date_precision": launched[1] or "day",
        "modality": read("modality"),
        "open_weights": read("open_weights", cells.boolean, None),
        "kind": read("kind", cells.choice, cells.choices_of(ProductKind), ProductKind.MODEL),
        "cac_filing_on": filed[0] if filed else None,
        "cac_filing_precision": (filed[1] if filed else None) or "day",
        "cac_filing_number": read("cac_filing_number"),
        **_evidence(read),
    }
    sources = read.sources(ModelProduct)
    read.check()
    return Staged(row.line, (startup, fields["name"]), fields, m2m={"sources": sources})


def stage_compute(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    startup = read.reference("startup_slug", context.startups, False)
    provider_investor = read.reference("provider_slug", context.investors, False)
    announced_on, precision = read.date("announced_on")
    buyer = read("buyer")
    if not buyer and not row["startup_slug"]:
        read.fail("buyer", "is required when there is no startup_slug")
    fields = {
        "startup_id": startup,
        "buyer": buyer or (context.startups.slug_of(startup) if startup else ""),
        "kind": read("kind", cells.choice, cells.choices_of(ComputeKind), ""),
        "chip": read("chip"),
        "quantity": read("quantity", cells.integer),
        "quantity_qualifier": read("quantity_qualifier", cells.choice, QUALIFIERS, Qualifier.EXACT),
        "provider": read("provider")
        or (context.investors.slug_of(provider_investor) if provider_investor else ""),
        "provider_investor_id": provider_investor,
        **_money(read, "amount", "amount_currency", "amount_qualifier"),
        "below_market": read("below_market", cells.boolean, None),
        "announced_on": announced_on,
        "date_precision": precision,
        **_evidence(read),
    }
    if not fields["kind"] and row["kind"] == "":
        read.fail("kind", "is required")
    sources = read.sources(ComputeDeal)
    read.check()
    key = (fields["buyer"], fields["kind"], fields["chip"], fields["provider"], announced_on)
    return Staged(row.line, key, fields, m2m={"sources": sources}, money_date=announced_on)


ROUND_KEY = ("startup_slug", "announced_on", "round_label")
# The model's identifier fields are one column of the file.
IDENTIFIER_COLUMNS = dict.fromkeys(IDENTIFIER_KINDS, "identifiers")
STARTUP_COLUMNS = {"startup_id": "startup_slug", "startup": "startup_slug"}

SPECS = [
    FileSpec("sources", ["url"], Target(Source, ("url",)), stage_source, ("url",)),
    FileSpec(
        "fx_rates",
        ["month", "currency", "units_per_usd"],
        Target(FxRate, ("month", "currency")),
        stage_fx_rate,
        ("month", "currency"),
    ),
    FileSpec(
        "investors",
        ["slug", "name_en"],
        Target(Investor, ("slug",), {"parent": "parent_slug", **IDENTIFIER_COLUMNS}),
        stage_investor,
        ("slug",),
    ),
    FileSpec(
        "startups",
        ["slug", "name_en"],
        Target(
            Startup,
            ("slug",),
            {"founded_on": "founded", "products_summary": "products", **IDENTIFIER_COLUMNS},
        ),
        stage_startup,
        ("slug",),
    ),
    FileSpec(
        "rounds",
        list(ROUND_KEY),
        Target(FundingRound, ("startup_id", "announced_on", "round_label"), STARTUP_COLUMNS),
        stage_round,
        ROUND_KEY,
    ),
    FileSpec(
        "participations",
        [*ROUND_KEY, "investor_slug"],
        Target(
            Participation,
            ("round_id", "investor_id"),
            {"investor": "investor_slug"},
            promote_only=frozenset({"is_lead"}),
        ),
        stage_participation,
        (*ROUND_KEY, "investor_slug"),
    ),
    FileSpec(
        "valuations",
        ["startup_slug", "valued_on", "value", "currency"],
        Target(ValuationMark, ("startup_id", "valued_on", "kind"), STARTUP_COLUMNS),
        stage_valuation,
        ("startup_slug", "valued_on", "kind"),
    ),
    FileSpec(
        "metrics",
        ["metric", "subject", "value", "unit"],
        Target(
            ReportedMetric,
            ("metric", "subject", "period_start", "period_end"),
            {"investor": "investor_slug", "startup": "startup_slug"},
        ),
        stage_metric,
        ("metric", "subject", "period_start", "period_end"),
    ),
    FileSpec(
        "products",
        ["startup_slug", "name"],
        Target(ModelProduct, ("startup_id", "name"), STARTUP_COLUMNS),
        stage_product,
        ("startup_slug", "name"),
    ),
    FileSpec(
        "compute",
        ["kind"],
        Target(
            ComputeDeal,
            ("buyer", "kind", "chip", "provider", "announced_on"),
            {**STARTUP_COLUMNS, "provider_investor": "provider_slug"},
        ),
        stage_compute,
        ("buyer", "kind", "chip", "provider", "announced_on"),
    ),
]
# After the records they are about.
SPECS.append(
    FileSpec(
        "claims",
        ["record", "field", "value", "source_url"],
        CLAIM_TARGET,
        stage_claim,
        ("record", "the record's key", "field", "source_url"),
    )
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
