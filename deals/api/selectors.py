"""Querysets behind the API's lists: every relation a page shows is fetched in a fixed number
of queries, whatever the page size."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Case, F, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, When

from deals.claim_models import Claim
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
# The order of a record's claims, read as instances or as rows: by figure, latest report
# first, undated last (PostgreSQL would put them first).
CLAIM_ORDER = ("field", F("reported_on").desc(nulls_last=True), "pk")


def claims_prefetch() -> Prefetch:
    """A record's claims with their sources (`prefetched_claims`), one query for a page."""
    claims = Claim.objects.select_related("source").order_by(*CLAIM_ORDER)
    return Prefetch("claims", queryset=claims, to_attr="prefetched_claims")


def with_latest_valuation(startups: QuerySet[Startup]) -> QuerySet[Startup]:
    """Annotate `latest_valuation_usd`, its bound `latest_valuation_qualifier` (exact,
    approx, at_least, at_most: the figure's own) and `latest_valuation_on`: the latest
    post-money valuation of a round or valuation mark known in USD; on the same day the round
    wins."""
    rounds = FundingRound.objects.filter(
        startup=OuterRef("pk"), post_money_valuation_usd__isnull=False
    ).order_by("-announced_on", "-pk")
    marks = ValuationMark.objects.filter(startup=OuterRef("pk"), value_usd__isnull=False).order_by(
        "-valued_on", "-pk"
    )
    # Each figure of the latest valuation: (its column on a round, on a mark).
    latest = {
        "latest_valuation_usd": ("post_money_valuation_usd", "value_usd"),
        "latest_valuation_qualifier": ("valuation_qualifier", "value_qualifier"),
        "latest_valuation_on": ("announced_on", "valued_on"),
    }
    candidates = {}
    for name, (round_column, mark_column) in latest.items():
        candidates[f"_round_{name}"] = Subquery(rounds.values(round_column)[:1])
        candidates[f"_mark_{name}"] = Subquery(marks.values(mark_column)[:1])
    mark_wins = Q(_mark_latest_valuation_on__isnull=False) & (
        Q(_round_latest_valuation_on__isnull=True)
        | Q(_mark_latest_valuation_on__gt=F("_round_latest_valuation_on"))
    )
    return startups.annotate(**candidates).annotate(
        **{
            name: Case(When(mark_wins, then=F(f"_mark_{name}")), default=F(f"_round_{name}"))
            for name in latest
        }
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
    "disputed_fields",
)


# The order of a round's participants, read as instances or as rows.
PARTICIPANT_ORDER = ("-is_lead", "investor__name_en", "pk")


def rounds_for_api() -> QuerySet[FundingRound]:
    participants = (
        Participation.objects.select_related("investor")
        .only(*PARTICIPANT_COLUMNS)
        .order_by(*PARTICIPANT_ORDER)
        .prefetch_related(claims_prefetch())
    )
    startup = ("startup__slug", "startup__name_en", "startup__is_ai")
    rounds = FundingRound.objects.select_related("startup").only(
        *own_fields_and(FundingRound, *startup)
    )
    return rounds.prefetch_related(
        Prefetch("participations", queryset=participants, to_attr="prefetched_participations"),
        SOURCE_URLS,
        claims_prefetch(),
    )


def participations_for_api() -> QuerySet[Participation]:
    return Participation.objects.select_related("round__startup", "investor").prefetch_related(
        SOURCE_URLS, claims_prefetch()
    )


def valuation_marks_for_api() -> QuerySet[ValuationMark]:
    return ValuationMark.objects.select_related("startup").prefetch_related(
        SOURCE_URLS, claims_prefetch()
    )


def products_for_api() -> QuerySet[ModelProduct]:
    return ModelProduct.objects.select_related("startup").prefetch_related(SOURCE_URLS)


def compute_deals_for_api() -> QuerySet[ComputeDeal]:
    return ComputeDeal.objects.select_related("startup", "provider_investor").prefetch_related(
        SOURCE_URLS, claims_prefetch()
    )


def fx_rates_for_api() -> QuerySet[FxRate]:
    return FxRate.objects.select_related("source")


def metrics_for_api() -> QuerySet[ReportedMetric]:
    return ReportedMetric.objects.select_related("investor", "startup").prefetch_related(
        SOURCE_URLS
    )


