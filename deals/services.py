"""Writes to investors, rounds, participations, valuations, compute deals, metrics and FX.

Every money figure passes through `money_record_save`, which derives its USD value at the
record's date before validation, so no path can store a figure without its USD twin.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from startups.services import assign_fields, record_delete, record_save
from startups.touch import Touched

from .claim_services import claims_from_write, figure_values
from .fx import RateBook, apply_usd
from .models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    InvestorAncestry,
    Participation,
    ReportedMetric,
    ValuationMark,
    WithMoney,
)

# Rows converted per UPDATE when rates change: large enough to amortise the round trip,
# small enough to keep one statement's parameters under SQLite's limit.
USD_RECOMPUTE_BATCH = 2000


@transaction.atomic
def money_record_save(
    instance: WithMoney,
    *,
    source_urls: Iterable[str] | None = None,
    book: RateBook | None = None,
) -> WithMoney:
    book = book or RateBook.load()
    before = figure_values(instance)
    apply_usd(instance, instance.MONEY_FIELDS, instance.money_date(), book)
    record_save(instance, source_urls=source_urls)
    claims_from_write(instance, before, book=book)
    return instance


@transaction.atomic
def investor_save(investor: Investor, *, source_urls: Iterable[str] | None = None) -> Investor:
    """Validate (a parent chain must not loop) and save an investor; keep the tree's closure."""
    adding = investor._state.adding
    moved = not adding and (
        Investor.objects.filter(pk=investor.pk).values_list("parent_id", flat=True).first()
        != investor.parent_id
    )
    # A move in the affiliate tree changes whose deals roll up where: recompute it all. A new
    # investor has no deals yet, so only the tree needs it.
    record_save(investor, source_urls=source_urls, touched=Touched(full=True) if moved else None)
    if adding or moved:
        investor_ancestry_rebuild()
    return investor


def investor_create(*, source_urls: Iterable[str] = (), **fields: Any) -> Investor:
    return investor_save(Investor(**fields), source_urls=source_urls)


def investor_update(
    investor: Investor, *, source_urls: Iterable[str] | None = None, **fields: Any
) -> Investor:
    return investor_save(assign_fields(investor, fields), source_urls=source_urls)


# Closure rows written per INSERT when the affiliate tree is rebuilt.
ANCESTRY_BATCH = 5000


@transaction.atomic
def investor_ancestry_rebuild() -> int:
    """Rewrite the closure of the affiliate tree from each investor's parent.

    The tree holds one row per investor (thousands at most), so it is read whole and the
    closure computed in memory; a cycle (refused by validation) would stop at the repeat.
    """
    parents = dict(Investor.objects.values_list("pk", "parent_id"))
    rows = []
    for investor_id in parents:
        ancestor_id, depth, seen = investor_id, 0, set()
        while ancestor_id is not None and ancestor_id not in seen:
            seen.add(ancestor_id)
            rows.append(
                InvestorAncestry(investor_id=investor_id, ancestor_id=ancestor_id, depth=depth)
            )
            ancestor_id, depth = parents.get(ancestor_id), depth + 1
    InvestorAncestry.objects.all().delete()
    InvestorAncestry.objects.bulk_create(rows, batch_size=ANCESTRY_BATCH)
    return len(rows)


@transaction.atomic
def funding_round_create(
    *,
    source_urls: Iterable[str] = (),
    participants: Iterable[dict[str, Any]] = (),
    **fields: Any,
) -> FundingRound:
    """Create a round and, optionally, its participants ({investor, is_lead, amount, ...})."""
    book = RateBook.load()
    funding_round = money_record_save(FundingRound(**fields), source_urls=source_urls, book=book)
    for participant in participants:
        money_record_save(Participation(round=funding_round, **participant), book=book)
    return funding_round


@dataclass
class ParticipantChanges:
    """A round's new list of participants against its stored participations, by investor."""

    writes: list[tuple[Participation, dict[str, Any]]] = field(default_factory=list)
    changed: list[Participation] = field(default_factory=list)
    removed: list[Participation] = field(default_factory=list)

    @property
    def added(self) -> list[Participation]:
        return [record for record, _ in self.writes if record.pk is None]


def participant_changes(
    funding_round: FundingRound | None, participants: Iterable[dict[str, Any]]
) -> ParticipantChanges:
    """What writing `participants` to `funding_round` (None: a new round) adds, changes and
    removes: the service writes it, and the API asks for the permission of each."""
    stored = {p.investor_id: p for p in funding_round.participations.all()} if funding_round else {}
    changes = ParticipantChanges()
    for participant in participants:
        record = stored.pop(participant["investor"].pk, None)
        if record is None:
            record = Participation(round=funding_round)
        elif any(getattr(record, name) != value for name, value in participant.items()):
            changes.changed.append(record)
        changes.writes.append((record, participant))
    changes.removed = list(stored.values())
    return changes


