"""Writes of claims, and keeping each record's accepted value and disputes in step with them.

A record's own figure is always its accepted claim's value (deals.evidence.accepted_claim),
so the aggregates read records alone; its `disputed_fields` names the figures whose claims
cannot all be true.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from startups.services import record_save, sources_for_urls

from .claim_models import RECORD_FIELDS, Claim
from .evidence import FIGURES, Figure, accepted_claim, in_dispute
from .fx import RateBook, apply_usd
from .models import WithMoney

FigureValue = tuple[Any, str, str]


def figure_value(record: WithMoney, figure: Figure) -> FigureValue:
    currency = getattr(record, figure.currency) if figure.currency else ""
    return getattr(record, figure.value), currency or "", getattr(record, figure.qualifier)


def figure_values(record: WithMoney) -> dict[str, FigureValue] | None:
    """The record's figures as stored (None for a record not saved yet)."""
    if record.pk is None:
        return None
    stored = type(record)._default_manager.filter(pk=record.pk).first()
    if stored is None:
        return None
    return {name: figure_value(stored, fig) for name, fig in FIGURES[record.CLAIM_KIND].items()}


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


@transaction.atomic
def claims_from_write(
    record: WithMoney, before: dict[str, FigureValue] | None, *, book: RateBook | None = None
) -> None:
    """The figures a write gave are claims of the record's sources.

    A figure the write left as it was says nothing new (an export imported back, a form saved
    unchanged), so its claims stay as they are; a cleared figure withdraws its sources' claims.
    """
    sources = list(record.sources.all())
    existing = defaultdict(dict)
    for claim in claims_of(record):
        existing[claim.field][claim.source_id] = claim
    for name, figure in FIGURES[record.CLAIM_KIND].items():
        value = figure_value(record, figure)
        previous = before.get(name) if before else None
        if _same(previous, value) and existing[name]:
            continue
        if value[0] is None:
            if previous is not None and previous[0] is not None:
                for source in sources:
                    if source.pk in existing[name]:
                        existing[name].pop(source.pk).delete()
            continue
        for source in sources:
            claim = existing[name].get(source.pk) or Claim(
                **{RECORD_FIELDS[record.CLAIM_KIND]: record}, field=name, source=source
            )
            claim.value, claim.currency, claim.qualifier = value
            claim.as_of = claim.as_of or record.money_date()
            claim.reported_on = claim.reported_on or source.published_on or record.money_date()
            claim.confidence = record.confidence
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
    book = book or RateBook.load()
    by_field: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims_of(record):
        by_field[claim.field].append(claim)
    _claims_convert([claim for claims in by_field.values() for claim in claims], record, book)
    changed = False
    for name, claims in by_field.items():
        figure = FIGURES[record.CLAIM_KIND][name]
        changed |= _assign(record, figure, accepted_claim(claims))
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


def _claims_convert(claims: Iterable[Claim], record: WithMoney, book: RateBook) -> None:
    """Each claim in USD at the latest rate on or before the month it describes."""
    changed = []
    for claim in claims:
        usd = None
        if claim.currency:
            usd, _rate = book.to_usd(
                claim.value, claim.currency, claim.as_of or record.money_date()
            )
        if usd != claim.value_usd:
            claim.value_usd = usd
            changed.append(claim)
    if changed:
        Claim.objects.bulk_update(changed, ["value_usd"])
