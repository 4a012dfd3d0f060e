"""Triggers that write a `startups.Change` row for every INSERT, UPDATE and DELETE of every
record kind (startups.change_tracking), on PostgreSQL and SQLite.

The tables and their figure columns are a frozen copy of startups.change_tracking.TRACKED as
it was when this migration was written: a later change of that table goes with a migration of
its own, which installs the triggers again.
"""

from django.db import migrations

from startups.change_tracking import TrackedTable, install_triggers, remove_triggers

TRACKED = tuple(
    TrackedTable(kind, table, key, figures)
    for kind, table, key, figures in [
        ("source", "startups_source", "", ()),
        ("tag", "startups_tag", "slug", ()),
        ("startup", "startups_startup", "slug", ("founded_on", "founded_precision", "ipo_date")),
        (
            "product",
            "startups_modelproduct",
            "",
            ("launched_on", "date_precision", "cac_filing_on", "cac_filing_precision"),
        ),
        ("investor", "deals_investor", "slug", ()),
        ("fx_rate", "deals_fxrate", "", ("month", "currency", "units_per_usd")),
        (
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
        (
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
        (
            "valuation",
            "deals_valuationmark",
            "",
            ("valued_on", "date_precision", "value", "currency", "value_qualifier"),
        ),
        (
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
        (
            "metric",
            "deals_reportedmetric",
            "",
            ("period_start", "period_end", "value", "value_qualifier", "unit"),
        ),
        ("claim", "deals_claim", "", ("value", "currency", "qualifier", "as_of", "accepted")),
    ]
)


def install(apps, schema_editor) -> None:
    install_triggers(schema_editor, TRACKED)


def remove(apps, schema_editor) -> None:
    remove_triggers(schema_editor, TRACKED)


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0009_investor_search_trigram_index"),
        ("startups", "0009_change_feed"),
    ]

    operations = [migrations.RunPython(install, remove)]
