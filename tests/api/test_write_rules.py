"""The API holds figures to the rules the import and the admin hold them to, with the same
messages: a record that carries a figure cites a source, and a number is written digit by
digit (tests/deals/test_import_rules.py, tests/deals/test_admin_rules.py)."""

from urllib.parse import urlencode

import pytest

from deals.models import FundingRound, FxRate, ReportedMetric
from tests.api.resources import RESOURCES
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db

NEEDS_A_SOURCE = "is required: every figure needs at least one source"
EXPONENT = (
    "is written with an exponent (got {!r}): write every digit, as in 1000000000; a "
    "spreadsheet that shows 1E+09 may have rounded the number"
)
FLOAT = (
    'must be a JSON string of digits, such as "1000000000.5" (got the JSON number {!r}): a '
    "JSON number with a fraction or an exponent is read as a binary float, which may have "
    "lost digits"
)
WITH_FIGURES = ["rounds", "valuation-marks", "compute-deals", "reported-metrics"]
WITHOUT = ["startups", "investors", "participations", "products"]


@pytest.mark.parametrize("sources", ["left out", []])
@pytest.mark.parametrize("path", WITH_FIGURES)
def test_a_record_carrying_a_figure_without_a_source_is_a_400(writer, path, sources):
    resource = RESOURCES[path]
    payload = resource.create()
    if sources == "left out":
        del payload["source_urls"]
    else:
        payload["source_urls"] = sources

    response = writer.post(resource.url(), payload)

    assert response.status_code == 400
    assert response.json() == {"source_urls": [NEEDS_A_SOURCE]}
    assert not resource.model.objects.exists()


@pytest.mark.parametrize("path", WITHOUT)
def test_a_record_without_a_figure_of_its_own_may_cite_no_source(writer, path):
    resource = RESOURCES[path]

    response = writer.post(resource.url(), {**resource.create(), "source_urls": []})

    assert response.status_code == 201, response.json()
    assert response.json()["source_urls"] == []


def test_the_schema_says_which_records_need_a_source(anonymous):
    schemas = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    required = schemas["components"]["schemas"]

    assert "source_urls" in required["FundingRoundRequest"]["required"]
    assert "source_urls" not in required["InvestorRequest"].get("required", [])


@pytest.mark.parametrize("written", ["1e9", "1E+9", "7.1e-3"])
def test_an_amount_written_with_an_exponent_is_a_400(writer, written):
    response = writer.post("/api/v1/rounds/", {**RESOURCES["rounds"].create(), "amount": written})

    assert response.status_code == 400
    assert response.json() == {"amount": [EXPONENT.format(written)]}
    assert not FundingRound.objects.exists()


def test_a_participant_amount_written_with_an_exponent_is_a_400_on_its_position(writer):
    payload = RESOURCES["rounds"].create()
    payload["participants"][0]["amount"] = "5E+8"

    response = writer.post("/api/v1/rounds/", payload)

    assert response.status_code == 400
    assert response.json() == {"participants": [{"amount": [EXPONENT.format("5E+8")]}]}


@pytest.mark.parametrize(("number", "shown"), [(1e9, 1000000000.0), (5.5, 5.5)])
def test_a_json_number_with_a_fraction_or_an_exponent_is_a_400(writer, number, shown):
    payload = {**RESOURCES["rounds"].create(), "post_money_valuation": number}

    response = writer.post("/api/v1/rounds/", payload)

    assert response.status_code == 400
    assert response.json() == {"post_money_valuation": [FLOAT.format(shown)]}


def test_a_json_integer_is_a_figure_written_in_full(writer):
    payload = {**RESOURCES["rounds"].create(), "amount": 710000000}

    response = writer.post("/api/v1/rounds/", payload)

    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "710000000.00"


def test_a_rate_written_with_an_exponent_is_a_400(writer):
    payload = {**RESOURCES["fx-rates"].create(), "units_per_usd": "9.2E-1"}

    response = writer.post("/api/v1/fx-rates/", payload)

    assert response.status_code == 400
    assert response.json() == {"units_per_usd": [EXPONENT.format("9.2E-1")]}
    assert not FxRate.objects.exists()


def test_a_form_body_giving_one_field_twice_is_a_400_and_writes_nothing(writer):
    InvestorFactory(slug="alibaba")
    body = urlencode(
        [
            ("metric", "ai_share_of_deals"),
            ("investor", "alibaba"),
            ("value", "40"),
            ("source_urls", "https://news.example.com/a"),
            ("source_urls", "https://news.example.com/b"),
            ("period_end", "2025"),
            ("period_end", ""),
        ]
    )

    response = writer.client.post(
        "/api/v1/reported-metrics/",
        body,
        content_type="application/x-www-form-urlencoded",
        **writer.headers,
    )

    assert response.status_code == 400
    assert list(response.json()) == ["period_end"]
    assert ReportedMetric.objects.count() == 0
