"""Batch upsert: match staged rows on their natural key, validate each through the model's
own rules, and write creates and updates in bulk with history."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from deals.claim_batches import (
    RecordWrite,
    claims_from_writes,
    keep_accepted_figures,
    sources_by_id,
)
from deals.claim_services import figures_of
from deals.fx import RateBook, apply_usd
from deals.models import FundingRound, FxRate, Investor, Participation, ValuationMark
from startups.models import ModelProduct, Source, Startup
from startups.touch import Touched

from .cleaning import FieldCleaner
from .copying import copy_rows, create_with_history

# Rows validated and written together: big enough that the per-query cost vanishes,
# small enough that a batch of model instances stays a few MB whatever the file's size.
BATCH_SIZE = 2000


# Keys per look-up query by IN lists: well under SQLite's parameter limit; on PostgreSQL
# (keys with a blank part: the others are joined, `_fetch_joined`) a whole batch in one query
# (a table that grew since its statistics were taken is scanned once per query).
def lookup_chunk() -> int:
    return 500 if connection.vendor == "sqlite" else BATCH_SIZE * 3


class RowProblems(Exception):
    """One or more bad cells in a row: [(column, message)]."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class Staged:
    line: int
    key: tuple
    fields: dict[str, Any]
    m2m: dict[str, list[int]] = field(default_factory=dict)
    money_date: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Written:
    staged: Staged
    instance: models.Model
    outcome: str  # created, updated or unchanged
    # A record with figures: what they were before the write (None for a new record).
    before: dict[str, Any] | None = None


@dataclass
class Target:
    """How staged rows map onto one model."""

    model: type[models.Model]
    key_fields: tuple[str, ...]
    column_of: dict[str, str] = field(default_factory=dict)
    # Booleans that a row may set but never clear on an existing record (is_lead: "true when
    # either file says so").
    promote_only: frozenset[str] = frozenset()
    # Fields resolved by the importer, not by field validation (foreign keys, derived values).
    skip_validation: tuple[str, ...] = ()

    def column(self, field_name: str) -> str | None:
        if field_name == "__all__":
            return None
        return self.column_of.get(field_name, field_name)


def fetch_existing(target: Target, keys: list[tuple]) -> dict[tuple, models.Model]:
    """Records whose natural key is among `keys`.

    On PostgreSQL, keys without a blank part are joined to the table (`_fetch_joined`).
    Otherwise each key field is filtered with IN (an index look-up, cheap to build), which
    selects a superset of the wanted keys; the exact composite match is made in memory.
    """
    wanted = set(keys)
    if connection.vendor == "postgresql" and wanted and all(None not in key for key in wanted):
        return _fetch_joined(target, list(wanted))
    found: dict[tuple, models.Model] = {}
    size = lookup_chunk()
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        condition = Q()
        for position, name in enumerate(target.key_fields):
            values = {key[position] for key in chunk}
            present = Q(**{f"{name}__in": values - {None}})
            condition &= present | Q(**{f"{name}__isnull": True}) if None in values else present
        for instance in target.model.objects.filter(condition):
            key = tuple(getattr(instance, f) for f in target.key_fields)
            if key in wanted:
                found[key] = instance
    return found


def _fetch_joined(target: Target, keys: list[tuple]) -> dict[tuple, models.Model]:
    """The exact keys, joined to the table as arrays, one per key field: an index look-up per
    key, and three parameters where the IN lists took one per value (their SQL's building
    and planning was most of the look-up's time, docs/benchmarks.md)."""
    model = target.model
    fields = [model._meta.get_field(name) for name in target.key_fields]
    quote = connection.ops.quote_name
    keys_table, names = unnest_arrays(fields, "k")
    on = " AND ".join(
        f"t.{quote(field.column)} = k.{name}" for field, name in zip(fields, names, strict=True)
    )
    sql = f"SELECT t.* FROM {quote(model._meta.db_table)} t JOIN {keys_table} ON {on}"
    columns = [[key[position] for key in keys] for position in range(len(fields))]
    return {
        tuple(getattr(instance, name) for name in target.key_fields): instance
        for instance in model.objects.raw(sql, columns)
    }


def unnest_arrays(fields: list[models.Field], alias: str) -> tuple[str, list[str]]:
    """`unnest(%s::type[], ...) AS alias(c0, c1, ...)`: a table of rows given as one array
    parameter per field, each cast to the field's type; and the names of its columns."""
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)
    names = [f"c{position}" for position in range(len(fields))]
    return f"unnest({arrays}) AS {alias}({', '.join(names)})", names