@transaction.atomic
def funding_round_update(
    funding_round: FundingRound,
    *,
    source_urls: Iterable[str] | None = None,
    participants: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> FundingRound:
    """Update a round; a list of participants replaces the old one, matched by investor."""
    book = RateBook.load()
    money_record_save(assign_fields(funding_round, fields), source_urls=source_urls, book=book)
    if participants is not None:
        changes = participant_changes(funding_round, participants)
        for record, participant in changes.writes:
            money_record_save(assign_fields(record, participant), book=book)
        for stale in changes.removed:
            record_delete(stale)
    else:
        # The round's date converts its participants' money too.
        for participation in funding_round.participations.all():
            money_record_save(participation, book=book)
    return funding_round


def participation_create(*, source_urls: Iterable[str] = (), **fields: Any) -> Participation:
    return money_record_save(Participation(**fields), source_urls=source_urls)


def participation_update(
    participation: Participation, *, source_urls: Iterable[str] | None = None, **fields: Any
) -> Participation:
    return money_record_save(assign_fields(participation, fields), source_urls=source_urls)


def valuation_mark_create(*, source_urls: Iterable[str] = (), **fields: Any) -> ValuationMark:
    return money_record_save(ValuationMark(**fields), source_urls=source_urls)


def valuation_mark_update(
    mark: ValuationMark, *, source_urls: Iterable[str] | None = None, **fields: Any
) -> ValuationMark:
    return money_record_save(assign_fields(mark, fields), source_urls=source_urls)


def compute_deal_create(*, source_urls: Iterable[str] = (), **fields: Any) -> ComputeDeal:
    return money_record_save(ComputeDeal(**fields), source_urls=source_urls)


def compute_deal_update(
    deal: ComputeDeal, *, source_urls: Iterable[str] | None = None, **fields: Any
) -> ComputeDeal:
    return money_record_save(assign_fields(deal, fields), source_urls=source_urls)


def reported_metric_create(*, source_urls: Iterable[str] = (), **fields: Any) -> ReportedMetric:
    return record_save(ReportedMetric(**fields), source_urls=source_urls)


def reported_metric_update(
    metric: ReportedMetric, /, *, source_urls: Iterable[str] | None = None, **fields: Any
) -> ReportedMetric:
    # Positional-only: `metric` is also a field of the record, which may come in `fields`.
    return record_save(assign_fields(metric, fields), source_urls=source_urls)


@transaction.atomic
def fx_rate_save(rate: FxRate) -> FxRate:
    """Save a rate, then re-derive every USD figure in its currency."""
    record_save(rate)
    usd_recompute(currencies=[rate.currency])
    return rate


@transaction.atomic
def fx_rate_delete(rate: FxRate) -> None:
    currency = rate.currency
    record_delete(rate)
    usd_recompute(currencies=[currency])


def usd_recompute(*, currencies: Iterable[str] | None = None) -> int:
    """Re-derive USD values (and the rates used) of every figure in the given currencies.

    Returns the number of rows whose USD figures changed.
    """
    book = RateBook.load()
    currencies = set(currencies) if currencies is not None else None
    changed = 0
    for model in (FundingRound, Participation, ValuationMark, ComputeDeal):
        touched = Q()
        for money in model.MONEY_FIELDS:
            touched |= (
                Q(**{f"{money.currency}__in": currencies})
                if currencies is not None
                else ~Q(**{money.currency: ""})
            )
        queryset = model.objects.filter(touched)
        if model is Participation:
            queryset = queryset.select_related("round")
        usd_fields = [f for money in model.MONEY_FIELDS for f in (money.usd, money.rate)]
        batch: list[WithMoney] = []
        for record in queryset.iterator(chunk_size=USD_RECOMPUTE_BATCH):
            before = [getattr(record, f) for f in usd_fields]
            apply_usd(record, record.MONEY_FIELDS, record.money_date(), book)
            if [getattr(record, f) for f in usd_fields] != before:
                batch.append(record)
            if len(batch) >= USD_RECOMPUTE_BATCH:
                model.objects.bulk_update(batch, usd_fields)
                changed += len(batch)
                batch = []
        if batch:
            model.objects.bulk_update(batch, usd_fields)
            changed += len(batch)
    return changed
