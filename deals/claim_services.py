"""Writes of claims, and keeping each record's accepted value and disputes in step with them.

A record's own figure is always its accepted claim's value (deals.evidence.accepted_claim),
so the aggregates read records alone; its `disputed_fields` names the figures whose claims
cannot all be true.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from startups.models import Source
from startups.services import record_save, sources_for_urls

from .claim_models import RECORD_FIELDS, Claim
from .evidence import FIGURES, Figure, accepted_claim, in_dispute
from .fx import RateBook, apply_usd
from .models import WithMoney

FigureValue = tuple[Any, str, str]
# Claims written per UPDATE when many change at once.
CLAIM_BATCH = 2000


def figure_value(record: WithMoney, figure: Figure) -> FigureValue:
    currency = getattr(record, figure.currency) if figure.currency else ""
    return getattr(record, figure.value), currency or "", getattr(record, figure.qualifier)


def figures_of(record: WithMoney) -> dict[str, FigureValue]:
    """The record's figures as they are in memory."""
    return {name: figure_value(record, fig) for name, fig in FIGURES[record.CLAIM_KIND].items()}


def figure_values(record: WithMoney) -> dict[str, FigureValue] | None:
    """The record's figures as stored (None for a record not saved yet)."""
    if record.pk is None:
        return None
    stored = type(record)._default_manager.filter(pk=record.pk).first()
    return None if stored is None else figures_of(stored)


def _same(a: FigureValue | None, b: FigureValue) -> bool:
    return (
        a is not None
        and a[0] is not None
        and b[0] is not None
        and ((float(a[0]), a[1], a[2]) == (float(b[0]), b[1], b[2]))
    )


def claims_of(record: WithMoney):
    return Claim.objects.filter(**{RECORD_FIELDS[record.CLAIM_KIND]: record}).select_related(
        "source"
    )


ClaimsByField = dict[str, dict[int, Claim]]


def claims_by_field(claims: Iterable[Claim]) -> ClaimsByField:
    """A record's claims by figure, then by source id."""
    found: ClaimsByField = defaultdict(dict)
    for claim in claims:
        found[claim.field][claim.source_id] = claim
    return found


def claims_plan(
    record: WithMoney,
    before: dict[str, FigureValue] | None,
    *,
    sources: Iterable[Source],
    existing: ClaimsByField,
    on: dt.date | None,
) -> tuple[list[Claim], list[Claim]]:
    """The rule of a write's own figures: which claims it makes or changes (the first list,
    not saved) and which it withdraws (the second, not deleted). `existing` is updated to
    the claims after the write; `on` is the record's date.

    A figure the write left as it was says nothing new (an export imported back, a form saved
    unchanged), so its claims stay as they are; a cleared figure withdraws its sources' claims.
    """
    sources = list(sources)
    saved: list[Claim] = []
    withdrawn: list[Claim] = []
    for name, value in figures_of(record).items():
        previous = before.get(name) if before else None
        if _same(previous, value) and existing.get(name):
            continue
        if value[0] is None:
            if previous is not None and previous[0] is not None:
                withdrawn.extend(
                    existing[name].pop(s.pk) for s in sources if s.pk in existing.get(name, {})
                )
            continue
        for source in sources:
            claim = existing.get(name, {}).get(source.pk)
            if claim is None:
                claim = Claim(
                    **{RECORD_FIELDS[record.CLAIM_KIND]: record},
                    field=name,
                    source=source,
                    **new_claim_fields(value, source, confidence=record.confidence, on=on),
                )
            else:
                claim.value, claim.currency, claim.qualifier = value
                claim.as_of = claim.as_of or on
                claim.reported_on = claim.reported_on or source.published_on or on
                claim.confidence = record.confidence
            existing.setdefault(name, {})[source.pk] = claim
            saved.append(claim)
    return saved, withdrawn


def new_claim_fields(
    value: FigureValue, source: Source, *, confidence: str, on: dt.date | None
) -> dict[str, Any]:
    """What a figure's first claim by a source holds (claims_plan's rule): the figure, the
    record's confidence, as of the record's date, reported when the source was published or
    else on that date."""
    amount, currency, qualifier = value
    return {
        "value": amount,
        "currency": currency,
        "qualifier": qualifier,
        "as_of": on,
        "reported_on": source.published_on or on,
        "confidence": confidence,
    }


