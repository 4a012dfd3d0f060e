"""The rule of a write's own figures (deals.claim_services.claims_plan) for many records at
once: the import writes rows in batches, and a claim query per record would multiply its
time. A batch costs a few queries whatever its size, plus a save of each record whose
accepted value the claims change."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from startups.models import Source

from .claim_models import RECORD_FIELDS, Claim
from .claim_services import (
    CLAIM_BATCH,
    FigureValue,
    claim_usd,
    claims_by_field,
    claims_convert,
    claims_of_records,
    claims_plan,
    claims_settle,
    figures_of,
    new_claim_fields,
)
from .evidence import FIGURES
from .fx import RateBook
from .models import WithMoney

CLAIM_FIELDS_WRITTEN = [
    "value",
    "currency",
    "qualifier",
    "value_usd",
    "as_of",
    "reported_on",
    "confidence",
    "updated_at",
]


@dataclass
class RecordWrite:
    """One record as a batch wrote it: `before` holds its figures before the write (None for a
    new record), `on` its date (a participation's is its round's)."""

    record: WithMoney
    before: dict[str, FigureValue] | None
    on: dt.date | None
    # Its sources when the writer knows them (a new record's, as it was given them): then
    # they are not read back from its links.
    sources: list[Source] | None = None


def needs_claims(write: RecordWrite) -> bool:
    """A new record without figures has no claims to make, keep or settle."""
    return write.before is not None or any(
        getattr(write.record, figure.value) is not None
        for figure in FIGURES[write.record.CLAIM_KIND].values()
    )


def claims_from_writes(
    writes: Sequence[RecordWrite], *, book: RateBook, user: Any = None, reason: str = ""
) -> None:
    """claims_from_write for a batch of saved records of one model: their figures become
    claims of their sources by the same rule, and each record then holds its accepted values
    and names its disputed figures."""
    writes = [write for write in writes if needs_claims(write)]
    if not writes:
        return
    model = type(writes[0].record)
    sources = _sources_of(model, [write.record.pk for write in writes if write.sources is None])
    sources.update((w.record.pk, w.sources) for w in writes if w.sources is not None)
    if connection.vendor == "postgresql":
        _copy_first_claims(
            [w for w in writes if w.before is None], sources, book=book, user=user, reason=reason
        )
        writes = [write for write in writes if write.before is not None]
    stored = {
        record_id: claims_by_field(claims)
        for record_id, claims in claims_of_records(
            model, [write.record.pk for write in writes if write.before is not None]
        ).items()
    }
    created: list[Claim] = []
    updated: dict[int, Claim] = {}
    withdrawn: list[Claim] = []
    for write in writes:
        existing = stored.get(write.record.pk, defaultdict(dict))
        saved, dropped = claims_plan(
            write.record,
            write.before,
            sources=sources.get(write.record.pk, ()),
            existing=existing,
            on=write.on,
        )
        withdrawn.extend(dropped)
        created.extend(claim for claim in saved if claim.pk is None)
        updated.update((claim.pk, claim) for claim in saved if claim.pk is not None)
        kept = [claim for claims in existing.values() for claim in claims.values()]
        updated.update(
            (claim.pk, claim)
            for claim in claims_convert(kept, on=write.on, book=book)
            if claim.pk is not None
        )
        stored[write.record.pk] = existing
    if withdrawn:
        Claim.objects.filter(pk__in=[claim.pk for claim in withdrawn]).delete()
    _write(created, list(updated.values()), user=user, reason=reason)
    for write in writes:
        # A new record's claims are its own figures, which agree and are what it holds
        # already: settling it would change nothing.
        if write.before is not None:
            claims = [c for claims in stored[write.record.pk].values() for c in claims.values()]
            claims_settle(write.record, claims, book=book)


def _copy_first_claims(
    writes: list[RecordWrite],
    sources: dict[int, list[Source]],
    *,
    book: RateBook,
    user: Any,
    reason: str,
) -> None:
    """The claims of new records, as rows: each figure a record gives, claimed by each of its
    sources (claims_plan's rule for a record with no claims yet), copied in with no Claim
    built. They agree with the record, which holds their values already: nothing to settle.

    An import of rounds makes one claim a round, and building each as a model instance was
    half the time of its claims (docs/benchmarks.md)."""
    # Imported here: deals.importing imports this module.
    from .importing.copying import copy_with_history, row_template

    if not writes:
        return
    now = timezone.now()
    template, position = row_template(Claim, now)
    record_id = position[f"{RECORD_FIELDS[writes[0].record.CLAIM_KIND]}_id"]
    rows = []
    for write in writes:
        record = write.record
        for name, value in figures_of(record).items():
            if value[0] is None:
                continue
            for source in sources.get(record.pk, ()):
                fields = new_claim_fields(value, source, confidence=record.confidence, on=write.on)
                fields["value_usd"] = claim_usd(value[0], value[1], write.on, book)
                row = list(template)
                row[record_id], row[position["field"]] = record.pk, name
                row[position["source_id"]] = source.pk
                for attname, field_value in fields.items():
                    row[position[attname]] = field_value
                rows.append(row)
    if rows:
        copy_with_history(Claim, rows, user=user, reason=reason, now=now)


def _sources_of(model: type[WithMoney], ids: list[int]) -> dict[int, list[Source]]:
    """Each record's sources, in two queries."""
    if not ids:
        return {}
    field = model._meta.get_field("sources")
    owner, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
    through = field.remote_field.through
    links = list(through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, target))
    by_id = sources_by_id({t for _, t in links})
    found: dict[int, list[Source]] = defaultdict(list)
    for record_id, source_id in links:
        found[record_id].append(by_id[source_id])
    return found


