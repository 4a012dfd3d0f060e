"""Aggregates against hand-computed expectations."""

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from dashboards.aggregates import qualifier_sql
from dashboards.models import (
    CoInvestment,
    DatasetTotal,
    InvestorPeriodStat,
    InvestorTotal,
    UnicornPeriodStat,
)
from dashboards.refresh import refresh_full, refresh_pending
from dashboards.unicorn_selectors import most_valuable_unicorns
from deals import services
from deals.importing import import_paths
from deals.models import Investor
from startups.models import PendingRefresh
from startups.vocab import sum_qualifier
from tests.factories import FxRateFactory, StartupFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def round_of(startup, investors, on, *, leads=(), **fields):
    participants = [{"investor": i, "is_lead": i in leads} for i in investors]
    return services.funding_round_create(
        startup=startup,
        announced_on=on,
        round_label=f"R{on}{startup.slug}",
        participants=participants,
        **fields,
    )


def stat(investor, kind="year", start=dt.date(2023, 1, 1)):
    return InvestorPeriodStat.objects.get(investor=investor, period_kind=kind, period_start=start)


def test_ai_share_counts_each_round_once_with_affiliates_rolled_up():
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba")
    cloud = services.investor_create(slug="cloud", name_en="Alibaba Cloud", parent=alibaba)
    ai = [StartupFactory(is_ai=True) for _ in range(4)]
    other = [StartupFactory(is_ai=False) for _ in range(6)]
    # 10 deals in 2023: 4 in AI startups, one of those only through the affiliate, one with
    # parent and affiliate both in the round.
    round_of(ai[0], [alibaba], dt.date(2023, 1, 5))
    round_of(ai[1], [cloud], dt.date(2023, 2, 5))
    round_of(ai[2], [alibaba, cloud], dt.date(2023, 3, 5))
    round_of(ai[3], [alibaba], dt.date(2023, 12, 31))
    for number, startup in enumerate(other):
        round_of(startup, [alibaba], dt.date(2023, 4 + number, 1))
    round_of(ai[0], [alibaba], dt.date(2024, 1, 1))  # another year

    refresh_full()

    year = stat(alibaba)
    assert (year.deals_total, year.deals_ai, year.ai_share) == (10, 4, Decimal("0.4"))
    assert stat(cloud).deals_total == 2
    first_quarter = stat(alibaba, "quarter", dt.date(2023, 1, 1))
    assert (first_quarter.deals_total, first_quarter.deals_ai) == (3, 3)
    assert stat(alibaba, start=dt.date(2024, 1, 1)).deals_total == 1


def test_capital_is_whole_rounds_in_usd_at_each_rounds_month_with_its_bounds():
    FxRateFactory(month=dt.date(2023, 1, 1), currency="CNY", units_per_usd=Decimal("7"))
    FxRateFactory(month=dt.date(2023, 6, 1), currency="CNY", units_per_usd=Decimal("8"))
    investor = services.investor_create(slug="tencent", name_en="Tencent")
    round_of(
        StartupFactory(),
        [investor],
        dt.date(2023, 3, 1),
        amount=Decimal("700"),
        amount_currency="CNY",
    )
    round_of(
        StartupFactory(),
        [investor],
        dt.date(2023, 7, 1),
        amount=Decimal("800"),
        amount_currency="CNY",
        amount_qualifier="at_least",
    )
    round_of(StartupFactory(), [investor], dt.date(2023, 8, 1))  # undisclosed

    refresh_full()

    year = stat(investor)
    assert (year.capital_usd, year.capital_qualifier) == (Decimal("200.00"), "at_least")
    assert (year.deals_total, year.deals_disclosed) == (3, 2)
    assert year.own_contribution_usd is None


def test_a_year_is_its_quarters_summed_with_bounds_from_different_quarters_combined():
    investor = services.investor_create(slug="tencent", name_en="Tencent")
    for is_ai, month, amount, qualifier in [
        (True, 2, "100", "at_least"),
        (False, 8, "50", "at_most"),
    ]:
        round_of(
            StartupFactory(is_ai=is_ai),
            [investor],
            dt.date(2023, month, 1),
            amount=Decimal(amount),
            amount_currency="USD",
            amount_qualifier=qualifier,
        )
    round_of(StartupFactory(is_ai=True), [investor], dt.date(2023, 11, 1))  # undisclosed

    refresh_full()

    first, third, last = (
        stat(investor, "quarter", dt.date(2023, month, 1)) for month in (1, 7, 10)
    )
    assert (first.capital_usd, first.capital_qualifier, first.ai_share) == (
        Decimal("100.00"),
        "at_least",
        Decimal("1"),
    )
    assert (third.capital_usd, third.capital_qualifier, third.ai_share) == (
        Decimal("50.00"),
        "at_most",
        Decimal("0"),
    )
    assert (last.capital_usd, last.deals_disclosed) == (None, 0)
    year = stat(investor)
    # At least 100 and at most 50 more: a bound in each direction makes the sum approximate.
    assert (year.capital_usd, year.capital_qualifier) == (Decimal("150.00"), "approx")
    assert (year.deals_total, year.deals_ai, year.deals_disclosed) == (3, 2, 2)
    assert year.ai_share == Decimal("0.666667")
    assert (year.capital_at_least_rounds, year.capital_at_most_rounds) == (1, 1)


