"""What the change feed tracks, and the database triggers that write its rows.

One row of `startups.Change` for every INSERT, UPDATE and DELETE of each table below, written
by a trigger in the writing transaction (docs/api.md, "Change feed"). The tables are named as
strings, so this module, at the lowest layer, imports no model of the apps above it.

Not tracked: the history tables (simple_history's `Historical*`, an audit of these same
rows) and the link tables of the many-to-many fields (a record's sources and tags): a change
of a record's links alone adds no row.

The migration that installs the triggers (deals 0010_change_feed_triggers) holds a frozen copy
of TRACKED, so that an edit here does not rewrite history: a change of a kind's figure
columns goes with a new migration that installs the triggers again (`install_triggers`). A
test compares the triggers in the database with this table.
"""

from dataclasses import dataclass

CHANGE_TABLE = "startups_change"
# Written by every save, so a write that changes nothing else is no change.
IGNORED_COLUMNS = ("updated_at",)


@dataclass(frozen=True)
class TrackedTable:
    kind: str
    table: str
    # The column whose value is the row's `record_key` (a slug), or "".
    key_column: str
    # A change of one of these sets `figures_changed`: the amounts, currencies, qualifiers,
    # dates and stakes a record states. Derived columns (USD values, the FX rate used) are
    # left out: a new FX rate re-prices records, and that figure changed on the rate.
    figure_columns: tuple[str, ...]


TRACKED = (
    TrackedTable("source", "startups_source", "", ()),
    TrackedTable("tag", "startups_tag", "slug", ()),
    TrackedTable(
        "startup", "startups_startup", "slug", ("founded_on", "founded_precision", "ipo_date")
    ),
    TrackedTable(
        "product",
        "startups_modelproduct",
        "",
        ("launched_on", "date_precision", "cac_filing_on", "cac_filing_precision"),
    ),
    TrackedTable("investor", "deals_investor", "slug", ()),
    TrackedTable("fx_rate", "deals_fxrate", "", ("month", "currency", "units_per_usd")),
    TrackedTable(
        "round",
        "deals_fundinground",
        "",
        (
            "announced_on",
            "date_precision",
            "amount",
            "amount_currency",
            "amount_qualifier",
            "post_money_valuation",
            "valuation_currency",
            "valuation_qualifier",
            "compute_credit_amount",
            "compute_credit_currency",
            "compute_credit_qualifier",
        ),
    ),
    TrackedTable(
        "participation",
        "deals_participation",
        "",
        (
            "amount",
            "amount_currency",
            "amount_qualifier",
            "stake_percent",
            "stake_qualifier",
            "compute_credit_amount",
            "compute_credit_currency",
            "compute_credit_qualifier",
        ),
    ),
    TrackedTable(
        "valuation",
        "deals_valuationmark",
        "",
        ("valued_on", "date_precision", "value", "currency", "value_qualifier"),
    ),
    TrackedTable(
        "compute_deal",
        "deals_computedeal",
        "",
        (
            "announced_on",
            "date_precision",
            "quantity",
            "quantity_qualifier",
            "amount",
            "amount_currency",
            "amount_qualifier",
        ),
    ),
    TrackedTable(
        "metric",
        "deals_reportedmetric",
        "",
        ("period_start", "period_end", "value", "value_qualifier", "unit"),
    ),
    TrackedTable(
        "claim", "deals_claim", "", ("value", "currency", "qualifier", "as_of", "accepted")
    ),
)
KINDS = tuple(tracked.kind for tracked in TRACKED)

_INSERT = (
    f"INSERT INTO {CHANGE_TABLE} "
    "(txid, kind, record_id, record_key, action, figures_changed, occurred_at) "
)


