"""New records written with PostgreSQL's COPY, their history rows too.

`bulk_create_with_history` compiles an INSERT of every value through each field's
`get_db_prep_save` and builds a historical model instance per record: three quarters of an
import's time (docs/benchmarks.md). COPY takes the Python values as they are. It serves
models whose fields need no preparation for the database (no JSON, no arrays), which is
every model the import writes; ids come from the table's own sequence, so concurrent
writers never collide.
"""

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import behind

HISTORY_ID = "history_id"
Refused = Callable[[IntegrityError], None]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    behind.settle()  # COPY cannot run in a pipeline
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    # COPY goes through psycopg's own cursor: its errors are made Django's (IntegrityError
    # for a broken constraint), as those of every other statement are.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # The sequence is looked up once, not once per id: ten times faster (docs/benchmarks.md).
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
            "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_create_with_history(
    model: type[models.Model],
    instances: list[models.Model],
    *,
    user: Any,
    reason: str,
    refused: Refused | None = None,
) -> None:
    """What `bulk_create_with_history` does, by COPY: ids set on the instances, timestamps
    filled in, and one "+" history row each with the user, date and reason."""
    if not instances:
        return
    now = timezone.now()
    rows = [new_row(instance, now) for instance in instances]
    ids = copy_with_history(model, rows, user=user, reason=reason, now=now, refused=refused)
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias


def row_template(model: type[models.Model], now: dt.datetime) -> tuple[list[Any], dict[str, int]]:
    """A new record's row of every concrete field, in `_meta` order, as its defaults and the
    save-time stamps (`now`) leave it, and each field's position in it, by attname."""
    positions = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
    return new_row(model(), now), positions


def new_row(instance: models.Model, now: dt.datetime) -> list[Any]:
    """An unsaved instance's row of every concrete field, in `_meta` order, stamped with the
    time of its save (`now`) as Django would stamp it; the instance is stamped too."""
    for field in stamped_fields(type(instance)):
        setattr(instance, field.attname, now)
    return list(_row_getter(type(instance))(instance))


@functools.cache
def _row_getter(model: type[models.Model]) -> Callable[[models.Model], tuple]:
    """Every concrete field's value in one call (a row per new record: 500k in an import)."""
    return operator.attrgetter(*(f.attname for f in model._meta.concrete_fields))


@functools.cache
def stamped_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The fields Django stamps with the time of a save (auto_now, auto_now_add)."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )


def copy_with_history(
    model: type[models.Model],
    rows: list[list[Any]],
    *,
    user: Any,
    reason: str,
    now: dt.datetime,
    refused: Refused | None = None,
) -> list[int]:
    """New records given as rows of every concrete field's value, in `_meta` order: ids
    reserved from the table's sequence and set in the rows, the rows copied in, and their
    "+" history rows made. Returns the ids, in the rows' order. A refusal of the history
    rows sent behind reaches `refused` (else it is raised)."""
    pk = model._meta.concrete_fields.index(model._meta.pk)
    ids = reserve_ids(model, len(rows))
    for row, id_ in zip(rows, ids, strict=True):
        row[pk] = id_
    copy_rows(model._meta.db_table, [f.column for f in model._meta.concrete_fields], rows)
    history_copy(model, ids, user=user, reason=reason, now=now, refused=refused)
    return ids


def history_copy(
    model: type[models.Model],
    ids: list[int],
    *,
    user: Any,
    reason: str,
    now: dt.datetime,
    refused: Refused | None = None,
) -> None:
    """A "+" history row for each record of `ids`, copied from the table by the database
    itself: the record's values never travel back to it (the import floor's plan). Sent
    without waiting inside an import's batch (`behind`)."""
    if ids:
        history = model.history.model._meta.db_table
        statement = history_statement(model, ids, user=user, reason=reason, now=now)
        behind.write([statement], table=history, refused=refused)


def history_statement(
    model: type[models.Model], ids: list[int], *, user: Any, reason: str, now: dt.datetime
) -> behind.Statement:
    """The INSERT ... SELECT of `history_copy`. With no user given, simple-history's default
    (the request's user, if any)."""
    history = model.history.model
    if user is None:
        user = history.get_default_history_user(None)
    given = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
    }
    quote = connection.ops.quote_name
    columns = [f for f in history._meta.concrete_fields if f.attname != HISTORY_ID]
    values, params = [], []
    for field in columns:
        if field.attname in given:
            values.append(f"CAST(%s AS {field.cast_db_type(connection)})")
            params.append(given[field.attname])
        else:
            values.append(f"t.{quote(field.column)}")
    pk = f"t.{quote(model._meta.pk.column)}"
    if ids == list(range(ids[0], ids[0] + len(ids))):
        # Reserved in one go, so usually one run of ids: a range scan, and no array to send.
        where, ids_given = f"{pk} BETWEEN %s AND %s", [ids[0], ids[-1]]
    else:
        where, ids_given = f"{pk} = ANY(%s)", [ids]
    return (
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in columns)}) "
        f"SELECT {', '.join(values)} FROM {quote(model._meta.db_table)} t "
        f"WHERE {where} ORDER BY {pk}",
        [*params, *ids_given],
    )


def create_with_history(
    model: type[models.Model],
    instances: list[models.Model],
    *,
    user: Any,
    reason: str,
    batch_size: int,
    refused: Refused | None = None,
) -> None:
    """New records and their "+" history rows: by COPY on PostgreSQL, else by batched INSERTs
    (which leave the ids unset where the database cannot return them)."""
    if connection.vendor == "postgresql":
        copy_create_with_history(model, instances, user=user, reason=reason, refused=refused)
    else:
        bulk_create_with_history(
            instances,
            model,
            batch_size=batch_size,
            default_user=user,
            default_change_reason=reason,
        )