def test_credits_come_from_participations_else_from_the_round_of_a_sole_lead():
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba")
    other = services.investor_create(slug="other", name_en="Other")
    startup = StartupFactory()
    services.funding_round_create(
        startup=startup,
        announced_on=dt.date(2024, 2, 1),
        round_label="B",
        amount=Decimal("1000"),
        amount_currency="USD",
        participants=[
            {
                "investor": alibaba,
                "is_lead": True,
                "amount": Decimal("800"),
                "amount_currency": "USD",
                "compute_credit_amount": Decimal("300"),
                "compute_credit_currency": "USD",
                "compute_credit_qualifier": "at_least",
            },
            {"investor": other},
        ],
    )
    services.funding_round_create(
        startup=startup,
        announced_on=dt.date(2024, 5, 1),
        round_label="B+",
        amount=Decimal("100"),
        amount_currency="USD",
        compute_credit_amount=Decimal("40"),
        compute_credit_currency="USD",
        participants=[{"investor": alibaba, "is_lead": True}],
    )
    refresh_full()
    year = stat(alibaba, start=dt.date(2024, 1, 1))
    assert (year.capital_usd, year.own_contribution_usd) == (Decimal("1100.00"), Decimal("800.00"))
    assert (year.compute_credits_usd, year.compute_credits_qualifier) == (
        Decimal("340.00"),
        "at_least",
    )
    assert stat(other, start=dt.date(2024, 1, 1)).compute_credits_usd is None


def test_unicorns_are_counted_at_quarter_ends_including_a_round_dated_by_quarter():
    dragon = StartupFactory(slug="dragon")
    listed = StartupFactory(slug="listed", status="public", ipo_date=dt.date(2024, 5, 10))
    robot = StartupFactory(slug="robot", is_ai=False)
    billion = {"post_money_valuation": Decimal("1000000000"), "valuation_currency": "USD"}
    services.funding_round_create(
        startup=dragon,
        announced_on=dt.date(2024, 4, 1),
        date_precision="quarter",
        round_label="B",
        **billion,
    )
    services.funding_round_create(
        startup=listed, announced_on=dt.date(2023, 11, 1), round_label="C", **billion
    )
    services.funding_round_create(
        startup=robot, announced_on=dt.date(2023, 1, 1), round_label="A", **billion
    )
    services.valuation_mark_create(
        startup=dragon, valued_on=dt.date(2024, 9, 1), value=Decimal("900000000"), currency="USD"
    )

    refresh_full()

    counts = {
        u.period_end: (u.count, u.startups, u.joined, u.left)
        for u in UnicornPeriodStat.objects.filter(period_kind="quarter")
    }
    assert counts[dt.date(2023, 12, 31)] == (1, ["listed"], ["listed"], [])
    assert counts[dt.date(2024, 3, 31)] == (1, ["listed"], [], [])
    assert counts[dt.date(2024, 6, 30)] == (1, ["dragon"], ["dragon"], ["listed"])
    assert counts[dt.date(2024, 9, 30)] == (0, [], [], ["dragon"])
    assert min(counts) == dt.date(2023, 3, 31)  # from the first period with data
    assert max(counts) >= dt.date(2026, 9, 30)  # to the current one


def test_rival_giants_in_the_same_startups_make_a_weighted_pair():
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba")
    cloud = services.investor_create(slug="cloud", name_en="Cloud", parent=alibaba)
    tencent = services.investor_create(slug="tencent", name_en="Tencent")
    first, second = StartupFactory(), StartupFactory()
    round_of(first, [cloud, tencent], dt.date(2023, 5, 1))
    round_of(second, [alibaba], dt.date(2023, 2, 1))
    round_of(second, [tencent], dt.date(2024, 2, 1))

    refresh_full()

    pair = CoInvestment.objects.get()
    assert {pair.investor_a, pair.investor_b} == {alibaba, tencent}
    assert (pair.shared_startups, pair.shared_rounds) == (2, 1)
    assert pair.first_together == dt.date(2023, 5, 1)


@pytest.mark.parametrize("flags", list(itertools.product((0, 1), repeat=3)))
def test_the_sql_sum_of_bounds_is_the_readmes_rule(flags):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qualifier_sql('f')} FROM (SELECT %s AS f_at_least, %s AS f_approx, "
            "%s AS f_at_most) parts",
            list(flags),
        )
        assert cursor.fetchone()[0] == sum_qualifier(*flags)


def test_a_sum_takes_the_bounds_of_its_parts():
    assert [
        sum_qualifier(*flags)
        for flags in [(0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 0), (1, 0, 1), (0, 0, 1)]
    ] == ["exact", "at_least", "approx", "at_least", "approx", "at_most"]