def _postgresql(tracked: TrackedTable) -> list[str]:
    """A plpgsql function and its row trigger. The UPDATE branch compares the whole rows as
    JSON (less `updated_at`), so a column added later is compared without a new trigger."""
    txid, now = "pg_current_xact_id()::text::bigint", "clock_timestamp()"

    def key(row: str) -> str:
        return f"{row}.{tracked.key_column}" if tracked.key_column else "''"

    figures = " OR ".join(
        f'OLD."{column}" IS DISTINCT FROM NEW."{column}"' for column in tracked.figure_columns
    )
    ignored = " - ".join(f"'{column}'" for column in IGNORED_COLUMNS)
    function = f"change_feed_{tracked.kind}"
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_INSERT}VALUES ({txid}, '{tracked.kind}', NEW.id, {key("NEW")}, 'created', true, {now});
  ELSIF TG_OP = 'UPDATE' THEN
    IF (to_jsonb(OLD) - {ignored}) = (to_jsonb(NEW) - {ignored}) THEN
      RETURN NULL;
    END IF;
    {_INSERT}VALUES ({txid}, '{tracked.kind}', NEW.id, {key("NEW")}, 'updated',
      {figures or "false"}, {now});
  ELSE
    {_INSERT}VALUES ({txid}, '{tracked.kind}', OLD.id, {key("OLD")}, 'deleted', false, {now});
  END IF;
  RETURN NULL;
END
$body$""",
        f"DROP TRIGGER IF EXISTS change_feed ON {tracked.table}",
        f"CREATE TRIGGER change_feed AFTER INSERT OR UPDATE OR DELETE ON {tracked.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


# How Django writes a datetime in SQLite (UTC, microseconds); SQLite's clock gives
# milliseconds. `%%` because these statements run with a parameter list.
SQLITE_NOW = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now') || '000'"


def _sqlite(tracked: TrackedTable, columns: list[str]) -> list[str]:
    """Three triggers; SQLite cannot compare rows whole, so the UPDATE trigger's WHEN names
    every column the table has now (`columns`): a migration that adds one installs the
    triggers again (and one that rebuilds the table has dropped them: a test checks)."""

    def key(row: str) -> str:
        return f"{row}.{tracked.key_column}" if tracked.key_column else "''"

    def values(row: str, action: str, figures: str) -> str:
        return (
            f"{_INSERT}VALUES (0, '{tracked.kind}', {row}.id, {key(row)}, '{action}', "
            f"{figures}, {SQLITE_NOW})"
        )

    compared = [c for c in columns if c not in IGNORED_COLUMNS]
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in compared)
    figures = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in tracked.figure_columns)
    name, table = f"change_feed_{tracked.kind}", tracked.table
    return [
        *_sqlite_drops(tracked),
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} FOR EACH ROW "
        f"BEGIN {values('NEW', 'created', '1')}; END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW WHEN {changed} "
        f"BEGIN {values('NEW', 'updated', f'({figures})' if figures else '0')}; END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} FOR EACH ROW "
        f"BEGIN {values('OLD', 'deleted', '0')}; END",
    ]


def _sqlite_drops(tracked: TrackedTable) -> list[str]:
    name = f"change_feed_{tracked.kind}"
    return [f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "update", "delete")]


def trigger_statements(connection, tracked: TrackedTable) -> list[str]:
    if connection.vendor == "postgresql":
        return _postgresql(tracked)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            description = connection.introspection.get_table_description(cursor, tracked.table)
        return _sqlite(tracked, [column.name for column in description])
    raise NotImplementedError(f"no change feed triggers for {connection.vendor}")


def drop_statements(connection, tracked: TrackedTable) -> list[str]:
    if connection.vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS change_feed ON {tracked.table}",
            f"DROP FUNCTION IF EXISTS change_feed_{tracked.kind}()",
        ]
    return _sqlite_drops(tracked)


def install_triggers(schema_editor, tables: tuple[TrackedTable, ...]) -> None:
    """Create (or replace) the triggers of `tables`: for a migration's RunPython."""
    connection = schema_editor.connection
    _run(schema_editor, [s for t in tables for s in trigger_statements(connection, t)])


def remove_triggers(schema_editor, tables: tuple[TrackedTable, ...]) -> None:
    _run(schema_editor, [s for t in tables for s in drop_statements(schema_editor.connection, t)])


def _run(schema_editor, statements: list[str]) -> None:
    # One statement a call, with a parameter list: psycopg runs a single statement per
    # parameterised call, and `%%` then stands for `%`.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [])
