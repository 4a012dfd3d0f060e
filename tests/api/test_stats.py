"""The statistics endpoints in the API: data written through the API, aggregated, then read
with the same tokens, throttles and CSV as every other endpoint; figures counted by hand."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from dashboards.api import credits_share
from dashboards.refresh import refresh_full
from tests.factories import FxRateFactory, StartupFactory

pytestmark = pytest.mark.django_db
SOURCE = "https://news.example.com/story"


@pytest.fixture
def deals(writer):
    """Alibaba (with Alibaba Cloud) and Tencent in an AI dragon and a robot maker, 2024."""
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7"))
    FxRateFactory(month=dt.date(2024, 4, 1), currency="CNY", units_per_usd=Decimal("8"))
    StartupFactory(slug="dragon", is_ai=True)
    StartupFactory(slug="robot", is_ai=False)
    for investor in (
        {"slug": "alibaba", "name_en": "Alibaba"},
        {"slug": "alibaba-cloud", "name_en": "Alibaba Cloud", "parent": "alibaba"},
        {"slug": "tencent", "name_en": "Tencent"},
    ):
        assert writer.post("/api/v1/investors/", investor).status_code == 201
    rounds = [
        {
            # Dated by quarter: stored as 2024-01-01, converted at January's 7 CNY per USD.
            "startup": "dragon",
            "announced_on": "2024-Q1",
            "round_label": "B",
            "amount": "700000000",
            "amount_currency": "CNY",
            "amount_qualifier": "at_least",
            "post_money_valuation": "7000000000",
            "valuation_currency": "CNY",
            "participants": [
                {
                    "investor": "alibaba-cloud",
                    "is_lead": True,
                    "amount": "350000000",
                    "amount_currency": "CNY",
                    "compute_credit_amount": "70000000",
                    "compute_credit_currency": "CNY",
                    "compute_credit_qualifier": "at_least",
                },
                {"investor": "tencent"},
            ],
        },
        {
            "startup": "robot",
            "announced_on": "2024-05-20",
            "round_label": "A",
            "amount": "50000000",
            "amount_currency": "USD",
            "amount_qualifier": "approx",
            "participants": [{"investor": "alibaba"}],
        },
        {
            "startup": "dragon",
            "announced_on": "2024-Q3",
            "round_label": "B+",
            "participants": [{"investor": "tencent", "is_lead": True}],
        },
    ]
    for funding_round in rounds:
        response = writer.post("/api/v1/rounds/", {**funding_round, "source_urls": [SOURCE]})
        assert response.status_code == 201, response.json()
    metric = {
        "metric": "share_of_china_deals_in_ai_startups",
        "subject": "Alibaba",
        "investor": "alibaba",
        "period_start": "2024",
        "period_end": "2024",
        "value": "40",
        "unit": "percent",
        "source_urls": [SOURCE],
    }
    assert writer.post("/api/v1/reported-metrics/", metric).status_code == 201
    refresh_full()


def results(caller, path, **params):
    response = caller.get(f"/api/v1/stats/{path}/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_ai_share_counts_the_affiliates_deal_once_per_period(reader, deals):
    year = results(reader, "ai-deal-share", investor="alibaba", period="year")
    quarters = results(reader, "ai-deal-share", investor="alibaba", period="quarter")

    assert [(r["period_start"], r["deals_total"], r["deals_ai"], r["ai_share"]) for r in year] == [
        ("2024-01-01", 2, 1, 0.5)
    ]
    # The quarter-dated round counts in 2024-Q1; May's round in Q2.
    assert [(r["period_start"], r["deals_total"], r["deals_ai"]) for r in quarters] == [
        ("2024-01-01", 1, 1),
        ("2024-04-01", 1, 0),
    ]


def test_compute_share_sums_cny_rounds_in_usd_with_their_bounds(reader, deals):
    (year,) = results(reader, "compute-share", investor="alibaba", period="year")

    # Capital: 700M CNY / 7 = $100M (at least) + $50M (approx) = at least $150M.
    assert (year["capital_usd"], year["capital_qualifier"]) == (150_000_000, "at_least")
    # Own part: Alibaba Cloud's 350M CNY = $50M; credits 70M CNY = at least $10M.
    assert year["own_contribution_usd"] == 50_000_000
    assert (year["compute_credits_usd"], year["compute_credits_qualifier"]) == (
        10_000_000,
        "at_least",
    )
    # At least $10M of exactly $50M: at least a fifth.
    assert (year["compute_share"], year["compute_share_qualifier"]) == (0.2, "at_least")


@pytest.mark.parametrize(
    ("own", "capital", "share"),
    [
        # Over the investor's own part where it is known...
        (("500", "approx"), ("1000", "at_least"), (Decimal("0.2"), "approx")),
        # ...else over the capital of its rounds: exactly $100 of at least $1000 is at most 10%.
        ((None, "exact"), ("1000", "at_least"), (Decimal("0.1"), "at_most")),
        # No base, or no credits: no share, and no bound.
        ((None, "exact"), (None, "exact"), (None, None)),
    ],
)
def test_the_compute_share_is_bounded_by_its_credits_and_its_base(own, capital, share):
    row = {
        "compute_credits_usd": Decimal("100"),
        "compute_credits_qualifier": "exact",
        "own_contribution_usd": own[0] and Decimal(own[0]),
        "own_contribution_qualifier": own[1],
        "capital_usd": capital[0] and Decimal(capital[0]),
        "capital_qualifier": capital[1],
    }

    assert credits_share(row) == share


def test_unicorns_valuations_and_co_investments(anonymous, deals):
    quarters = {row["period_end"]: row for row in results(anonymous, "unicorns", period="quarter")}
    valuations = results(anonymous, "valuations", startup="dragon")
    (pair,) = results(anonymous, "co-investments", investor="tencent")

    assert quarters["2024-03-31"]["startups"] == ["dragon"]
    assert quarters["2024-03-31"]["joined"] == ["dragon"]
    assert [(v["date"], v["date_precision"], v["valuation_usd"]) for v in valuations] == [
        ("2024-01-01", "quarter", 1_000_000_000)
    ]
    assert valuations[0]["source_urls"] == [SOURCE]
    assert {pair["investor_a"], pair["investor_b"]} == {"alibaba", "tencent"}
    assert (pair["shared_startups"], pair["shared_rounds"]) == (1, 1)


@pytest.mark.parametrize("investor", ["nobody", "ten\x00cent", "x" * 5000])
def test_co_investments_of_an_unknown_investor_are_a_400_naming_it(anonymous, investor):
    # A NUL byte reached PostgreSQL, which answers it with an error: a 500 (schemathesis).
    response = anonymous.get("/api/v1/stats/co-investments/", {"investor": investor})

    assert response.status_code == 400
    assert "investor" in response.json()


def test_a_published_figure_beside_the_tracked_one(reader, deals):
    (row,) = results(reader, "reported-vs-computed", investor="alibaba")

    assert (row["reported_value"], row["computed_value"]) == (40.0, 50.0)
    assert (row["deals_tracked"], row["deals_ai"]) == (2, 1)


def test_statistics_as_csv(reader, deals):
    response = reader.get("/api/v1/stats/ai-deal-share/", {"investor": "alibaba", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "investor": "alibaba",
            "period": "year",
            "period_start": "2024-01-01",
            "counted_from": "2024-01-01",
            "counted_until": "2024-12-31",
            "ai_definition": "broad",
            "deals_total": "2",
            "deals_ai": "1",
            "ai_share": "0.5",
            "deals_disclosed": "2",
        }
    ]
    unicorns = reader.get("/api/v1/stats/unicorns/", {"period": "quarter", "format": "csv"})
    first = next(csv.DictReader(io.StringIO(unicorns.content.decode())))
    assert (first["period_end"], first["startups"]) == ("2024-03-31", "dragon")
    shares = reader.get("/api/v1/stats/compute-share/", {"investor": "alibaba", "format": "csv"})
    (year,) = csv.DictReader(io.StringIO(shares.content.decode()))
    assert (year["compute_share"], year["compute_share_qualifier"]) == ("0.2", "at_least")


def test_a_change_through_the_api_shows_as_a_pending_refresh(reader, writer, deals):
    assert reader.get("/api/v1/stats/unicorns/").json()["refresh_pending"] is False

    writer.patch("/api/v1/startups/dragon/", {"is_ai": False})

    assert reader.get("/api/v1/stats/unicorns/").json()["refresh_pending"] is True