def current_m2m(model: type[models.Model], name: str, ids: list[int]) -> dict[int, set[int]]:
    through = getattr(model, name).through
    source_column, target_column = _through_columns(model, name)
    current: dict[int, set[int]] = {pk: set() for pk in ids}
    for owner, related in through.objects.filter(**{f"{source_column}__in": ids}).values_list(
        source_column, target_column
    ):
        current[owner].add(related)
    return current


def _through_columns(model: type[models.Model], name: str) -> tuple[str, str]:
    field_ = model._meta.get_field(name)
    return field_.m2m_field_name() + "_id", field_.m2m_reverse_field_name() + "_id"


def write_batch(
    target: Target,
    staged: list[Staged],
    *,
    rates: RateBook,
    problem: Callable[[int, str | None, str], None],
    user: Any = None,
    reason: str = "import",
    touched: Touched | None = None,
    all_new: bool = False,
    may_exist: Callable[[Staged], bool] | None = None,
) -> list[Written]:
    """Upsert one batch; rows that fail validation are reported and left out.

    What the written rows touch is added to `touched`, for the aggregates' outbox.
    `all_new` says that no record has any of these keys yet (their owner was created in
    this batch), so there is nothing to look up; `may_exist`, which rows' keys may be stored
    already (the others' owners are new).
    """
    model = target.model
    if all_new:
        existing = {}
    else:
        keys = [s.key for s in staged if may_exist is None or may_exist(s)]
        existing = fetch_existing(target, keys) if keys else {}
    m2m_names = sorted({name for s in staged for name in s.m2m})
    current = {
        name: current_m2m(model, name, [i.pk for i in existing.values()]) for name in m2m_names
    }
    money_fields = getattr(model, "MONEY_FIELDS", ())
    derived = derived_fields(model)
    untouched, never = unchecked_fields(target, derived)
    with_claims = bool(getattr(model, "CLAIM_KIND", ""))
    if with_claims and existing:
        keep_accepted_figures(model, existing, staged)
    results: list[Written] = []
    clean_fields = FieldCleaner()
    for row in staged:
        instance = existing.get(row.key)
        fields = dict(row.fields)
        figures_before = None
        if instance is None:
            instance, outcome = model(**fields), "created"
        else:
            figures_before = figures_of(instance) if with_claims else None
            for name in target.promote_only & fields.keys():
                fields[name] = fields[name] or getattr(instance, name)
            before = [getattr(instance, f) for f in (*fields, *derived)]
            for name, value in fields.items():
                setattr(instance, name, value)
            outcome = "unchanged"
        if money_fields:
            apply_usd(instance, money_fields, row.money_date, rates)
        if outcome == "unchanged":
            after = [getattr(instance, f) for f in (*fields, *derived)]
            m2m_same = all(
                set(row.m2m[name]) == current[name].get(instance.pk, set()) for name in row.m2m
            )
            if after != before or not m2m_same:
                outcome = "updated"
        try:
            clean_fields(instance, untouched.difference(row.fields) | never)
            instance.clean()
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                for message in messages:
                    problem(row.line, target.column(field_name), message)
            continue
        results.append(Written(row, instance, outcome, figures_before))
    saved = _save(target, results, current, user=user, reason=reason, problem=problem)
    if with_claims and saved:
        # The figures a row gives are claims of its sources (docs/evidence.md).
        new_sources = _new_record_sources(results)
        claims_from_writes(
            [
                RecordWrite(w.instance, w.before, w.staged.money_date, new_sources.get(id(w)))
                for w in results
            ],
            book=rates,
            user=user,
            reason=reason,
        )
    if touched is not None:
        for written in results:
            if written.outcome != "unchanged":
                add_touched(touched, written)
    return results


def _new_record_sources(results: list[Written]) -> dict[int, list[Source]]:
    """The sources of each new record that names them, by the id() of its Written: what its
    links hold, without reading them back."""
    new = [w for w in results if w.outcome == "created" and "sources" in w.staged.m2m]
    by_id = sources_by_id(pk for w in new for pk in w.staged.m2m["sources"])
    # In the order the links are written (_save_m2m), so claims follow it as they did.
    return {id(w): [by_id[pk] for pk in sorted(set(w.staged.m2m["sources"]))] for w in new}


