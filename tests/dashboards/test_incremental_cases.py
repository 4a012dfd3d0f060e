"""The incremental refresh in the cases its shortcuts are built around: it regroups only the
periods and pairs a change moved, and each case still gives what a full refresh gives."""

import datetime as dt

import pytest

from dashboards.models import CoInvestment, InvestorPeriodStat, UnicornPeriodStat
from dashboards.refresh import refresh_full, refresh_pending
from deals import services
from startups import services as startup_services
from startups.services import record_delete
from tests.dashboards.test_incremental import snapshot

pytestmark = pytest.mark.django_db

JAN_2021, JUN_2022, MAR_2024 = dt.date(2021, 1, 15), dt.date(2022, 6, 1), dt.date(2024, 3, 1)


def refresh_as_full_would() -> None:
    """Apply the outbox, and check that a full refresh would have given the same."""
    while refresh_pending() is not None:
        pass
    incremental = snapshot()
    refresh_full()
    assert snapshot() == incremental


def round_of(startup, on: dt.date, investors: list, valuation: int | None = None, label: str = ""):
    return services.funding_round_create(
        startup=startup,
        announced_on=on,
        round_label=label or f"Round {on}",
        amount=10_000_000,
        amount_currency="USD",
        post_money_valuation=valuation,
        valuation_currency="USD" if valuation else "",
        participants=[
            {"investor": investor, "is_lead": i == 0} for i, investor in enumerate(investors)
        ],
    )


@pytest.fixture
def investors():
    return [services.investor_create(slug=f"inv-{i}", name_en=f"Investor {i}") for i in range(3)]


@pytest.fixture
def startups():
    return [
        startup_services.startup_create(slug=f"startup-{i}", name_en=f"Startup {i}", is_ai=True)
        for i in range(3)
    ]


def pair(a, b) -> CoInvestment:
    first, second = sorted([a, b], key=lambda investor: investor.pk)
    return CoInvestment.objects.get(investor_a=first, investor_b=second)


def test_a_pair_whose_first_shared_startup_goes_starts_at_the_next(investors, startups):
    first = round_of(startups[0], JAN_2021, investors[:2])
    round_of(startups[1], JUN_2022, investors[:2])
    refresh_full()
    assert pair(*investors[:2]).first_together == JAN_2021

    record_delete(first)
    refresh_as_full_would()
    assert (pair(*investors[:2]).shared_startups, pair(*investors[:2]).first_together) == (
        1,
        JUN_2022,
    )


def test_a_pair_whose_only_shared_stake_goes_is_no_pair(investors, startups):
    funding_round = round_of(startups[0], JAN_2021, investors[:2])
    refresh_full()
    record_delete(funding_round.participations.get(investor=investors[1]))
    refresh_as_full_would()
    assert not CoInvestment.objects.exists()


def test_a_new_round_regroups_only_the_periods_it_falls_in(investors, startups):
    round_of(startups[0], JAN_2021, investors[:1])
    refresh_full()
    untouched = InvestorPeriodStat.objects.get(investor=investors[0], period_kind="year")

    round_of(startups[1], MAR_2024, investors[:1])
    while refresh_pending() is not None:
        pass
    years = InvestorPeriodStat.objects.filter(investor=investors[0], period_kind="year")
    assert {(s.period_start.year, s.deals_total) for s in years} == {(2021, 1), (2024, 1)}
    assert years.get(period_start__year=2021).data_version == untouched.data_version
    assert years.get(period_start__year=2024).data_version > untouched.data_version


def test_a_round_moved_to_another_year_leaves_its_old_year(investors, startups):
    funding_round = round_of(startups[0], JAN_2021, investors[:1])
    refresh_full()
    services.funding_round_update(funding_round, announced_on=MAR_2024)
    refresh_as_full_would()
    years = InvestorPeriodStat.objects.filter(investor=investors[0], period_kind="year")
    assert [s.period_start.year for s in years] == [2024]


def test_a_startup_valued_at_a_billion_joins_the_unicorns_from_then_on(investors, startups):
    round_of(startups[0], JAN_2021, investors[:1], valuation=500_000_000)
    round_of(startups[1], JAN_2021, investors[:1], valuation=3_000_000_000)
    refresh_full()
    round_of(startups[0], MAR_2024, investors[:1], valuation=2_000_000_000)
    refresh_as_full_would()
    joined = UnicornPeriodStat.objects.get(period_kind="quarter", period_start=dt.date(2024, 1, 1))
    assert (joined.count, joined.joined) == (2, ["startup-0"])


def test_a_renamed_unicorn_is_listed_by_its_new_slug(investors, startups):
    round_of(startups[0], JAN_2021, investors[:1], valuation=2_000_000_000)
    refresh_full()
    startup_services.startup_update(startups[0], slug="renamed")
    refresh_as_full_would()
    periods = UnicornPeriodStat.objects.filter(period_kind="year")
    assert {tuple(p.startups) for p in periods} == {("renamed",)}


def test_a_pairs_first_day_together_keeps_the_precision_of_its_round(investors, startups):
    # The same first day, known to the month for one investor and to the day for the other:
    # together since some day of that month.
    by_month = round_of(startups[0], dt.date(2024, 2, 1), investors[:1])
    services.funding_round_update(by_month, date_precision="month")
    by_day = round_of(startups[0], dt.date(2024, 2, 1), investors[1:2], label="Series B")
    refresh_full()
    assert (pair(*investors[:2]).first_together, pair(*investors[:2]).first_together_precision) == (
        dt.date(2024, 2, 1),
        "month",
    )

    services.funding_round_update(by_month, date_precision="day")
    refresh_as_full_would()
    assert pair(*investors[:2]).first_together_precision == "day"

    services.funding_round_update(by_day, date_precision="quarter")
    refresh_as_full_would()
    assert pair(*investors[:2]).first_together_precision == "quarter"

    round_of(startups[1], dt.date(2023, 5, 1), investors[:2])
    refresh_as_full_would()
    assert (pair(*investors[:2]).first_together, pair(*investors[:2]).first_together_precision) == (
        dt.date(2023, 5, 1),
        "day",
    )
