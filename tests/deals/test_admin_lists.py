"""The funding-round list keeps to seven narrow columns, so that it fits beside the admin's
filters: an amount shows as reported over its USD value in one cell, each figure once."""

import re
from decimal import Decimal

import pytest

from deals.models import FundingRound
from tests.factories import FundingRoundFactory
from tests.startups.test_admin import admin_url

pytestmark = pytest.mark.django_db


def amount_cells(html: str) -> list[str]:
    return re.findall(r'<td class="field-amount_reported_and_usd">(.*?)</td>', html)


def test_the_round_list_has_seven_columns_confidence_being_a_filter(admin_client):
    FundingRoundFactory()

    response = admin_client.get(admin_url(FundingRound, "changelist"))

    headers = [str(header["text"]) for header in response.context["result_headers"]][1:]
    assert headers == [
        "startup",
        "round",
        "announced",
        "amount",
        "valuation (USD)",
        "credits (USD)",
        "lead investors",
    ]
    assert "confidence__exact" in response.text  # still a filter


@pytest.mark.parametrize(
    ("amount", "currency", "usd", "cell"),
    [
        (Decimal("500000000"), "CNY", Decimal("70000000"), "≈ CNY 500M<br>≈ $70.0M"),
        (Decimal("500000000"), "CNY", None, "≈ CNY 500M<br>no FX rate"),
        (Decimal("300000000"), "USD", Decimal("300000000"), "≈ $300M"),
        (None, "", None, "undisclosed"),
    ],
    ids=["converted", "no-rate", "usd-once", "undisclosed"],
)
def test_an_amount_shows_as_reported_over_its_usd_value(admin_client, amount, currency, usd, cell):
    FundingRoundFactory(
        amount=amount, amount_currency=currency, amount_usd=usd, amount_qualifier="approx"
    )

    response = admin_client.get(admin_url(FundingRound, "changelist"))

    assert amount_cells(response.text) == [cell]
