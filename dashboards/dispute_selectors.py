"""Reads of the claims behind disputed figures, for the pages: one query for all the records a
page shows, and none when none of them is disputed (a record names its disputed figures in
`disputed_fields`, kept by deals.claim_services)."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, F, Q, Value

from deals.claim_models import RECORD_FIELDS, Claim
from deals.evidence import FIGURES, accepted_claim, preference
from deals.models import ComputeDeal, FundingRound, Participation, ValuationMark, WithMoney

from .citations import Citation, ClaimShown

# The overview lists this many disputed records, the latest first; the rest are on their pages.
DISPUTES_SHOWN = 10

RecordKey = tuple[str, int]
Disputes = dict[str, list[ClaimShown]]


def record_key(record: WithMoney) -> RecordKey:
    return record.CLAIM_KIND, record.pk


def _claim_key(claim: Claim) -> RecordKey:
    kind = claim.record_kind
    return kind, getattr(claim, f"{RECORD_FIELDS[kind]}_id")


def disputes_of(records: Iterable[WithMoney]) -> dict[RecordKey, Disputes]:
    """Per disputed record, per disputed figure: its claims, the one shown first, then the
    others in the order the accept rule ranks them."""
    disputed = {record_key(r): r.disputed for r in records if r.disputed}
    if not disputed:
        return {}
    return _disputes(disputed, _claims_of(disputed).select_related("source"))


def _claims_of(keys: Iterable[RecordKey]):
    ids: dict[str, set[int]] = defaultdict(set)
    for kind, pk in keys:
        ids[kind].add(pk)
    condition = Q()
    for kind, pks in ids.items():
        condition |= Q(**{f"{RECORD_FIELDS[kind]}_id__in": sorted(pks)})
    return Claim.objects.filter(condition).order_by("pk")


def _disputes(
    disputed: dict[RecordKey, list[str]], claims: Iterable[Claim]
) -> dict[RecordKey, Disputes]:
    grouped: dict[tuple[RecordKey, str], list[Claim]] = defaultdict(list)
    for claim in claims:
        grouped[_claim_key(claim), claim.field].append(claim)
    found: dict[RecordKey, Disputes] = {}
    for key, fields in disputed.items():
        for field in fields:
            if claims_of_figure := grouped[key, field]:
                found.setdefault(key, {})[field] = _shown(claims_of_figure)
    return found


def _shown(claims: list[Claim]) -> list[ClaimShown]:
    chosen = accepted_claim(claims)
    return [
        ClaimShown(
            field=claim.field,
            value=claim.value,
            currency=claim.currency,
            qualifier=claim.qualifier,
            reported_on=claim.reported_on,
            source=Citation.of(claim.source),
            shown=claim is chosen,
        )
        for claim in sorted(claims, key=preference, reverse=True)
    ]


def attach_disputes(records: Iterable[WithMoney]) -> None:
    """Give each record its `disputes` (figure -> claims), for the pages' markers, and its
    `given_elsewhere` (figure -> the pages that state it, when none of the record's own
    sources does)."""
    records = list(records)
    found = disputes_of(records)
    elsewhere = given_elsewhere(records)
    for record in records:
        record.disputes = found.get(record_key(record), {})
        record.given_elsewhere = elsewhere.get(record_key(record), {})


def given_elsewhere(records: list[WithMoney]) -> dict[RecordKey, dict[str, list[Citation]]]:
    """Per record, the figures it holds that only other pages than its own sources state (a
    claim that filled a figure its own pages leave blank, or won over theirs), with those
    pages: a table that cites the record's sources must not let them pass for the figure's.
    One query for the claims, one per kind of record whose sources were not prefetched."""
    if not records:
        return {}
    by_key = {record_key(record): record for record in records}
    stating: dict[tuple[RecordKey, str], list[Claim]] = defaultdict(list)
    for claim in _claims_of(by_key).select_related("source"):
        key = _claim_key(claim)
        if _holds(by_key[key], claim):
            stating[key, claim.field].append(claim)
    if not stating:
        return {}
    own = _own_sources({key for key, _field in stating}, by_key)
    found: dict[RecordKey, dict[str, list[Citation]]] = {}
    for (key, field), claims in stating.items():
        if not any(claim.source_id in own[key] for claim in claims):
            found.setdefault(key, {})[field] = [
                Citation.of(claim.source) for claim in sorted(claims, key=lambda c: c.source.url)
            ]
    return found


def _holds(record: WithMoney, claim: Claim) -> bool:
    figure = FIGURES[record.CLAIM_KIND][claim.field]
    held = getattr(record, figure.value)
    return (
        held is not None
        and claim.value == held
        and claim.qualifier == getattr(record, figure.qualifier)
        and (not figure.currency or claim.currency == getattr(record, figure.currency))
    )


def _own_sources(keys: set[RecordKey], by_key: dict[RecordKey, WithMoney]) -> dict:
    own: dict[RecordKey, set[int]] = defaultdict(set)
    missing: dict[type, list[int]] = defaultdict(list)
    for key in keys:
        record = by_key[key]
        prefetched = getattr(record, "_prefetched_objects_cache", {}).get("sources")
        if prefetched is not None:
            own[key] = {source.pk for source in prefetched}
        else:
            missing[type(record)].append(record.pk)
    for model, pks in missing.items():
        through = model.sources.through
        owner = model._meta.model_name + "_id"
        for pk, source_id in through.objects.filter(**{f"{owner}__in": pks}).values_list(
            owner, "source_id"
        ):
            own[model.CLAIM_KIND, pk].add(source_id)
    return own


def _latest(model: type[WithMoney], day: str):
    return (
        model.objects.exclude(disputed_fields="")
        .order_by()
        .annotate(record_kind=Value(model.CLAIM_KIND, output_field=CharField()), day=F(day))
        .values_list("record_kind", "pk", "day")
    )


def disputed_figures(limit: int = DISPUTES_SHOWN) -> list[dict[str, Any]]:
    """The latest records with a disputed figure, of every kind, each with its claims: two
    queries (cached per refresh by the overview), the records read with their claims."""
    latest = (
        _latest(FundingRound, "announced_on")
        .union(
            _latest(Participation, "round__announced_on"),
            _latest(ValuationMark, "valued_on"),
            _latest(ComputeDeal, "announced_on"),
            all=True,
        )
        .order_by("-day", "-record_kind", "-pk")[:limit]
    )
    keys = [(kind, pk) for kind, pk, _day in latest]
    if not keys:
        return []
    claims = list(_claims_of(keys).select_related("source", *RECORDS_WITH_NAMES))
    records = {_claim_key(claim): claim.record for claim in claims}
    disputes = _disputes({key: records[key].disputed for key in records}, claims)
    return [_item(records[key], disputes.get(key, {})) for key in keys if key in records]


# What the overview names beside a record: its startup, a stake's round and investor.
RECORDS_WITH_NAMES = (
    "round__startup",
    "participation__round__startup",
    "participation__investor",
    "valuation__startup",
    "compute_deal__startup",
)


def _named(record) -> dict[str, str] | None:
    if record is None:
        return None
    return {"slug": record.slug, "name_en": record.name_en, "name_zh": record.name_zh}


def _item(record: WithMoney, disputes: Disputes) -> dict[str, Any]:
    """A disputed record as the overview lists it: language-neutral, so that it is cached.
    A stake is listed under its round (its date, its anchor on the startup page)."""
    kind = record.CLAIM_KIND
    dated = record.round if kind == "participation" else record
    if kind == "valuation":
        label = record.kind
    elif kind == "compute":
        label = record.chip or record.provider
    else:
        label = dated.round_label
    return {
        "kind": kind,
        "pk": record.pk,
        "disputes": disputes,
        "startup": _named(dated.startup),
        "buyer": getattr(record, "buyer", ""),
        "investor": _named(record.investor) if kind == "participation" else None,
        "anchor": f"{ANCHORS.get(kind, 'round')}-{dated.pk}",
        "date": dated.money_date(),
        "precision": dated.date_precision,
        "label": label,
        "citations": list(
            dict.fromkeys(claim.source for claims in disputes.values() for claim in claims)
        ),
    }


# The id of a record's row on its startup's page (a round's and a stake's: the round's card).
ANCHORS = {"valuation": "mark", "compute": "compute"}
