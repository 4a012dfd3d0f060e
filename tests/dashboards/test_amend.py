"""A full refresh writes only what differs from the stored aggregates: rows it finds as they
should be stay as they are, with the stamp of the refresh that wrote them; wrong, missing and
extra rows are put right; and when much differs the table is rewritten whole."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import BooleanField, DateField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.models import CoInvestment, InvestorPeriodStat, InvestorRound
from dashboards.refresh import refresh_full
from deals import services
from startups import services as startup_services
from tests.dashboards.test_incremental import snapshot
from tests.dashboards.test_incremental_cases import round_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BIG = (CoInvestment, InvestorRound, InvestorPeriodStat)


@pytest.fixture
def refreshed():
    """Ten investors, all in one startup and half of them in each of two others (45 pairs),
    refreshed once."""
    investors = [
        services.investor_create(slug=f"inv-{n}", name_en=f"Investor {n}") for n in range(10)
    ]
    for n, backers in enumerate([investors, investors[:5], investors[5:]]):
        startup = startup_services.startup_create(
            slug=f"startup-{n}", name_en=f"Startup {n}", is_ai=True
        )
        round_of(startup, dt.date(2021 + n, 3, 1), backers)
    refresh_full()
    return investors


def stamps(model) -> set:
    """When the rows were written (each refresh stamps its own time)."""
    return set(model.objects.values_list("computed_at", flat=True))


def table_oid(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regclass::oid", [model._meta.db_table])
        return cursor.fetchone()[0]


def test_a_full_refresh_of_unchanged_figures_writes_no_row(refreshed):
    before = {model: (stamps(model), table_oid(model)) for model in BIG}
    figures = snapshot()

    refresh_full()

    assert snapshot() == figures
    # Same rows, same tables: not rewritten, not even swapped for a copy.
    assert {model: (stamps(model), table_oid(model)) for model in BIG} == before


def test_a_full_refresh_puts_right_a_wrong_a_missing_and_an_extra_row(refreshed):
    figures = snapshot()
    pairs = list(CoInvestment.objects.order_by("pk"))
    assert len(pairs) == 45  # three rows to put right: under a tenth, amended in place
    wrong, missing = pairs[0], pairs[1]
    CoInvestment.objects.filter(pk=wrong.pk).update(shared_startups=99)
    CoInvestment.objects.filter(pk=missing.pk).delete()
    CoInvestment.objects.create(
        investor_a=refreshed[0],
        investor_b=services.investor_create(slug="inv-extra", name_en="Extra"),
        shared_startups=1,
        shared_rounds=1,
        first_together=dt.date(2020, 1, 1),
        first_together_precision="day",
        computed_at=timezone.now(),
        data_version=0,
    )
    untouched = {pair.pk: pair.computed_at for pair in pairs[2:]}

    refresh_full()

    assert snapshot() == figures
    # The pairs that were right keep the stamp of the refresh that wrote them.
    kept = dict(CoInvestment.objects.filter(pk__in=untouched).values_list("pk", "computed_at"))
    assert kept == untouched


def test_when_most_rows_differ_the_table_is_rewritten_whole(refreshed):
    figures = snapshot()
    oid = table_oid(InvestorRound)
    kept = InvestorRound.objects.order_by("investor_id", "round_id").first()
    InvestorRound.objects.exclude(investor_id=kept.investor_id, round_id=kept.round_id).delete()

    refresh_full()

    assert snapshot() == figures
    assert table_oid(InvestorRound) != oid  # a copy written aside took the table's place


def test_unchanged_figures_are_told_by_their_digests_without_a_join(refreshed):
    with CaptureQueriesContext(connection) as queries:
        refresh_full()

    statements = [query["sql"] for query in queries.captured_queries]
    assert sum("hash_record_extended" in sql for sql in statements) == 2 * len(BIG)
    assert not [sql for sql in statements if "FULL JOIN" in sql]


KEYS = {
    CoInvestment: {"investor_a_id", "investor_b_id"},
    InvestorRound: {"investor_id", "round_id"},
    InvestorPeriodStat: {"investor_id", "period_kind", "period_start"},
}
COMPARED = [
    (model, field)
    for model in BIG
    for field in model._meta.concrete_fields
    if not field.primary_key
    and field.attname not in KEYS[model] | {"computed_at", "data_version"}
]


def changed(field, value):
    """Another value the column may hold."""
    if field.choices:
        return next(choice for choice, _ in field.choices if choice != value)
    if isinstance(field, BooleanField):
        return not value
    if isinstance(field, DateField):
        return value + dt.timedelta(days=1)
    return 1 if value is None else value + 1


@pytest.mark.parametrize(
    ("model", "field"), COMPARED, ids=[f"{m.__name__}.{f.attname}" for m, f in COMPARED]
)
def test_a_change_to_any_compared_column_of_one_row_is_found_and_put_right(
    refreshed, model, field
):
    figures = snapshot()
    row = model.objects.order_by(*KEYS[model]).values(*KEYS[model], field.attname).first()
    key = {name: row[name] for name in KEYS[model]}
    model.objects.filter(**key).update(**{field.attname: changed(field, row[field.attname])})
    assert snapshot() != figures

    refresh_full()

    assert snapshot() == figures