def test_alibaba_per_year_matches_a_hand_count_of_the_sample_data():
    """Counted by hand from data/sample/rounds.csv and participations.csv: rounds naming
    alibaba or an affiliate (alibaba_cloud, cainiao) among lead_investors, participants or
    participations, by year, AI per startups.csv."""
    assert import_paths([SAMPLE]).ok
    refresh_full()
    alibaba = Investor.objects.get(slug="alibaba")
    by_year = {
        s.period_start.year: (s.deals_total, s.deals_ai, s.deals_core_ai)
        for s in InvestorPeriodStat.objects.filter(investor=alibaba, period_kind="year")
    }
    # Outside the core definition: DeepRoute.ai (2021) and Zelos (2026) drive, Horizon
    # Robotics (2024) makes chips, three of 2025's are robot makers.
    assert by_year == {
        2021: (1, 1, 0),
        2022: (3, 0, 0),
        2023: (3, 3, 3),
        2024: (5, 5, 4),
        2025: (7, 6, 3),
        2026: (4, 4, 3),
    }
    tencent = Investor.objects.get(slug="tencent")
    pair = CoInvestment.objects.get(
        investor_a__in=[alibaba, tencent], investor_b__in=[alibaba, tencent]
    )
    assert pair.shared_startups == 5


def test_a_refresh_that_crashes_half_way_leaves_the_previous_figures(monkeypatch):
    investor = services.investor_create(slug="tencent", name_en="Tencent")
    round_of(StartupFactory(), [investor], dt.date(2023, 3, 1))
    refresh_full()
    round_of(StartupFactory(), [investor], dt.date(2023, 4, 1))
    pending_before = PendingRefresh.objects.count()

    def crash(*args, **kwargs):
        raise RuntimeError("worker lost half-way")

    monkeypatch.setattr("dashboards.aggregates.valuation_points_insert", crash)
    with pytest.raises(RuntimeError):
        refresh_pending()

    assert stat(investor).deals_total == 1
    assert PendingRefresh.objects.count() == pending_before
    monkeypatch.undo()
    refresh_pending()
    assert stat(investor).deals_total == 2
    assert not PendingRefresh.objects.exists()


def test_an_investors_totals_are_its_years_summed_with_every_bound_kept():
    FxRateFactory(month=dt.date(2023, 1, 1), currency="USD", units_per_usd=Decimal("1"))
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba")
    ai, other = StartupFactory(is_ai=True), StartupFactory(is_ai=False)
    round_of(ai, [alibaba], dt.date(2023, 1, 5), amount=100, amount_currency="USD")
    round_of(other, [alibaba], dt.date(2024, 1, 5), amount=50, amount_currency="USD")
    round_of(
        ai,
        [alibaba],
        dt.date(2024, 6, 5),
        amount=10,
        amount_currency="USD",
        amount_qualifier="at_least",
    )
    round_of(other, [], dt.date(2024, 7, 5), amount=7, amount_currency="USD")

    refresh_full()

    total = InvestorTotal.objects.get(investor=alibaba)
    assert (total.deals_total, total.deals_ai, total.deals_disclosed) == (3, 2, 3)
    assert total.capital_usd == Decimal("160")
    assert (total.capital_at_least, total.capital_approx, total.capital_at_most) == (
        True,
        False,
        False,
    )
    dataset = DatasetTotal.objects.get()
    assert (dataset.startups, dataset.ai_startups, dataset.rounds) == (2, 1, 4)
    assert (dataset.capital_usd, dataset.capital_at_least) == (Decimal("167"), 1)


def test_the_most_valuable_unicorns_are_ranked_by_their_peak_across_many_periods(monkeypatch):
    FxRateFactory(month=dt.date(2021, 1, 1), currency="USD", units_per_usd=Decimal("1"))
    steady, rising, small = (StartupFactory(is_ai=True) for _ in range(3))
    # Valued once early: a member at every period end since, at the same valuation.
    round_of(steady, [], dt.date(2021, 1, 5), post_money_valuation=3_000_000_000,
             valuation_currency="USD")  # fmt: skip
    round_of(rising, [], dt.date(2022, 1, 5), post_money_valuation=2_000_000_000,
             valuation_currency="USD")  # fmt: skip
    round_of(rising, [], dt.date(2024, 1, 5), post_money_valuation=5_000_000_000,
             valuation_currency="USD")  # fmt: skip
    round_of(small, [], dt.date(2023, 1, 5), post_money_valuation=1_000_000_000,
             valuation_currency="USD")  # fmt: skip
    refresh_full()

    assert most_valuable_unicorns(2) == [rising.pk, steady.pk]
    assert most_valuable_unicorns(10) == [rising.pk, steady.pk, small.pk]
    # The same when the index is read in pages of two rows.
    monkeypatch.setattr("dashboards.unicorn_selectors.MEMBERSHIP_PAGE", 2)
    assert most_valuable_unicorns(10) == [rising.pk, steady.pk, small.pk]
