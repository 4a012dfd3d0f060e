"""claims.csv written back: every claim, its record named by the record's key columns, in
the order of those keys, so that an export imported into an empty database and exported
again gives the same file."""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from .claim_models import Claim
from .exporting_cells import partial
from .importing.claim_rows import KEY_COLUMNS

# Rows fetched per query while streaming the claims out.
EXPORT_CHUNK = 2000


def _round_key(funding_round) -> dict:
    return {
        "startup_slug": funding_round.startup.slug,
        "announced_on": partial(funding_round.announced_on, funding_round.date_precision),
        "round_label": funding_round.round_label,
    }


def _participation_key(participation) -> dict:
    return {**_round_key(participation.round), "investor_slug": participation.investor.slug}


def _valuation_key(mark) -> dict:
    return {
        "startup_slug": mark.startup.slug,
        "valued_on": partial(mark.valued_on, mark.date_precision),
        "kind": mark.kind,
    }


def _compute_key(deal) -> dict:
    return {
        "startup_slug": deal.startup.slug if deal.startup else "",
        "buyer": deal.buyer,
        "kind": deal.kind,
        "chip": deal.chip,
        "provider": deal.provider,
        "announced_on": partial(deal.announced_on, deal.date_precision),
    }


ROUND = ("round__startup__slug", "round__announced_on", "round__round_label")
# Per record kind: the claims, ordered by their record's key, and that key's cells.
BY_RECORD: list[tuple[str, QuerySet, Callable[[Claim], dict]]] = [
    (
        "round",
        Claim.objects.filter(round__isnull=False).select_related("round__startup").order_by(*ROUND),
        lambda claim: _round_key(claim.round),
    ),
    (
        "participation",
        Claim.objects.filter(participation__isnull=False)
        .select_related("participation__round__startup", "participation__investor")
        .order_by(*(f"participation__{name}" for name in ROUND), "participation__investor__slug"),
        lambda claim: _participation_key(claim.participation),
    ),
    (
        "valuation",
        Claim.objects.filter(valuation__isnull=False)
        .select_related("valuation__startup")
        .order_by("valuation__startup__slug", "valuation__valued_on", "valuation__kind"),
        lambda claim: _valuation_key(claim.valuation),
    ),
    (
        "compute",
        Claim.objects.filter(compute_deal__isnull=False)
        .select_related("compute_deal__startup")
        .order_by(
            *(f"compute_deal__{name}" for name in ("buyer", "kind", "chip", "provider")),
            "compute_deal__announced_on",
        ),
        lambda claim: _compute_key(claim.compute_deal),
    ),
]


def claim_rows() -> Iterable[list]:
    for record_kind, claims, key_of in BY_RECORD:
        ordered = claims.select_related("source").order_by(
            *claims.query.order_by, "field", "source__url"
        )
        for claim in ordered.iterator(chunk_size=EXPORT_CHUNK):
            key = key_of(claim)
            yield [
                record_kind,
                *(key.get(column, "") for column in KEY_COLUMNS),
                claim.field,
                claim.value,
                claim.currency,
                claim.qualifier,
                claim.as_of,
                claim.reported_on,
                claim.source.url,
                claim.confidence,
                claim.accepted,
                claim.notes,
            ]
