"""A figure given as a bound stays one wherever the pages show it or write it out: the
overview's share paid in compute credits, each figure of the rounds CSV, the capital chart's
own contribution, a stake on an investor's page. Every CSV the pages write has plain
decimals (40, never 4E+1)."""

import csv
import io
import re
from decimal import Decimal

import pytest

from dashboards.models import InvestorTotal, ValuationPoint
from dashboards.views import ROUNDS_PER_PAGE as ROUNDS_CSV_PAGE
from dashboards.views import safe_cell
from deals.models import FundingRound
from startups.models import Startup

pytestmark = pytest.mark.django_db
CHART_SLUGS = ["ai-share", "valuations", "unicorns", "capital", "co-investments", "products"]
# 4E+1, 1.5e+16, -2E-7: what str() gives a Decimal or float with an exponent.
EXPONENT = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_share_paid_in_compute_credits_is_shown_as_the_bound_it_is(client, sample):
    # At least $300M in credits of Alibaba's own contribution in 2024, the year of the one deal
    # with a disclosed split: about $800M in Moonshot's Series B (the article's figure) and $50M
    # as a cornerstone of Horizon Robotics' IPO, about $850M: at least 35.3%
    # (startups.vocab.ratio_qualifier: a bound and an estimate combine as in a sum).
    headline = client.get("/").context["headline"]
    html = client.get("/").content.decode()

    assert (headline["credits_qualifier"], headline["credits_base_qualifier"]) == (
        "at_least",
        "approx",
    )
    assert headline["credits_share_qualifier"] == "at_least"
    assert '<span class="value">≥ 35.3%</span>' in html
    assert "paid in compute credits (≥ $300M of ≈ $850M: the investor's own contribution" in html


def test_the_totals_keep_the_bounds_of_the_own_contribution_and_of_the_credits_base(sample):
    alibaba = InvestorTotal.objects.get(investor__slug="alibaba")

    # Moonshot's Series B (≈ $800M) and the Horizon Robotics IPO ($50M), both 2024.
    assert alibaba.own_contribution_usd == Decimal("850000000")
    assert (alibaba.own_at_least, alibaba.own_approx, alibaba.own_at_most) == (
        False,
        True,
        False,
    )
    assert alibaba.credits_base_usd == Decimal("850000000")
    assert (
        alibaba.credits_base_at_least,
        alibaba.credits_base_approx,
        alibaba.credits_base_at_most,
    ) == (False, True, False)


@pytest.mark.parametrize("query", ["", "?since=2024&until=2024"])
def test_the_capital_csv_gives_the_own_contribution_its_qualifier(client, sample, query):
    rows = {row["investor"]: row for row in rows_of(client.get(f"/charts/capital.csv{query}"))}

    alibaba = rows["alibaba"]
    assert Decimal(alibaba["own_contribution_usd"]) == Decimal(850_000_000)
    assert alibaba["own_contribution_qualifier"] == "approx"
    assert Decimal(alibaba["compute_credits_usd"]) == Decimal(300_000_000)
    assert alibaba["compute_credits_qualifier"] == "at_least"
    # No figure, no qualifier.
    assert (
        rows["tencent"]["own_contribution_usd"],
        rows["tencent"]["own_contribution_qualifier"],
    ) == ("", "")
    assert rows["tencent"]["compute_credits_qualifier"] == ""


def test_the_capital_hover_shows_the_own_contribution_as_a_bound(client, sample):
    html = client.get("/").content.decode()

    assert "Own contribution disclosed: ≈ $850M" in html


def test_the_rounds_csv_has_a_qualifier_for_each_figure(client, sample):
    rows = rows_of(client.get("/rounds/export.csv?startup=moonshot&sort=date"))
    by_date = {row["date"]: row for row in rows}

    series_b = by_date["2024-02"]
    assert (series_b["amount_usd"], series_b["amount_qualifier"]) == ("1000000000.00", "at_least")
    assert (series_b["post_money_valuation_usd"], series_b["valuation_qualifier"]) == (
        "2500000000.00",
        "exact",
    )
    # The FT's "just under half" of $800M (≤ $400M) and the WSJ's "over $300M" agree; the
    # later report is the accepted claim (docs/evidence.md).
    assert (series_b["compute_credits_usd"], series_b["compute_credits_qualifier"]) == (
        "300000000.00",
        "at_least",
    )
    latest = by_date["2026-05"]
    assert (latest["post_money_valuation_usd"], latest["valuation_qualifier"]) == (
        "20000000000.00",
        "at_least",
    )
    assert (latest["compute_credits_usd"], latest["compute_credits_qualifier"]) == ("", "")


def test_the_investor_page_shows_a_stake_with_its_qualifier(client, sample):
    html = client.get("/investors/alibaba/").content.decode()

    assert "≈ $800M, ≈ 36%" in html


def every_page_csv(client) -> dict[str, list[list[str]]]:
    urls = [f"/charts/{slug}.csv" for slug in CHART_SLUGS]
    urls += [f"/charts/{slug}.csv?period=quarter&since=2023" for slug in CHART_SLUGS]
    urls += ["/charts/ai-share.csv?investor=alibaba&investor=tencent&investor=meituan"]
    pages_of_rounds = -(-FundingRound.objects.count() // ROUNDS_CSV_PAGE)
    urls += [f"/rounds/export.csv?page={page}" for page in range(1, pages_of_rounds + 1)]
    urls += [
        f"/startups/{slug}/valuations.csv"
        for slug in Startup.objects.filter(
            pk__in=ValuationPoint.objects.values("startup")
        ).values_list("slug", flat=True)
    ]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = list(csv.reader(io.StringIO(response.content.decode())))
    return found


def test_no_csv_of_the_pages_writes_a_number_with_an_exponent(client, sample):
    files = every_page_csv(client)
    assert len(files) > 14
    assert FundingRound.objects.count() > ROUNDS_CSV_PAGE  # the rounds CSV takes two pages

    exponents = {
        (url, cell)
        for url, rows in files.items()
        for row in rows
        for cell in row
        if EXPONENT.match(cell)
    }

    assert exponents == set()
    published = [row for row in files["/charts/ai-share.csv"] if row[0] == "published"]
    assert [row[10:12] for row in published[:2]] == [["40", "exact"], ["30", "exact"]]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (Decimal("4E+1"), "40"),
        (Decimal("40.000000"), "40.000000"),
        (Decimal("-2.5E+3"), "-2500"),
        (1.5e16, "15000000000000000"),
        (0.25, "0.25"),
        (None, ""),
        ("=SUM(A1)", "'=SUM(A1)"),
    ],
)
def test_a_cell_is_written_as_a_plain_decimal_or_safe_text(value, cell):
    assert safe_cell(value) == cell