@transaction.atomic
def claims_from_write(
    record: WithMoney, before: dict[str, FigureValue] | None, *, book: RateBook | None = None
) -> None:
    """The figures a write gave are claims of the record's sources (claims_plan's rule); the
    record then holds its accepted claims' values."""
    saved, withdrawn = claims_plan(
        record,
        before,
        sources=record.sources.all(),
        existing=claims_by_field(claims_of(record)),
        on=record.money_date(),
    )
    for claim in withdrawn:
        claim.delete()
    for claim in saved:
        claim.full_clean(exclude=[RECORD_FIELDS[record.CLAIM_KIND], "source"])
        claim.save()
    claims_reconcile(record, book=book)


def claim_errors(claim: Claim) -> dict[str, str]:
    """Rules a claim obeys beyond its columns: the field is one of its record's figures, and
    money figures carry a currency while counts and percentages carry none. (Also two of its
    constraints, so that their message names the field at fault.)"""
    if claim.value is not None and claim.value < 0:
        return {"value": _("A claimed value must not be negative.")}
    if claim.accepted and not claim.notes.strip():
        return {"notes": _("Say in the notes why this claim is accepted.")}
    figure = FIGURES[claim.record_kind].get(claim.field)
    if figure is None:
        names = ", ".join(FIGURES[claim.record_kind])
        return {
            "field": _("A %(record)s has the figures %(names)s.")
            % {"record": claim.record_kind, "names": names}
        }
    if figure.currency and not claim.currency:
        return {"currency": _("A money figure needs its currency.")}
    if not figure.currency and claim.currency:
        return {"currency": _("This figure is not money: leave the currency blank.")}
    return {}


@transaction.atomic
def claim_save(claim: Claim, *, book: RateBook | None = None) -> Claim:
    """Validate and save a claim; its record then holds the accepted value."""
    errors = claim_errors(claim)
    if errors:
        raise ValidationError(errors)
    if claim.accepted:
        # Accepting one claim withdraws the acceptance of its rivals.
        claims_of(claim.record).filter(field=claim.field, accepted=True).exclude(
            pk=claim.pk
        ).update(accepted=False)
    claim.full_clean()
    claim.save()
    claims_reconcile(claim.record, book=book)
    claim.refresh_from_db(fields=["value_usd"])
    return claim


@transaction.atomic
def claim_delete(claim: Claim) -> None:
    record = claim.record
    claim.delete()
    claims_reconcile(record)


def claim_accept(claim: Claim, *, reason: str) -> Claim:
    """Staff settle a dispute: this claim is right, for the reason given."""
    if not reason.strip():
        raise ValidationError({"notes": _("Say why this claim is accepted.")})
    claim.accepted = True
    claim.notes = "\n".join(filter(None, [claim.notes.strip(), reason.strip()]))
    return claim_save(claim)


class ClaimsRefused(Exception):
    """A list of claims that could not all be written: each item's error, None for a good one."""

    def __init__(self, errors: list[ValidationError | None]) -> None:
        super().__init__(errors)
        self.errors = errors


ClaimKey = tuple[str, str]  # (field, source URL): how a list of claims names a stored one


@dataclass
class ClaimListChanges:
    """What writing a list of claims to a record adds, changes and removes, by key."""

    added: set[ClaimKey] = field(default_factory=set)
    changed: set[ClaimKey] = field(default_factory=set)
    removed: set[ClaimKey] = field(default_factory=set)


def claim_list_changes(
    record: WithMoney | None, items: Sequence[Mapping[str, Any]], *, replace: bool
) -> ClaimListChanges:
    """What record_claims_write would do (None: a record not saved yet), so that a caller can
    ask for the permission of each."""
    stored = set()
    if record is not None and record.pk is not None:
        stored = set(claims_of(record).values_list("field", "source__url"))
    named = {(item["field"], item["source_url"]) for item in items}
    return ClaimListChanges(
        added=named - stored,
        changed=named & stored,
        removed=stored - named if replace else set(),
    )


@transaction.atomic
def record_claims_write(
    record: WithMoney,
    items: Sequence[Mapping[str, Any]],
    *,
    replace: bool,
    book: RateBook | None = None,
) -> list[Claim]:
    """Write a list of a record's claims ({field, source_url, value, currency, ...}), each
    keyed by its figure and source URL: a stored claim is updated (what the item leaves out
    keeps its stored value), another added, its source created when its URL is new. With
    `replace`, the record's claims the list does not name are deleted.

    All or nothing: ClaimsRefused gives each item's error, and nothing is written.
    """
    book = book or RateBook.load()
    urls = [item["source_url"] for item in items]
    sources = {source.url: source for source in sources_for_urls(urls)}
    stored = {(claim.field, claim.source.url): claim for claim in claims_of(record)}
    written, errors = [], []
    for item in items:
        values = {name: value for name, value in item.items() if name != "source_url"}
        claim = stored.pop((item["field"], item["source_url"]), None) or _new_claim(
            record, sources[item["source_url"]], values
        )
        for name, value in values.items():
            setattr(claim, name, value)
        try:
            with transaction.atomic():
                written.append(claim_save(claim, book=book))
        except ValidationError as error:
            errors.append(error)
        else:
            errors.append(None)
    if any(errors):
        raise ClaimsRefused(errors)
    if replace and stored:
        Claim.objects.filter(pk__in=[claim.pk for claim in stored.values()]).delete()
        claims_reconcile(record, book=book)
    return written


