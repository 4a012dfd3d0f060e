"""Rewriting a whole aggregate table: on PostgreSQL, into a bare copy that then takes its place.

A full refresh replaces millions of rows. Inserted into the live table, each row also goes
into every index, at random places: on 1M rounds that was more than half of the refresh.
Written into a copy without indexes, then indexed once (a sort), it costs what the floor's
unindexed temporary tables cost plus one index build. Readers meanwhile read the old rows;
they wait only for the swaps at the end, which are part of the refresh's transaction.

The copy is indexed and constrained exactly as the table is, read from the catalog, and takes
the table's index and constraint names: the schema stays what the migrations made.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, models

INDEX_DEFINITION = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON \S+ (.*)$")


@contextmanager
def tables_aside() -> Iterator[Callable[[type[models.Model]], str]]:
    """Within it, `aside(Model)` names the table to write the model's new rows into (its rows
    are gone at the end): on PostgreSQL a bare copy, elsewhere the table itself, emptied.

    At the end each copy is indexed and analysed, then all take their tables' places in one
    short step: until then readers read the old rows without waiting. Later steps of the same
    refresh read a copy under the name `aside` gave.
    """
    copies: list[tuple[type[models.Model], str]] = []

    def aside(model: type[models.Model]) -> str:
        table = model._meta.db_table
        if connection.vendor != "postgresql":
            model.objects.all().delete()
            return table
        copy = f"{table}_aside"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {copy} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY "
                "INCLUDING CONSTRAINTS)"
            )
        copies.append((model, copy))
        return copy

    yield aside
    with connection.cursor() as cursor:
        renames = [_index_like(cursor, model._meta.db_table, copy) for model, copy in copies]
        for _, copy in copies:
            # A new table has no statistics: the pages' first queries would be planned blind.
            cursor.execute(f"ANALYZE {copy}")
        for (model, copy), statements in zip(copies, renames, strict=True):
            _swap(cursor, model, copy, statements)


def _swap(cursor, model: type[models.Model], copy: str, renames: list[str]) -> None:
    table = model._meta.db_table
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {copy} RENAME TO {table}")
    for statement in renames:
        cursor.execute(statement)
    if model._meta.auto_field is not None:
        column = model._meta.auto_field.column
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        ((sequence,),) = cursor.fetchall()
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {table}_{column}_seq")


def _index_like(cursor, table: str, aside: str) -> list[str]:
    """Build the table's indexes and index-backed constraints on the copy, under temporary
    names; return the statements that give them the table's names once it is gone."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid), c.conname, c.contype
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE x.indrelid = %s::regclass
        ORDER BY i.relname
        """,
        [table],
    )
    renames = []
    for number, (index, definition, constraint, kind) in enumerate(cursor.fetchall()):
        unique, rest = INDEX_DEFINITION.match(definition).groups()
        temporary = f"{aside}_{number}"
        cursor.execute(f"CREATE {unique or ''}INDEX {temporary} ON {aside} {rest}")
        if constraint is None:
            renames.append(f"ALTER INDEX {temporary} RENAME TO {index}")
            continue
        what = {"p": "PRIMARY KEY", "u": "UNIQUE"}[kind]
        cursor.execute(
            f"ALTER TABLE {aside} ADD CONSTRAINT {temporary} {what} USING INDEX {temporary}"
        )
        renames.append(f"ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO {constraint}")
    return renames
