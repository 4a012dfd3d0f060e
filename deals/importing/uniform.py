"""New records that differ only in the ids the import resolved (the participations a rounds.csv
row names: a round, an investor, a lead flag): their rules are checked once per distinct set
of the other values, and they are written as rows, with no model instance each.

Three in four of the records an import of rounds creates are these, and building, cleaning
and copying an instance of each was the biggest part of its time (docs/benchmarks.md). The
rules are the model's own: `clean_fields` and `clean` run on one instance per group, which
holds exactly what every row of the group would hold but for the ids, and neither reads a
relation (those were resolved from slugs, and `write_batch` never validates them either). A
group that fails goes back to `write_batch`, which reports each row as it always has.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from deals.evidence import FIGURES
from deals.fx import RateBook, apply_usd

from .copying import copy_with_history, new_row
from .engine import Staged, Target, derived_fields, unchecked_fields


def create_uniform(
    target: Target,
    staged: list[Staged],
    *,
    rates: RateBook,
    problem,
    user: Any,
    reason: str,
) -> tuple[list[Staged], list[Staged]]:
    """Create the rows of `staged`, none of which has a record yet; (created, left).

    Left are the rows this cannot vouch for: those that give a figure (its USD value depends
    on the row's date, and it becomes a claim) or a link, and the groups that break a rule.
    On SQLite, which has no COPY, every row is left.
    """
    if connection.vendor != "postgresql":
        return [], staged
    model = target.model
    ids = {f.attname for f in model._meta.concrete_fields if f.is_relation}
    signatures: list[tuple | None] = []
    for row in staged:
        if row.m2m or gives_figures(model, row.fields):
            signatures.append(None)
        else:
            values = sorted((k, type(v), v) for k, v in row.fields.items() if k not in ids)
            signatures.append(_hashable(tuple(values)))
    fields = model._meta.concrete_fields
    now = timezone.now()
    templates = {
        signature: _template(target, signature, rates, now)
        for signature in set(signatures) - {None}
    }
    # In the file's order, so that ids follow it as they do for every other record.
    positions = [(i, f.attname) for i, f in enumerate(fields) if f.attname in ids]
    created: list[Staged] = []
    left: list[Staged] = []
    rows: list[list[Any]] = []
    for row, signature in zip(staged, signatures, strict=True):
        template = templates.get(signature)
        if template is None:
            left.append(row)
        else:
            rows.append(_row(template, positions, row.fields))
            created.append(row)
    if rows:
        try:
            with transaction.atomic():
                copy_with_history(model, rows, user=user, reason=reason, now=now)
        except IntegrityError as error:
            problem(created[0].line, None, f"the database refused: {error}")
            return [], left
    return created, left


def gives_figures(model: type[models.Model], fields: dict[str, Any]) -> bool:
    figures = FIGURES.get(getattr(model, "CLAIM_KIND", ""), {})
    values = [f.value for f in getattr(model, "MONEY_FIELDS", ())]
    return any(fields.get(name) is not None for name in [*values, *figures])


def _hashable(signature: tuple) -> tuple | None:
    """The signature, or None for values that cannot be grouped (a list): left row by row."""
    try:
        hash(signature)
    except TypeError:
        return None
    return signature


def _template(
    target: Target, signature: tuple, rates: RateBook, now: dt.datetime
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


def _row(template: list[Any], ids: list[tuple[int, str]], values: dict[str, Any]) -> list[Any]:
    """The group's values, with the row's own ids."""
    row = list(template)
    for position, name in ids:
        row[position] = values.get(name, row[position])
    return row