def derived_fields(model: type[models.Model]) -> list[str]:
    """The USD figures and rates the import computes from a row's money."""
    return [f for money in getattr(model, "MONEY_FIELDS", ()) for f in (money.usd, money.rate)]


def unchecked_fields(target: Target, derived: list[str]) -> tuple[frozenset, frozenset]:
    """What `clean_fields` may skip: the fields a row leaves as they are (the first set, less
    the row's own), and those it never checks (the second).

    Only what the file set and what was derived from it (USD figures) can be newly invalid:
    the other fields hold their defaults or the stored values, both valid already, and
    checking them again was a quarter of an import's time (docs/benchmarks.md). Foreign keys
    were resolved from slugs already; validating them again would query per row.
    """
    fields = target.model._meta.concrete_fields
    untouched = frozenset(f.name for f in fields).difference(derived)
    never = frozenset([*target.skip_validation, *(f.name for f in fields if f.is_relation)])
    return untouched, never


def add_touched(touched: Touched, written: Written) -> None:
    """What one imported record touches, from what the import already knows (no query)."""
    instance, extra = written.instance, written.staged.extra
    startup_id = getattr(instance, "startup_id", None) or extra.get("startup_id")
    if isinstance(instance, Startup):
        touched.startups.add(instance.pk)
    elif isinstance(instance, Investor):
        touched.investors.add(instance.pk)
    elif isinstance(instance, FxRate):
        touched.full = True
    elif isinstance(instance, FundingRound | Participation | ValuationMark | ModelProduct):
        if startup_id is None:
            touched.full = True
        else:
            touched.startups.add(startup_id)
        touched.investors.update(extra.get("investors", ()))
        if isinstance(instance, Participation):
            touched.investors.add(instance.investor_id)


def _save(target, results, current, *, user, reason, problem) -> bool:
    """Write the batch; False when the database refused it (reported as a problem)."""
    model = target.model
    created = [w.instance for w in results if w.outcome == "created"]
    updated = [w.instance for w in results if w.outcome == "updated"]
    update_fields = sorted(
        {f for w in results if w.outcome == "updated" for f in w.staged.fields}
        | set(derived_fields(model))
    )

    def refused(error: IntegrityError) -> None:
        problem(results[0].staged.line if results else 0, None, f"the database refused: {error}")

    try:
        with transaction.atomic():
            if created:
                # The history rows go behind (`behind`): a refusal found then comes here too.
                create_with_history(
                    model,
                    created,
                    user=user,
                    reason=reason,
                    batch_size=BATCH_SIZE,
                    refused=refused,
                )
                if any(instance.pk is None for instance in created):
                    _refetch_pks(target, created)
            if updated:
                now = timezone.now()
                for instance in updated:
                    instance.updated_at = now
                bulk_update_with_history(
                    updated,
                    model,
                    [*update_fields, "updated_at"],
                    batch_size=BATCH_SIZE,
                    default_user=user,
                    default_change_reason=reason,
                )
            _save_m2m(model, results, current)
    except IntegrityError as error:
        refused(error)
        return False
    return True


def _refetch_pks(target: Target, instances: list[models.Model]) -> None:
    keys = [tuple(getattr(i, f) for f in target.key_fields) for i in instances]
    found = fetch_existing(target, keys)
    for key, instance in zip(keys, instances, strict=True):
        instance.pk = found[key].pk


def _save_m2m(model, results: list[Written], current) -> None:
    for name in sorted({n for w in results for n in w.staged.m2m}):
        through = getattr(model, name).through
        source_column, target_column = _through_columns(model, name)
        stale, fresh = [], []
        for written in results:
            if name not in written.staged.m2m or written.outcome == "unchanged":
                continue
            wanted = set(written.staged.m2m[name])
            have = current[name].get(written.instance.pk, set())
            if wanted != have:
                if have:  # a new record has no links to remove
                    stale.append(written.instance.pk)
                fresh.extend((written.instance.pk, related) for related in sorted(wanted))
        if stale:
            through.objects.filter(**{f"{source_column}__in": stale}).delete()
        if connection.vendor == "postgresql":
            copy_rows(through._meta.db_table, [source_column, target_column], fresh)
        else:
            through.objects.bulk_create(
                [through(**{source_column: a, target_column: b}) for a, b in fresh],
                batch_size=BATCH_SIZE,
            )
