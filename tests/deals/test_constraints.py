"""The database itself refuses nonsense, whatever path writes it (here: the bare ORM)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from deals.models import FundingRound, FxRate, Investor, ReportedMetric
from tests.factories import (
    ComputeDealFactory,
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    StartupFactory,
    ValuationMarkFactory,
)

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    ("field", "currency"),
    [
        ("amount", "amount_currency"),
        ("post_money_valuation", "valuation_currency"),
        ("compute_credit_amount", "compute_credit_currency"),
    ],
)
def test_a_round_refuses_negative_money(field, currency):
    assert refused(lambda: FundingRoundFactory(**{field: Decimal("-1"), currency: "USD"}))


def test_a_round_refuses_an_unknown_currency():
    assert refused(lambda: FundingRoundFactory(amount_currency="XYZ"))


def test_a_round_refuses_credits_above_its_amount_in_the_same_currency():
    assert refused(
        lambda: FundingRoundFactory(
            amount=Decimal("100"),
            compute_credit_amount=Decimal("101"),
            compute_credit_currency="USD",
        )
    )


def test_credits_in_another_currency_are_not_compared_by_the_database():
    FundingRoundFactory(
        amount=Decimal("100"), compute_credit_amount=Decimal("500"), compute_credit_currency="CNY"
    )
    assert FundingRound.objects.count() == 1


def test_a_round_natural_key_is_unique():
    first = FundingRoundFactory()
    assert refused(
        lambda: FundingRoundFactory(
            startup=first.startup, announced_on=first.announced_on, round_label=first.round_label
        )
    )


@pytest.mark.parametrize("stake", [Decimal("-0.1"), Decimal("100.01")])
def test_a_stake_is_within_0_and_100(stake):
    assert refused(lambda: ParticipationFactory(stake_percent=stake))


def test_an_investor_joins_a_round_once():
    first = ParticipationFactory()
    assert refused(lambda: ParticipationFactory(round=first.round, investor=first.investor))


def test_participation_credits_within_amount():
    assert refused(
        lambda: ParticipationFactory(
            amount=Decimal("10"),
            amount_currency="USD",
            compute_credit_amount=Decimal("11"),
            compute_credit_currency="USD",
        )
    )


def test_a_valuation_and_a_compute_deal_refuse_negative_money():
    assert refused(lambda: ValuationMarkFactory(value=Decimal("-1")))
    assert refused(lambda: ComputeDealFactory(amount=Decimal("-1"), amount_currency="USD"))
    assert refused(lambda: ComputeDealFactory(quantity=-5))


def test_an_fx_rate_is_positive_unique_and_monthly():
    assert refused(
        lambda: FxRate.objects.create(
            month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("0")
        )
    )
    assert refused(
        lambda: FxRate.objects.create(
            month=dt.date(2024, 1, 15), currency="CNY", units_per_usd=Decimal("7")
        )
    )
    FxRate.objects.create(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7"))
    assert refused(
        lambda: FxRate.objects.create(
            month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7.2")
        )
    )


def test_an_investor_cannot_be_its_own_parent():
    investor = InvestorFactory()
    assert refused(lambda: Investor.objects.filter(pk=investor.pk).update(parent=investor))


def test_slugs_are_unique():
    StartupFactory(slug="zhipu")
    from startups.models import Startup

    assert refused(lambda: Startup.objects.create(slug="zhipu", name_en="Another"))


def test_a_metric_is_unique_per_period_even_without_a_start():
    ReportedMetricFactory(period_start=None)
    assert refused(lambda: ReportedMetricFactory(period_start=None))
    assert ReportedMetric.objects.count() == 1


def test_a_public_startup_needs_its_ipo_date():
    assert refused(lambda: StartupFactory(status="public", ipo_date=None))
