"""Claims in the database: a write's figures are its sources' claims, the record holds the
accepted one, and its disputed figures are named."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from deals.claim_services import claim_accept, claim_delete, claim_save
from deals.services import funding_round_create, funding_round_update, participation_create
from tests.factories import (
    ClaimFactory,
    FxRateFactory,
    InvestorFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db

COPY = "https://copy.example.com/moonshot"
OUTLET = "https://outlet.example.com/moonshot"


@pytest.fixture
def funding_round():
    SourceFactory(url=COPY, kind="syndicated", published_on=dt.date(2024, 3, 1))
    SourceFactory(url=OUTLET, kind="original_report", published_on=dt.date(2024, 2, 20))
    return funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2024, 2, 1),
        round_label="Series B",
        amount=Decimal("1000000000"),
        amount_currency="USD",
        amount_qualifier="at_least",
        source_urls=[COPY],
    )


def claims(record, field="amount"):
    return list(
        record.claims.filter(field=field)
        .order_by("source__url")
        .values_list("source__url", "value", "qualifier", "reported_on")
    )


def test_a_new_records_figures_are_claims_of_each_of_its_sources(funding_round):
    assert claims(funding_round) == [(COPY, Decimal("1e9"), "at_least", dt.date(2024, 3, 1))]
    assert funding_round.disputed == []


def test_a_claim_from_a_better_source_becomes_the_records_figure(funding_round):
    claim_save(
        ClaimFactory.build(
            round=funding_round, source=SourceFactory(url=OUTLET), value=Decimal("800000000")
        )
    )
    funding_round.refresh_from_db()
    assert (funding_round.amount, funding_round.amount_qualifier) == (Decimal("8e8"), "exact")
    assert funding_round.amount_usd == Decimal("800000000.00")
    assert funding_round.disputed == ["amount"]


def test_an_unchanged_figure_written_back_leaves_the_claims_alone(funding_round):
    claim_save(ClaimFactory.build(round=funding_round, source=SourceFactory(url=OUTLET), value=8e8))
    funding_round.refresh_from_db()
    # An export imported back carries the accepted $800M under the copy's URL.
    funding_round_update(funding_round, amount=Decimal("8e8"), source_urls=[COPY])
    assert claims(funding_round)[0][:3] == (COPY, Decimal("1e9"), "at_least")


def test_a_changed_figure_is_a_new_claim_of_the_rows_sources(funding_round):
    funding_round_update(funding_round, amount=Decimal("12e8"), amount_qualifier="exact")
    assert claims(funding_round)[0][:3] == (COPY, Decimal("12e8"), "exact")


def test_a_staff_accepted_claim_resolves_the_dispute_and_holds_the_figure(funding_round):
    outlet = claim_save(
        ClaimFactory.build(round=funding_round, source=SourceFactory(url=OUTLET), value=8e8)
    )
    copy = funding_round.claims.get(source__url=COPY)
    claim_accept(copy, reason="The company confirmed at least $1bn.")
    funding_round.refresh_from_db()
    assert funding_round.amount == Decimal("1e9") and funding_round.disputed == []
    # Accepting the other withdraws the first acceptance.
    claim_accept(outlet, reason="Checked against the filing.")
    copy.refresh_from_db()
    funding_round.refresh_from_db()
    assert not copy.accepted and funding_round.amount == Decimal("8e8")


def test_an_acceptance_needs_its_reason(funding_round):
    with pytest.raises(ValidationError) as error:
        claim_accept(funding_round.claims.get(), reason="  ")
    assert "notes" in error.value.message_dict


def test_deleting_the_winning_claim_gives_the_figure_back_to_the_next(funding_round):
    outlet = claim_save(
        ClaimFactory.build(round=funding_round, source=SourceFactory(url=OUTLET), value=8e8)
    )
    claim_delete(outlet)
    funding_round.refresh_from_db()
    assert funding_round.amount == Decimal("1e9") and funding_round.disputed == []


def test_claims_in_other_currencies_are_converted_at_their_own_month(funding_round):
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7.0"))
    FxRateFactory(month=dt.date(2024, 6, 1), currency="CNY", units_per_usd=Decimal("8.0"))
    claim = claim_save(
        ClaimFactory.build(
            round=funding_round,
            source=SourceFactory(url=OUTLET, kind="syndicated"),
            value=Decimal("8000000000"),
            currency="CNY",
            qualifier="approx",
            as_of=dt.date(2024, 7, 1),
        )
    )
    assert claim.value_usd == Decimal("1000000000.00")
    funding_round.refresh_from_db()
    assert funding_round.disputed == []  # ≈ $1.0bn meets "at least $1bn"


@pytest.mark.parametrize(
    ("field", "currency", "message"),
    [
        ("value", "USD", "A round has the figures amount, post_money_valuation"),
        ("amount", "", "A money figure needs its currency."),
    ],
)
def test_a_claim_names_one_of_its_records_figures(funding_round, field, currency, message):
    with pytest.raises(ValidationError) as error:
        claim_save(ClaimFactory.build(round=funding_round, field=field, currency=currency, value=1))
    assert message in str(error.value)
    assert funding_round.claims.count() == 1


def test_a_stake_is_a_claim_without_currency():
    source = SourceFactory(url=OUTLET)
    funding_round = funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2024, 2, 1),
        round_label="B",
        source_urls=[OUTLET],
    )
    stake = participation_create(
        round=funding_round,
        investor=InvestorFactory(),
        stake_percent=Decimal(36),
        stake_qualifier="approx",
        source_urls=[source.url],
    )
    assert claims(stake, "stake_percent") == [
        (OUTLET, Decimal(36), "approx", funding_round.announced_on)
    ]
