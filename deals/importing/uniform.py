"""New records that differ only in the ids the import resolved (the participations a rounds.csv
row names: a round, an investor, a lead flag): their rules are checked once per distinct set
of the other values, and the database writes them from arrays of their ids, with no model
instance and no row built in Python for each.

Three in four of the records an import of rounds creates are these, and building, cleaning
and copying an instance of each was the biggest part of its time (docs/benchmarks.md). The
rules are the model's own: `clean_fields` and `clean` run on one instance per group, which
holds exactly what every row of the group would hold but for the ids, and neither reads a
relation (those were resolved from slugs, and `write_batch` never validates them either). A
group that fails goes back to `write_batch`, which reports each row as it always has.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models
from django.utils import timezone

from deals.fx import RateBook, apply_usd

from . import behind
from .copying import history_statement, new_row, reserve_ids
from .engine import Target, derived_fields, unchecked_fields, unnest_arrays

# A row's fields other than its ids, as sorted (name, type, value) triples: rows with equal
# signatures differ only in their ids (the type keeps True and 1 apart).
Signature = tuple[tuple[str, type, Any], ...]


def signature(fields: dict[str, Any]) -> Signature | None:
    """The signature of these fields, or None for values that cannot be grouped (a list)."""
    found = tuple(sorted((name, type(value), value) for name, value in fields.items()))
    try:
        hash(found)
    except TypeError:
        return None
    return found


def create_uniform(
    target: Target,
    ids: Sequence[str],
    rows: Sequence[tuple[Signature | None, tuple]],
    *,
    rates: RateBook,
    user: Any,
    reason: str,
    refused: Callable[[IntegrityError], None],
) -> list[int]:
    """Create new records given as (signature, the values of the `ids` fields), none of
    which exists yet; ids are reserved in the rows' order, so that they follow the file.

    Returns the positions of the rows left: those of no signature and of groups that break
    a rule; on SQLite, every row. When the database refuses the others (then none is
    written), `refused` is told why: at once, or when an import's batch settles (`behind`).
    """
    if connection.vendor != "postgresql":
        return list(range(len(rows)))
    now = timezone.now()
    templates: dict[Signature, list[Any] | None] = {}
    left: list[int] = []
    kept: list[tuple[Signature, tuple]] = []
    for position, (group, values) in enumerate(rows):
        if group is not None and group not in templates:
            templates[group] = _template(target, group, rates, now)
        if group is None or templates[group] is None:
            left.append(position)
        else:
            kept.append((group, values))
    if not kept:
        return left
    model = target.model
    new_ids = reserve_ids(model, len(kept))
    members: dict[Signature, list[tuple]] = {}
    for key, (group, values) in zip(new_ids, kept, strict=True):
        members.setdefault(group, []).append((key, *values))
    statements = [
        insert_from_arrays(model, templates[group], ids, list(zip(*written, strict=True)))
        for group, written in members.items()
    ]
    statements.append(history_statement(model, new_ids, user=user, reason=reason, now=now))
    behind.write(statements, table=model._meta.db_table, refused=refused)
    return left


def insert_from_arrays(
    model: type[models.Model], template: list[Any], ids: Sequence[str], columns: list[Sequence]
) -> behind.Statement:
    """An INSERT ... SELECT of the template's values, each row's primary key and `ids`
    fields taken from arrays (`columns`: the keys, then the values of each of `ids`)."""
    quote = connection.ops.quote_name
    varying = [model._meta.pk.attname, *ids]
    rows, names = unnest_arrays([model._meta.get_field(name) for name in varying], "u")
    selected, params = [], []
    fields = model._meta.concrete_fields
    for position, field in enumerate(fields):
        if field.attname in varying:
            selected.append(f"u.{names[varying.index(field.attname)]}")
        else:
            selected.append(f"%s::{field.cast_db_type(connection)}")
            params.append(template[position])
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT {', '.join(selected)} "
        f"FROM {rows} ORDER BY u.{names[0]}",
        [*params, *(list(column) for column in columns)],
    )


def _template(
    target: Target, signature: Signature, rates: RateBook, now: dt.datetime
) -> list[Any] | None:
    """The column values of every row of a group, or None when they break a rule."""
    model = target.model
    prototype = model(**{name: value for name, _, value in signature})
    money = getattr(model, "MONEY_FIELDS", ())
    if money:
        apply_usd(prototype, money, None, rates)
    untouched, never = unchecked_fields(target, derived_fields(model))
    try:
        prototype.clean_fields(exclude=untouched.difference(n for n, _, _ in signature) | never)
        prototype.clean()
    except ValidationError:
        return None
    return new_row(prototype, now)
