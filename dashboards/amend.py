"""A full refresh that verifies before it writes: the fresh rows of an aggregate are computed
into a temporary table, compared with the stored ones by key, and only the difference is
written.

An incremental refresh keeps the aggregates right between full ones, so a full refresh mostly
finds them unchanged: a digest of each side tells that first, and a join tells what differs
only when the digests do. Rewriting millions of unchanged rows costs their WAL and every index
built again; the temporary table costs neither (no WAL, no index). When much differs (the
first refresh, a change to the affiliate tree) the table is rewritten aside (dashboards.aside)
from the temporary table instead: a few deletes and inserts are cheap in a live table,
millions are not.

Either way the work is in the refresh's transaction: readers see the old rows or the new.
A row kept as it was keeps the `computed_at` and `data_version` of the refresh that wrote it,
as an incremental refresh leaves the rows it did not touch.
"""

from collections.abc import Callable, Sequence

from django.db import connection, models

from .aggregates import execute

# Above this share of changed rows, rewriting the table aside beats amending it in place.
REWRITE_ABOVE = 0.1
STAMP = ("computed_at", "data_version")


def fresh_table(name: str, select: str, params: Sequence = ()) -> int:
    """Write the rows of `select` into the temporary table `name`; returns their number."""
    execute(f"DROP TABLE IF EXISTS {name}", [])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", list(params))
        return cursor.rowcount


def analyse(table: str) -> None:
    """Give a temporary table statistics before a join or a grouping reads it: until then
    the planner guesses its rows and their distinct values."""
    if connection.vendor == "postgresql":
        execute(f"ANALYZE {table}", [])


def replace_rows(
    model: type[models.Model],
    fresh: str,
    rows: int,
    key: Sequence[str],
    stamp: dict,
    aside: Callable[[type[models.Model]], str],
) -> int:
    """Make `model`'s table hold exactly the `rows` rows of the temporary table `fresh`
    (its columns named as the table's, without the id and the stamp), the rows that are new
    or changed stamped with `stamp`. Returns the number of rows written: all of them when the
    table was rewritten, else those that were new or changed."""
    table = model._meta.db_table
    columns = _columns(fresh)
    if connection.vendor != "postgresql" or not model.objects.exists():
        # Nothing to compare with (a new database): written whole at once.
        return _rewrite(model, fresh, columns, stamp, aside)
    if _digest(fresh, columns) == _digest(table, columns):
        return 0
    analyse(fresh)
    compared = [name for name in columns if name not in key]
    execute("DROP TABLE IF EXISTS tmp_changes", [])
    on = " AND ".join(f"o.{name} = f.{name}" for name in key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE tmp_changes AS
            SELECT {", ".join(f"o.{name} AS stored_{name}" for name in key)},
                   {", ".join(f"f.{name}" for name in columns)}
            FROM {fresh} f FULL JOIN {table} o ON {on}
            WHERE o.{key[0]} IS NULL OR f.{key[0]} IS NULL
               OR ({", ".join(f"o.{name}" for name in compared)})
                  IS DISTINCT FROM ({", ".join(f"f.{name}" for name in compared)})
            """
        )
        changed = cursor.rowcount
    try:
        if changed > REWRITE_ABOVE * max(rows, 1):
            return _rewrite(model, fresh, columns, stamp, aside)
        stored = " AND ".join(f"t.{name} = c.stored_{name}" for name in key)
        execute(f"DELETE FROM {table} t USING tmp_changes c WHERE {stored}", [])
        names = ", ".join([*columns, *STAMP])
        execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(columns)}, %s, %s "
            f"FROM tmp_changes WHERE {key[0]} IS NOT NULL",
            [stamp["computed_at"], stamp["data_version"]],
        )
        return changed
    finally:
        execute("DROP TABLE IF EXISTS tmp_changes", [])


def _rewrite(model, fresh: str, columns: list[str], stamp: dict, aside) -> int:
    names = ", ".join([*columns, *STAMP])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {aside(model)} ({names}) SELECT {', '.join(columns)}, %s, %s "
            f"FROM {fresh}",
            [stamp["computed_at"], stamp["data_version"]],
        )
        return cursor.rowcount


def _digest(table: str, columns: list[str]) -> tuple[int, int]:
    """The number of rows in `table` and a 64-bit digest of their `columns` that their order
    does not change (the rows' hashes combined by XOR: a table's key holds each row once).

    Equal values hash alike across the column types both sides use (integers of any width,
    numerics of any scale), so equal rows give equal digests; a row added, gone or changed
    leaves the digest equal with odds of one in 2**64. Reading both sides costs about what
    hashing one of them for the join would, and the join is left for when they differ."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), bit_xor(hash_record_extended(ROW({', '.join(columns)}), 0)) "
            f"FROM {table}"
        )
        return cursor.fetchone()


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
        return [column[0] for column in cursor.description]
