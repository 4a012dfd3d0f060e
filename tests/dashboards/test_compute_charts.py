"""The compute ledger's charts: compute credits per startup and per investor (cash beside
credits, each sum with its bound) and chips per generation and year (a quantity 'at least
1,500' makes its sum at least); each with its CSV."""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest

from dashboards import compute_charts
from dashboards.compute_selectors import (
    chips_by_generation,
    compute_deals,
    credits_by_investor,
    credits_by_startup,
)
from dashboards.refresh import refresh_full
from deals.services import funding_round_create, investor_ancestry_rebuild
from tests.factories import InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db
NEVER_COMPUTED = {"computed_at": None}
SOURCE = "https://www.example-news.com/moonshot-series-b"


@pytest.fixture
def credit_rounds():
    """Given Moonshot's three rounds, one of at least $1B with at least $300M of it in
    credits (Alibaba's, as lead), one of $500M, one undisclosed; and Zhipu's round without
    credits."""
    alibaba = InvestorFactory(slug="alibaba", name_en="Alibaba Group", kind="corporate")
    tencent = InvestorFactory(slug="tencent", name_en="Tencent", kind="corporate")
    investor_ancestry_rebuild()
    moonshot = StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面")
    zhipu = StartupFactory(slug="zhipu", name_en="Zhipu AI")
    usd = {"amount_currency": "USD", "source_urls": [SOURCE]}
    funding_round_create(
        startup=moonshot,
        announced_on=dt.date(2024, 2, 1),
        round_label="Series B",
        amount=Decimal("1000000000"),
        amount_qualifier="at_least",
        compute_credit_amount=Decimal("300000000"),
        compute_credit_currency="USD",
        compute_credit_qualifier="at_least",
        participants=[{"investor": alibaba, "is_lead": True}, {"investor": tencent}],
        **usd,
    )
    funding_round_create(
        startup=moonshot,
        announced_on=dt.date(2024, 8, 1),
        round_label="Series C",
        amount=Decimal("500000000"),
        participants=[{"investor": tencent, "is_lead": True}],
        **usd,
    )
    funding_round_create(
        startup=moonshot, announced_on=dt.date(2023, 6, 1), round_label="Series A", **usd
    )
    funding_round_create(
        startup=zhipu,
        announced_on=dt.date(2024, 3, 1),
        round_label="Series D",
        amount=Decimal("400000000"),
        participants=[{"investor": alibaba, "is_lead": True}],
        **usd,
    )
    refresh_full()


def test_credits_per_startup_keep_the_bounds_of_their_sums_and_of_the_cash_part(credit_rounds):
    rows = credits_by_startup()

    assert rows == [
        {
            "slug": "moonshot",
            "name_en": "Moonshot AI",
            "name_zh": "月之暗面",
            "capital_usd": Decimal("1500000000.00"),
            "capital_qualifier": "at_least",
            "credits_usd": Decimal("300000000.00"),
            "credits_qualifier": "at_least",
            "deals": 3,
            "deals_disclosed": 2,
            "credit_rounds": 1,
        }
    ]
    # At least $1.5B less at least $300M: neither bound holds for the difference.
    assert compute_charts.cash_part(rows[0]) == (Decimal("1200000000.00"), "approx")
    figure = compute_charts.credits_by_startup(rows, NEVER_COMPUTED)
    assert [trace.name for trace in figure.data] == [
        "cash, or form not disclosed",
        "compute credits",
    ]
    assert [list(trace.x) for trace in figure.data] == [[1.2e9], [3e8]]
    assert figure.data[0].hovertext[0] == (
        "<b>Moonshot AI</b><br>Raised: ≥ $1.5B (2 of 3 rounds disclosed)<br>Compute credits: "
        "≥ $300M (disclosed for 1 of the rounds)<br>Cash, or form not disclosed: ≈ $1.2B"
    )
    assert list(figure.data[1].customdata) == ["/startups/moonshot/#rounds"]