def sources_for_api() -> QuerySet[Source]:
    return Source.objects.all()


# List pages read as `.values()` rows (deals.api.serializers.rows): the same records as the
# querysets above, without a model instance per record, related record and source.

# Where a row holds its record's source URLs (the m2m's name: no column is called so).
SOURCE_URLS_KEY = "sources"
ROW_ORDER: dict[type[Model], Sequence[str]] = {
    Participation: PARTICIPANT_ORDER,
    Claim: CLAIM_ORDER,
}


@dataclass(frozen=True)
class RelatedRows:
    """What a row shows of a reverse foreign key: these columns of each related row, and the
    related rows' own (a round's participants' claims)."""

    columns: tuple[str, ...]
    relations: Mapping[str, "RelatedRows"] = field(default_factory=dict)


def round_rows_for_api(columns: Sequence[str]) -> QuerySet[FundingRound]:
    """The rounds of rounds_for_api as rows of these columns (filters and the cursor narrow
    them); their participants and sources come from add_related_rows."""
    return rows_template(FundingRound, tuple(columns)).all()


@cache
def rows_template(model: type[Model], columns: tuple[str, ...]) -> QuerySet:
    """`.values()` of these columns and the key, resolved once per process (a page's time
    on SQLite went to resolving its columns and joins): each page takes a clone."""
    pk = model._meta.pk.name
    return model.objects.values(*dict.fromkeys([*columns, pk]))


def add_related_rows(
    rows: list[dict],
    model: type[Model],
    relations: Mapping[str, RelatedRows],
    source_urls: bool,
    *,
    scope: tuple[str, list] | None = None,
) -> list[dict]:
    """Put in each row the rows of its reverse foreign keys (`participations`: these
    columns, and their own related rows) and its source URLs: one query each, whatever the
    number of rows.

    Nested rows (a round's participants' claims) are read by the page's own records
    (`scope`: the path from them, and their ids), so that the query runs, and is counted, the
    same whether or not the page has participants."""
    pk = model._meta.pk.name
    ids = [row[pk] for row in rows]
    for relation, wanted in relations.items():
        foreign_key, template = related_rows_template(model, relation, wanted.columns)
        path, scope_ids = (
            (foreign_key, ids) if scope is None else (f"{foreign_key}__{scope[0]}", scope[1])
        )
        related = defaultdict(list)
        for row in template.filter(**{f"{path}__pk__in": scope_ids}):
            related[row.pop(OWNER)].append(row)
        if wanted.relations:
            every_related = [one for group in related.values() for one in group]
            related_model = model._meta.get_field(relation).related_model
            add_related_rows(
                every_related, related_model, wanted.relations, False, scope=(path, scope_ids)
            )
        for row in rows:
            row[relation] = related.get(row[pk], [])
    if source_urls:
        urls = source_urls_by_owner(model, ids)
        for row in rows:
            row[SOURCE_URLS_KEY] = urls.get(row[pk], [])
    return rows


def source_urls_by_owner(model: type[Model], ids: list) -> dict[int, list[str]]:
    owner, links = source_links_template(model)
    grouped = defaultdict(list)
    for owner_id, url in links.filter(**{f"{owner}__pk__in": ids}):
        grouped[owner_id].append(url)
    return grouped


# The queries of a page's related rows, built once per process and filtered per page: their
# columns, joins and order cost more to resolve than the filter. Never evaluated themselves.
# The filter names the owner's key (`round__pk__in`), the same SQL as `round__in` without
# Django normalising each id as a related object.
OWNER = "_owner"  # no column of a model starts with an underscore


@cache
def related_rows_template(model, relation: str, columns: tuple[str, ...]) -> tuple[str, QuerySet]:
    foreign_key = model._meta.get_field(relation).field
    related = foreign_key.model
    rows = related.objects.order_by(*ROW_ORDER.get(related, ("pk",))).values(
        *columns, **{OWNER: F(foreign_key.attname)}
    )
    return foreign_key.name, rows


@cache
def source_links_template(model: type[Model]) -> tuple[str, QuerySet]:
    sources = model._meta.get_field("sources")
    owner, source = sources.m2m_field_name(), sources.m2m_reverse_field_name()
    links = sources.remote_field.through.objects.values_list(f"{owner}_id", f"{source}__url")
    return owner, links
