"""The change feed's rows are written by database triggers, in the writing transaction: one per
INSERT, UPDATE and DELETE of every record kind, whatever wrote it (raw SQL, the admin, the
API, the import), none for a write that changes nothing or that rolls back."""

import datetime as dt
import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from deals.models import FundingRound
from startups.change_models import Change
from startups.change_tracking import IGNORED_COLUMNS, TRACKED
from startups.models import Startup
from tests.api.conftest import grant, token_for, with_token
from tests.factories import (
    ClaimFactory,
    ComputeDealFactory,
    FundingRoundFactory,
    FxRateFactory,
    InvestorFactory,
    ModelProductFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    SourceFactory,
    StaffFactory,
    StartupFactory,
    TagFactory,
    UserFactory,
    ValuationMarkFactory,
)
from tests.startups.test_admin import admin_form_data, admin_url

pytestmark = pytest.mark.django_db

SAMPLE = str(Path(__file__).resolve().parents[2] / "data" / "sample")

# Per kind: a factory, a change of one of its figures, and a change of none (None: the kind
# has no figures, or its other columns are all figures).
KINDS = {
    "source": (SourceFactory, None, {"title": "Renamed"}),
    "tag": (lambda: TagFactory(slug="robotics"), None, {"name": "Robots"}),
    "startup": (StartupFactory, {"founded_on": dt.date(2023, 3, 1)}, {"city": "Shanghai"}),
    "product": (ModelProductFactory, {"launched_on": dt.date(2024, 2, 1)}, {"modality": "text"}),
    "investor": (InvestorFactory, None, {"hq_city": "Hangzhou"}),
    "fx_rate": (FxRateFactory, {"units_per_usd": Decimal("7.2")}, {"source_note": "PBoC"}),
    "round": (FundingRoundFactory, {"amount": Decimal("5")}, {"round_label": "Series Z"}),
    "participation": (ParticipationFactory, {"stake_percent": Decimal("2")}, {"is_lead": True}),
    "valuation": (ValuationMarkFactory, {"value": Decimal("3")}, {"kind": "secondary"}),
    "compute_deal": (ComputeDealFactory, {"quantity": 200}, {"chip": "H800"}),
    "metric": (ReportedMetricFactory, {"value": Decimal("41")}, {"notes": "Checked"}),
    "claim": (ClaimFactory, {"value": Decimal("6")}, {"notes": "Second look"}),
}


def rows(kind: str, record_id: int) -> list[tuple]:
    changes = Change.objects.filter(kind=kind, record_id=record_id).order_by("id")
    return list(changes.values_list("action", "figures_changed", "record_key"))


def current_txid() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint", [])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_writes_a_row_for_each_insert_update_and_delete(kind):
    make, figure_change, other_change = KINDS[kind]
    record = make()
    key = getattr(record, "slug", "")
    model = type(record)

    model.objects.filter(pk=record.pk).update(**other_change)
    if figure_change:
        model.objects.filter(pk=record.pk).update(**figure_change)
    model.objects.filter(pk=record.pk).delete()

    assert rows(kind, record.pk) == [
        ("created", True, key),
        ("updated", False, key),
        *([("updated", True, key)] if figure_change else []),
        ("deleted", False, key),
    ]


def test_a_row_carries_the_writing_transaction_and_the_time_of_the_write():
    before = timezone.now()

    startup = StartupFactory(slug="moonshot")

    change = Change.objects.get(kind="startup", record_id=startup.pk)
    assert change.txid == current_txid()
    assert change.record_key == "moonshot"
    assert before - dt.timedelta(seconds=1) <= change.occurred_at <= timezone.now()


def test_a_raw_sql_update_writes_a_row_and_compares_figures_null_safely():
    round_ = FundingRoundFactory(amount=None, amount_currency="")

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deals_fundinground SET amount = 10, amount_currency = 'USD' WHERE id = %s",
            [round_.pk],
        )
        cursor.execute("UPDATE deals_fundinground SET notes = 'x' WHERE id = %s", [round_.pk])
        cursor.execute("UPDATE deals_fundinground SET amount = NULL WHERE id = %s", [round_.pk])

    assert rows("round", round_.pk) == [
        ("created", True, ""),
        ("updated", True, ""),
        ("updated", False, ""),
        ("updated", True, ""),
    ]


