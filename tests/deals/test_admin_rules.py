"""The admin holds figures to the rules the import and the API hold them to, with the same
messages on the field they concern: a record that carries a figure cites a source, and a
number is written digit by digit (tests/deals/test_import_rules.py,
tests/api/test_write_rules.py)."""

import pytest

from deals.models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from tests.factories import InvestorFactory, SourceFactory, StartupFactory
from tests.startups.test_admin import admin_form_data, admin_url, form_errors

pytestmark = pytest.mark.django_db

NEEDS_A_SOURCE = "is required: every figure needs at least one source"
EXPONENT = (
    "is written with an exponent (got {!r}): write every digit, as in 1000000000; a "
    "spreadsheet that shows 1E+09 may have rounded the number"
)
# A valid record of each kind that carries a figure, but for its sources.
FIGURES = {
    FundingRound: lambda: {
        "startup": str(StartupFactory().pk),
        "round_label": "Series B",
        "announced_on": "2024-02-20",
        "amount": "100",
        "amount_currency": "USD",
    },
    ValuationMark: lambda: {
        "startup": str(StartupFactory().pk),
        "valued_on": "2024-02-20",
        "value": "1000000000",
        "currency": "USD",
    },
    ComputeDeal: lambda: {
        "buyer": "Zhipu AI",
        "kind": "chip_purchase",
        "announced_on": "2024-02-20",
    },
    ReportedMetric: lambda: {
        "metric": "ai_share",
        "subject": "Alibaba",
        "value": "40",
        "unit": "percent",
    },
}


def post_add(admin_client, model, **fields):
    data = admin_form_data(admin_client.get(admin_url(model, "add")))
    data.update(fields)
    return admin_client.post(admin_url(model, "add"), data)


@pytest.mark.parametrize("model", FIGURES, ids=lambda model: model.__name__)
def test_a_record_carrying_a_figure_without_a_source_is_refused_on_its_sources(admin_client, model):
    response = post_add(admin_client, model, **FIGURES[model]())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"sources": [NEEDS_A_SOURCE]}
    assert not model.objects.exists()

    source = SourceFactory()
    saved = post_add(admin_client, model, **FIGURES[model](), sources=[str(source.pk)])

    assert saved.status_code == 302, form_errors(saved)
    assert list(model.objects.get().sources.all()) == [source]


def test_an_investor_carries_no_figure_and_may_cite_no_source(admin_client):
    response = post_add(admin_client, Investor, slug="alibaba", name_en="Alibaba")

    assert response.status_code == 302, form_errors(response)
    assert Investor.objects.get().sources.count() == 0


@pytest.mark.parametrize("written", ["1e9", "1E+9"])
def test_an_amount_written_with_an_exponent_is_refused_on_its_field(admin_client, written):
    fields = {**FIGURES[FundingRound](), "sources": [str(SourceFactory().pk)]}

    response = post_add(admin_client, FundingRound, **{**fields, "amount": written})

    assert response.context["adminform"].form.errors == {"amount": [EXPONENT.format(written)]}
    assert not FundingRound.objects.exists()


def test_a_participant_amount_written_with_an_exponent_is_refused_in_its_row(admin_client):
    fields = {**FIGURES[FundingRound](), "sources": [str(SourceFactory().pk)]}
    participant = {
        "participations-0-investor": str(InvestorFactory().pk),
        "participations-0-amount": "5E+8",
        "participations-0-amount_currency": "USD",
    }

    response = post_add(admin_client, FundingRound, **fields, **participant)

    assert form_errors(response) == [[{"amount": [EXPONENT.format("5E+8")]}]]
    assert not Participation.objects.exists()


def test_a_rate_written_with_an_exponent_is_refused_on_its_field(admin_client):
    response = post_add(
        admin_client, FxRate, currency="CNY", month="2024-05-01", units_per_usd="7.1E0"
    )

    assert response.context["adminform"].form.errors == {
        "units_per_usd": [EXPONENT.format("7.1E0")]
    }