def sources_by_id(ids: Iterable[int]) -> dict[int, Source]:
    """What a claim takes from its source, by id."""
    return Source.objects.only("url", "kind", "published_on").in_bulk(set(ids))


def _write(created: list[Claim], updated: list[Claim], *, user: Any, reason: str) -> None:
    """Claims made from records that passed their own validation: their values are the
    records' (valid, not negative), so they are written without a check per claim."""
    # Imported here: deals.importing imports this module.
    from .importing.copying import create_with_history

    if created:
        create_with_history(Claim, created, user=user, reason=reason, batch_size=CLAIM_BATCH)
    if updated:
        now = timezone.now()
        for claim in updated:
            claim.updated_at = now
        bulk_update_with_history(
            updated,
            Claim,
            CLAIM_FIELDS_WRITTEN,
            batch_size=CLAIM_BATCH,
            default_user=user,
            default_change_reason=reason,
        )


def keep_accepted_figures(
    model: type[WithMoney], existing: dict[Any, WithMoney], rows: Sequence[Any]
) -> None:
    """A row whose figure its own sources already claim says nothing new: the record keeps its
    accepted value rather than taking the row's and settling back (so the files a record was
    imported from, imported again, leave it unchanged). `rows` are the import's staged rows,
    with `key`, `fields` and the source ids in `m2m["sources"]`; their fields are edited."""
    records = {row.key: existing[row.key] for row in rows if row.key in existing}
    claims = claims_of_records(model, [record.pk for record in records.values()])
    for row in rows:
        record = records.get(row.key)
        if record is None or not claims[record.pk]:
            continue
        sources = set(row.m2m.get("sources", ()))
        by_field = claims_by_field(claims[record.pk])
        for name, figure in FIGURES[model.CLAIM_KIND].items():
            said = by_field.get(name, {})
            given = (row.fields.get(figure.value), row.fields.get(figure.currency or ""))
            # A blank that the row's own sources never filled says nothing new either: the
            # figure another page gave (claims.csv) stays, as the export writes it.
            blank_of_others = given[0] is None and said and not sources & said.keys()
            if not blank_of_others and (not sources or not sources <= said.keys()):
                continue
            if blank_of_others or all(
                _says(said[source], given, row.fields.get(figure.qualifier)) for source in sources
            ):
                for column in filter(None, (figure.value, figure.currency, figure.qualifier)):
                    if column in row.fields:
                        row.fields[column] = getattr(record, column)


def _says(claim: Claim, given: tuple[Any, Any], qualifier: Any) -> bool:
    value, currency = given
    return (
        value is not None
        and float(claim.value) == float(value)
        and (claim.currency or "") == (currency or "")
        and claim.qualifier == (qualifier or "exact")
    )