def test_a_save_that_changes_nothing_but_its_update_time_writes_no_row():
    round_ = FundingRoundFactory()

    FundingRound.objects.get(pk=round_.pk).save()
    FundingRound.objects.filter(pk=round_.pk).update(round_label=round_.round_label)

    assert rows("round", round_.pk) == [("created", True, "")]


def test_a_deletion_is_a_tombstone_with_the_key_the_record_had():
    startup = StartupFactory(slug="old-name")
    Startup.objects.filter(pk=startup.pk).update(slug="new-name")

    Startup.objects.filter(pk=startup.pk).delete()

    assert rows("startup", startup.pk) == [
        ("created", True, "old-name"),
        ("updated", False, "new-name"),
        ("deleted", False, "new-name"),
    ]


def test_a_rolled_back_write_leaves_no_row():
    startup = StartupFactory()
    count = Change.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        FundingRoundFactory(startup=startup)
        Startup.objects.filter(pk=startup.pk).update(city="Shenzhen")
        raise RuntimeError("rolled back")

    assert Change.objects.count() == count


def test_an_admin_save_writes_a_row(client):
    client.force_login(StaffFactory(is_superuser=True))
    startup = StartupFactory(city="Beijing")
    page = client.get(admin_url(Startup, "change", startup.pk))
    data = {**admin_form_data(page), "city": "Hangzhou"}

    response = client.post(admin_url(Startup, "change", startup.pk), data)

    assert response.status_code == 302, response.content[:2000]
    assert rows("startup", startup.pk) == [
        ("created", True, startup.slug),
        ("updated", False, startup.slug),
    ]


def test_an_api_write_writes_a_row():
    user = UserFactory()
    grant(user, FundingRound, "change")
    round_ = FundingRoundFactory(amount=Decimal("100"))

    response = with_token(token_for(user)).patch(
        f"/api/v1/rounds/{round_.pk}/", {"amount": "250", "amount_currency": "USD"}
    )

    assert response.status_code == 200, response.json()
    assert rows("round", round_.pk) == [("created", True, ""), ("updated", True, "")]


def test_an_import_writes_a_row_per_record_and_a_second_import_none():
    call_command("load_sample_data", SAMPLE, verbosity=0)
    written = Change.objects.count()
    moonshot = Startup.objects.get(slug="moonshot")

    call_command("load_sample_data", SAMPLE, "--reload", verbosity=0)

    assert Change.objects.count() == written
    assert Change.objects.filter(action="created").count() == sum(
        model.objects.count() for model in tracked_models()
    )
    assert rows("startup", moonshot.pk)[0] == ("created", True, "moonshot")


def tracked_models() -> list:
    from django.apps import apps

    tables = {tracked.table for tracked in TRACKED}
    return [model for model in apps.get_models() if model._meta.db_table in tables]


def test_the_migration_installs_what_the_tracked_table_says():
    frozen = importlib.import_module("deals.migrations.0010_change_feed_triggers").TRACKED

    assert frozen == TRACKED  # an edit of TRACKED goes with a migration that reinstalls
    for tracked in TRACKED:
        assert installed_triggers(tracked) == expected_triggers(tracked), tracked.kind


def installed_triggers(tracked) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal",
                [tracked.table],
            )
            return [f"{name}: {compared_figures(source)}" for name, source in cursor.fetchall()]
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
            "ORDER BY name",
            [tracked.table],
        )
        return [f"{name}: {compared_columns(sql)}" for name, sql in cursor.fetchall()]


def expected_triggers(tracked) -> list[str]:
    figures = sorted(tracked.figure_columns)
    if connection.vendor == "postgresql":
        return [f"change_feed: {figures}"]
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, tracked.table)
    every = sorted({c.name for c in columns} - set(IGNORED_COLUMNS)) + figures
    name = f"change_feed_{tracked.kind}"
    return [f"{name}_delete: []", f"{name}_insert: []", f"{name}_update: {every}"]


def compared_figures(source: str) -> list[str]:
    return sorted(re.findall(r'OLD\."(\w+)"', source))


def compared_columns(sql: str) -> list[str]:
    """The columns an SQLite trigger compares: its WHEN's, then its figures'."""
    when, _, body = sql.partition(" BEGIN ")
    return compared_figures(when) + compared_figures(body)