def _new_claim(record: WithMoney, source, values: Mapping[str, Any]) -> Claim:
    """A claim not stored yet, dated as a write's own claims are (claims_from_write)."""
    claim = Claim(**{RECORD_FIELDS[record.CLAIM_KIND]: record}, source=source)
    claim.as_of = values.get("as_of") or record.money_date()
    claim.reported_on = values.get("reported_on") or source.published_on or record.money_date()
    return claim


def claims_reconcile(record: WithMoney, *, book: RateBook | None = None) -> None:
    """Give the record its accepted claims' values, and name the figures in dispute."""
    claims_reconcile_many([record], book=book)


def claims_reconcile_many(records: Sequence[WithMoney], *, book: RateBook | None = None) -> None:
    """claims_reconcile for records of one model, their claims read in one query."""
    if not records:
        return
    book = book or RateBook.load()
    claims = claims_of_records(type(records[0]), [record.pk for record in records])
    converted = []
    for record in records:
        converted.extend(claims_convert(claims[record.pk], on=record.money_date(), book=book))
    Claim.objects.bulk_update(converted, ["value_usd"], batch_size=CLAIM_BATCH)
    for record in records:
        claims_settle(record, claims[record.pk], book=book)


def claims_of_records(model: type[WithMoney], ids: list[int]) -> dict[int, list[Claim]]:
    """The claims of each record, in one query."""
    fk = RECORD_FIELDS[model.CLAIM_KIND]
    found: dict[int, list[Claim]] = defaultdict(list)
    if ids:
        for claim in Claim.objects.filter(**{f"{fk}_id__in": ids}).select_related("source"):
            found[getattr(claim, f"{fk}_id")].append(claim)
    return found


def claims_settle(record: WithMoney, claims: Iterable[Claim], *, book: RateBook) -> None:
    """The record takes its accepted claims' values (saved when they differ) and names its
    disputed figures. The claims are all of the record's, converted to USD already."""
    by_field: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_field[claim.field].append(claim)
    changed = False
    for name, field_claims in by_field.items():
        figure = FIGURES[record.CLAIM_KIND][name]
        changed |= _assign(record, figure, accepted_claim(field_claims))
    disputed = ",".join(name for name in FIGURES[record.CLAIM_KIND] if in_dispute(by_field[name]))
    if changed:
        apply_usd(record, record.MONEY_FIELDS, record.money_date(), book)
        record_save(record)
    if disputed != record.disputed_fields:
        record.disputed_fields = disputed
        type(record)._default_manager.filter(pk=record.pk).update(disputed_fields=disputed)


def _assign(record: WithMoney, figure: Figure, claim: Claim) -> bool:
    value, currency, qualifier = figure_value(record, figure)
    places = getattr(record._meta.get_field(figure.value), "decimal_places", 0)
    new_value = Decimal(claim.value).quantize(Decimal(1).scaleb(-places))
    new_value = int(new_value) if places == 0 else new_value
    if value is not None and (float(value), currency, qualifier) == (
        float(claim.value),
        claim.currency,
        claim.qualifier,
    ):
        return False
    setattr(record, figure.value, new_value)
    if figure.currency:
        setattr(record, figure.currency, claim.currency)
    setattr(record, figure.qualifier, claim.qualifier)
    return True


def claim_usd(value, currency: str, on: dt.date | None, book: RateBook) -> Decimal | None:
    """A claim's value in USD at the latest rate on or before `on`; None for a claim that is
    not money."""
    return book.to_usd(value, currency, on)[0] if currency else None


def claims_convert(claims: Iterable[Claim], *, on: dt.date | None, book: RateBook) -> list[Claim]:
    """Each claim in USD at the latest rate on or before the month it describes (`on`, the
    record's date, when it names none); returns the claims whose USD value changed (not
    saved)."""
    changed = []
    for claim in claims:
        usd = claim_usd(claim.value, claim.currency, claim.as_of or on, book)
        if usd != claim.value_usd:
            claim.value_usd = usd
            changed.append(claim)
    return changed
