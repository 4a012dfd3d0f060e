"""Write services: USD at the record's date, validation in words, the affiliate tree."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from deals import services
from deals.models import FundingRound, FxRate, InvestorAncestry
from deals.selectors import investor_family, rounds_joined_by
from tests.factories import (
    FundingRoundFactory,
    FxRateFactory,
    InvestorFactory,
    ParticipationFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


def cny_rates():
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7.1"))
    FxRateFactory(month=dt.date(2024, 3, 1), currency="CNY", units_per_usd=Decimal("7.2"))


def test_a_cny_round_uses_the_rate_of_the_latest_month_on_or_before_its_date():
    cny_rates()
    funding_round = services.funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2024, 2, 20),
        round_label="Series B",
        amount=Decimal("710000000"),
        amount_currency="CNY",
        post_money_valuation=Decimal("7200000000"),
        valuation_currency="CNY",
        source_urls=["https://news.example.com/a"],
    )
    assert funding_round.amount_fx_rate == Decimal("7.1")
    assert funding_round.amount_usd == Decimal("100000000.00")
    assert funding_round.post_money_valuation_usd == Decimal("1014084507.04")
    assert [s.url for s in funding_round.sources.all()] == ["https://news.example.com/a"]


def test_a_month_precision_date_converts_at_that_month():
    cny_rates()
    funding_round = services.funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2024, 3, 1),
        date_precision="month",
        round_label="A",
        amount=Decimal("72"),
        amount_currency="CNY",
    )
    assert (funding_round.amount_usd, funding_round.amount_fx_rate) == (
        Decimal("10.00"),
        Decimal("7.2"),
    )


def test_a_date_before_any_rate_leaves_usd_unknown_not_zero():
    cny_rates()
    funding_round = services.funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2023, 12, 31),
        round_label="A",
        amount=Decimal("100"),
        amount_currency="CNY",
    )
    assert funding_round.amount_usd is None
    assert funding_round.amount_fx_rate is None


def test_usd_figures_are_at_rate_one():
    funding_round = services.funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2020, 1, 1),
        round_label="A",
        amount=Decimal("5"),
        amount_currency="USD",
    )
    assert (funding_round.amount_usd, funding_round.amount_fx_rate) == (Decimal("5.00"), 1)


def test_a_new_rate_recomputes_the_figures_in_its_currency():
    funding_round = services.funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2024, 5, 10),
        round_label="A",
        amount=Decimal("800"),
        amount_currency="CNY",
    )
    assert funding_round.amount_usd is None

    services.fx_rate_save(FxRate(month=dt.date(2024, 5, 1), currency="CNY", units_per_usd=8))

    funding_round.refresh_from_db()
    assert funding_round.amount_usd == Decimal("100.00")


def test_participants_convert_at_their_round_date():
    cny_rates()
    investor = InvestorFactory()
    funding_round = services.funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2024, 3, 5),
        round_label="B",
        amount=Decimal("720"),
        amount_currency="CNY",
        participants=[
            {
                "investor": investor,
                "is_lead": True,
                "amount": Decimal("144"),
                "amount_currency": "CNY",
                "stake_percent": Decimal("36"),
            }
        ],
    )
    participation = funding_round.participations.get()
    assert (participation.amount_usd, participation.is_lead) == (Decimal("20.00"), True)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"amount": Decimal("-50000000"), "amount_currency": "USD"},
            "amount",
            "must not be negative (got -50000000)",
        ),
        (
            {"amount": Decimal("5"), "amount_currency": ""},
            "amount_currency",
            "is required when an amount is given",
        ),
        (
            {
                "amount": Decimal("5"),
                "amount_currency": "USD",
                "compute_credit_amount": Decimal("6"),
                "compute_credit_currency": "USD",
            },
            "compute_credit_amount",
            "must not exceed the amount 5 (got 6)",
        ),
        (
            {"amount_qualifier": "roughly"},
            "amount_qualifier",
            "Value 'roughly' is not a valid choice.",
        ),
    ],
)
def test_a_bad_round_is_refused_in_words_and_nothing_is_written(fields, field, message):
    with pytest.raises(ValidationError) as refused:
        services.funding_round_create(
            startup=StartupFactory(),
            announced_on=dt.date(2024, 1, 1),
            round_label="A",
            source_urls=["https://news.example.com/x"],
            **fields,
        )
    assert message in refused.value.message_dict[field]
    assert FundingRound.objects.count() == 0


def test_a_stake_over_100_is_refused_in_words():
    funding_round = FundingRoundFactory()
    with pytest.raises(ValidationError) as refused:
        services.participation_create(
            round=funding_round, investor=InvestorFactory(), stake_percent=Decimal("120")
        )
    assert refused.value.message_dict["stake_percent"] == [
        "must be a percentage between 0 and 100 (got 120)"
    ]


def test_an_affiliate_rolls_up_into_its_parent_at_any_depth():
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba Group")
    cloud = services.investor_create(slug="alibaba_cloud", name_en="Alibaba Cloud", parent=alibaba)
    fund = services.investor_create(slug="cloud_fund", name_en="Cloud Fund", parent=cloud)
    tencent = services.investor_create(slug="tencent", name_en="Tencent")
    by_fund = ParticipationFactory(investor=fund).round
    by_both = ParticipationFactory(investor=alibaba).round
    ParticipationFactory(round=by_both, investor=cloud)
    ParticipationFactory(investor=tencent)

    assert set(investor_family(alibaba)) == {alibaba, cloud, fund}
    assert set(rounds_joined_by(alibaba)) == {by_fund, by_both}
    assert rounds_joined_by(alibaba).count() == 2
    assert set(rounds_joined_by(cloud)) == {by_fund, by_both}
    assert set(rounds_joined_by(tencent)).isdisjoint({by_fund, by_both})
    assert InvestorAncestry.objects.filter(investor=fund).count() == 3


def test_a_parent_chain_with_a_cycle_is_refused():
    top = services.investor_create(slug="top", name_en="Top")
    middle = services.investor_create(slug="middle", name_en="Middle", parent=top)
    with pytest.raises(ValidationError) as refused:
        services.investor_update(top, parent=middle)
    assert "cycle" in refused.value.message_dict["parent"][0]
    top.refresh_from_db()
    assert top.parent is None


def test_moving_an_affiliate_moves_its_deals():
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba")
    tencent = services.investor_create(slug="tencent", name_en="Tencent")
    cloud = services.investor_create(slug="cloud", name_en="Cloud", parent=alibaba)
    joined = ParticipationFactory(investor=cloud).round

    services.investor_update(cloud, parent=tencent)

    assert list(rounds_joined_by(tencent)) == [joined]
    assert not rounds_joined_by(alibaba).exists()