def test_credits_per_investor_are_the_capital_chart_for_investors_who_gave_credits(
    credit_rounds,
):
    rows = credits_by_investor()

    assert [(r["slug"], r["credits_usd"], r["credits_qualifier"]) for r in rows] == [
        ("alibaba", Decimal("300000000.00"), "at_least")
    ]
    figure = compute_charts.credits_by_investor(rows, NEVER_COMPUTED)
    assert figure.layout.title.text == "Compute credits given, by investor (in the rounds joined)"
    assert [list(trace.x) for trace in figure.data] == [[1.1e9], [3e8]]
    assert list(figure.data[0].customdata) == ["/investors/alibaba/"]


def test_chips_are_counted_per_generation_and_year_with_their_bounds(ledger):
    rows = chips_by_generation(compute_deals({}))

    assert rows == [
        {
            "year": 2023,
            "generation": "hopper",
            "chips": None,
            "qualifier": "",
            "deals": 1,
            "with_quantity": 0,
            "chip_names": ["H100"],
        },
        {
            "year": 2024,
            "generation": "other",
            "chips": None,
            "qualifier": "",
            "deals": 1,
            "with_quantity": 0,
            "chip_names": [],
        },
        {
            "year": 2025,
            "generation": "hopper",
            "chips": 2012,
            "qualifier": "at_least",
            "deals": 2,
            "with_quantity": 2,
            "chip_names": ["H800"],
        },
        {
            "year": 2025,
            "generation": "other",
            "chips": None,
            "qualifier": "",
            "deals": 1,
            "with_quantity": 0,
            "chip_names": [],
        },
    ]
    figure = compute_charts.chips(rows, NEVER_COMPUTED, {"kind": "training_run"})
    hopper = figure.data[0]
    assert hopper.name == "Nvidia Hopper (H100, H800, H20, H200)"
    assert list(hopper.x) == ["2023", "2025"]
    assert list(hopper.y) == [0, 2012]
    assert hopper.hovertext[1] == (
        "<b>Nvidia Hopper (H100, H800, H20, H200), 2025</b><br>≥ 2,012 chips in 2 deals "
        "(2 with a quantity)<br>H800"
    )
    assert hopper.customdata[1] == (
        "/compute/?kind=training_run&generation=hopper&since=2025-01-01&until=2025-12-31"
    )


def csv_of(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_each_chart_has_its_csv_with_bounds_in_their_own_columns(client, credit_rounds, ledger):
    assert csv_of(client, "/compute/charts/credits-startups.csv") == [
        [
            "startup",
            "name_en",
            "name_zh",
            "capital_usd",
            "capital_qualifier",
            "compute_credits_usd",
            "compute_credits_qualifier",
            "cash_usd",
            "cash_qualifier",
            "rounds",
            "rounds_disclosed",
            "rounds_with_credits",
        ],
        [
            "moonshot",
            "Moonshot AI",
            "月之暗面",
            "1500000000.00",
            "at_least",
            "300000000.00",
            "at_least",
            "1200000000.00",
            "approx",
            "3",
            "2",
            "1",
        ],
    ]
    investors = csv_of(client, "/compute/charts/credits-investors.csv")
    assert [row[0] for row in investors] == ["investor", "alibaba"]
    assert investors[1][6:8] == ["300000000.00", "at_least"]
    # The chips chart follows the ledger's filters.
    assert csv_of(client, "/compute/charts/chips.csv?kind=training_run") == [
        [
            "year",
            "generation",
            "chips",
            "chips_qualifier",
            "deals",
            "deals_with_quantity",
            "chips_named",
        ],
        ["2025", "hopper", "1500", "at_least", "1", "1", "H800"],
    ]


def test_the_page_draws_the_three_charts_and_links_their_csvs(client, credit_rounds, ledger):
    page = client.get("/compute/?kind=training_run").content.decode()

    found = dict(
        re.findall(
            r'<script type="application/json" id="figure-([\w-]+)">(.*?)</script>', page, re.S
        )
    )
    assert sorted(found) == [
        "compute-chips",
        "compute-credits-investors",
        "compute-credits-startups",
    ]
    assert [trace["name"] for trace in json.loads(found["compute-chips"])["data"]] == [
        "Nvidia Hopper (H100, H800, H20, H200)"
    ]
    assert 'href="/compute/charts/chips.csv?kind=training_run"' in page
    assert 'href="/compute/charts/credits-startups.csv"' in page
    assert 'href="/compute/charts/credits-investors.csv"' in page
