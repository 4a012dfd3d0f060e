"""Profile headers and the directories' columns: a startup's latest valuation with its bound,
date, age and staleness, the capital it raised as the bound the sum is, its last round and
leads; an investor's deals, AI share, capital, own contribution, credits, portfolio, unicorns
and listed exits; the same figures as sortable columns of /startups/ and /investors/, and their
CSV; a tag's page with the valuation chart of just its startups."""

# ruff: noqa: RUF001 (the Chinese strings use full-width punctuation)

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.directory_tables import INVESTOR_ORDER, STARTUP_ORDER
from dashboards.forms import INVESTOR_SORTS, STARTUP_SORTS
from dashboards.refresh import refresh_full
from dashboards.staleness import add_months
from deals import services
from tests.dashboards.test_pages import figures
from tests.factories import InvestorFactory, StartupFactory, TagFactory

pytestmark = pytest.mark.django_db
SOURCE = "https://news.example.com/valuation"
OTHER_SOURCE = "https://news.example.com/round"


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def month_start(months_ago: int) -> dt.date:
    today = timezone.now().date()
    return add_months(dt.date(today.year, today.month, 1), -months_ago)


def a_round(startup, day, label, amount=None, qualifier="exact", valuation=None, **fields):
    """A round in USD: its amount and post-money valuation (with its qualifier) when given."""
    if valuation is not None:
        value, valuation_qualifier = valuation
        fields.update(
            post_money_valuation=Decimal(value),
            valuation_currency="USD",
            valuation_qualifier=valuation_qualifier,
        )
    return services.funding_round_create(
        startup=startup,
        announced_on=day,
        date_precision=fields.pop("date_precision", "month"),
        round_label=label,
        amount=None if amount is None else Decimal(amount),
        amount_currency="USD" if amount is not None else "",
        amount_qualifier=qualifier,
        confidence="reported",
        source_urls=fields.pop("source_urls", [OTHER_SOURCE]),
        **fields,
    )


@pytest.fixture
def profiled():
    """A startup valued at least $2B 30 months ago (stale after 24) in the second of three
    rounds: $100M exactly, at least $200M, then an undisclosed one led by Big Fund."""
    startup = StartupFactory(slug="dragon", name_en="Dragon AI", website="https://dragon.example")
    lead = InvestorFactory(slug="big-fund", name_en="Big Fund")
    a_round(startup, month_start(40), "Series A", 100_000_000, notes="Seed money, reported.")
    a_round(
        startup,
        month_start(30),
        "Series B",
        200_000_000,
        "at_least",
        valuation=(2_000_000_000, "at_least"),
        source_urls=[SOURCE],
    )
    a_round(
        startup,
        month_start(3),
        "Series C",
        participants=[{"investor": lead, "is_lead": True}],
    )
    refresh_full()
    return startup


def test_a_startups_header_gives_its_figures_with_their_bounds_and_the_valuations_age(
    client, profiled
):
    html = client.get("/startups/dragon/").content.decode()
    summary = text_of(html[html.index('id="summary"') : html.index('id="valuations"')])

    # The latest valuation, 30 months old: past the 24 months after which it is stale
    assert "≥ $2.0B latest valuation, " + month_start(30).strftime("%Y-%m") in summary
    assert "30 months ago stale" in summary
    assert f'href="{SOURCE}"' in html[html.index('id="summary-valuation"') :]
    # $100M exactly and at least $200M: at least $300M, two of the three rounds disclosed
    assert "≥ $300M total raised, from 2 of 3 rounds disclosed" in summary
    assert month_start(3).strftime("%Y-%m") + " · Series C last round: undisclosed" in summary
    assert "Lead investors Big Fund" in summary
    assert "Website https://dragon.example" in summary


def test_a_startups_rounds_are_newest_first_with_empty_columns_hidden_and_notes_folded(
    client, profiled
):
    html = client.get("/startups/dragon/").content.decode()
    rounds = html[html.index('<section id="rounds">') : html.index('<section id="products">')]

    labels = re.findall(r"<h3>[^<]* · (Series \w)</h3>", rounds)
    assert labels == ["Series C", "Series B", "Series A"]
    # Big Fund's participation gives no amount, stake, credits, sources or notes
    assert "<th>Investor</th><th>Role</th></tr>" in rounds
    assert "Stake</th>" not in rounds
    assert '<details class="notes"><summary>Notes</summary><p>Seed money, reported.</p>' in rounds


@pytest.mark.parametrize(
    ("qualifiers", "shown"),
    [
        (("exact", "exact"), "$300M"),
        (("exact", "approx"), "≈ $300M"),
        (("approx", "at_least"), "≥ $300M"),
        (("at_most", "exact"), "≤ $300M"),
        # Bounds both ways bound the sum neither way: about that much
        (("at_most", "at_least"), "≈ $300M"),
    ],
)
def test_the_capital_raised_is_the_bound_of_its_sum(client, qualifiers, shown):
    startup = StartupFactory(slug="summed")
    for index, qualifier in enumerate(qualifiers):
        a_round(startup, dt.date(2024, 1 + index, 1), f"Round {index}", 150_000_000, qualifier)
    refresh_full()

    header = client.get("/startups/summed/").context["summary"]
    row = client.get("/startups/").context["page"].object_list[0]

    assert header["raised_usd"] == row.raised_usd == Decimal(300_000_000)
    assert header["raised_qualifier"] == row.raised_qualifier
    assert f"{shown} total raised, from 2 of 2 rounds disclosed" in text_of(
        client.get("/startups/summed/").content.decode()
    )


@pytest.fixture
def portfolio():
    """Big Fund and its affiliate: in a unicorn (AI, not listed, valued ≥ $1B) in 2022 and
    2024, and in a listed startup in 2024 with about $50M of its own, at least $20M of it in
    compute credits."""
    parent = InvestorFactory(slug="big-fund", name_en="Big Fund")
    affiliate = InvestorFactory(slug="big-fund-ii", name_en="Big Fund II", parent=parent)
    services.investor_ancestry_rebuild()
    unicorn = StartupFactory(slug="unicorn", name_en="Unicorn AI")
    listed = StartupFactory(
        slug="listed",
        name_en="Listed Co",
        is_ai=False,
        status="public",
        ipo_date=dt.date(2025, 3, 1),
    )
    a_round(
        unicorn,
        dt.date(2022, 5, 1),
        "Series A",
        100_000_000,
        participants=[{"investor": parent, "is_lead": True}],
    )
    a_round(
        unicorn,
        dt.date(2024, 5, 1),
        "Series B",
        400_000_000,
        "at_least",
        valuation=(3_000_000_000, "approx"),
        participants=[{"investor": affiliate}],
    )
    a_round(
        listed,
        dt.date(2024, 8, 1),
        "Pre-IPO",
        200_000_000,
        participants=[
            {
                "investor": parent,
                "is_lead": True,
                "amount": Decimal(50_000_000),
                "amount_currency": "USD",
                "amount_qualifier": "approx",
                "compute_credit_amount": Decimal(20_000_000),
                "compute_credit_currency": "USD",
                "compute_credit_qualifier": "at_least",
            }
        ],
    )
    refresh_full()


def test_an_investors_header_gives_its_deals_ai_share_capital_and_portfolio(client, portfolio):
    response = client.get("/investors/big-fund/")
    html = response.content.decode()
    summary = text_of(html[html.index('id="summary"') : html.index('id="ai-share"')])

    assert "3 deals, 2 of them in AI (affiliates included)" in summary
    # 2024: the unicorn's Series B (AI) and the listed company's round (not AI)
    assert "50% AI share in 2024 (1 of 2 deals)" in summary
    assert "since 2023: 50% (1 of 2 deals)" in summary
    assert "≥ $700M capital of rounds joined own contribution: ≈ $50.0M" in summary
    assert "≥ $20.0M compute credits given" in summary
    assert "2 startups in the portfolio; unicorns now: 1; listed: 1" in summary
    assert "AI here is the broad definition" in summary


def test_an_investors_portfolio_rows_give_each_startups_latest_valuation_and_status(
    client, portfolio
):
    html = client.get("/investors/big-fund/").content.decode()
    rows = text_of(html[html.index('<section id="portfolio">') : html.index('id="co-investors"')])

    assert "Listed Co not AI Beijing public 2025-03-01 1" in rows
    assert "Unicorn AI Beijing ≈ $3.0B private 2" in rows


def test_the_investors_directory_sorts_by_its_new_columns_and_writes_them_to_its_csv(
    client, portfolio
):
    page = client.get("/investors/?sort=-unicorns").context["page"]
    first = page.object_list[0]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/investors/export.csv?sort=-unicorns").content.decode())
        )
    )

    # The parent first (its portfolio has the unicorn and more), then its affiliate
    assert [i.slug for i in page.object_list] == ["big-fund", "big-fund-ii"]
    assert (first.portfolio, first.portfolio_unicorns, first.listed_exits) == (2, 1, 1)
    assert [row["slug"] for row in rows] == ["big-fund", "big-fund-ii"]
    assert {k: rows[0][k] for k in list(rows[0])[6:]} == {
        "deals": "3",
        "ai_deals": "2",
        "ai_share": "0.666667",
        "capital_of_rounds_joined_usd": "700000000.00",
        "capital_of_rounds_joined_qualifier": "at_least",
        "own_contribution_usd": "50000000.00",
        "own_contribution_qualifier": "approx",
        "compute_credits_usd": "20000000.00",
        "compute_credits_qualifier": "at_least",
        "portfolio": "2",
        "unicorns_in_portfolio": "1",
        "listed_exits": "1",
    }
    assert [i.slug for i in client.get("/investors/?sort=capital").context["page"].object_list] == [
        "big-fund-ii",
        "big-fund",
    ]


def test_the_startups_directory_sorts_by_capital_raised_and_its_csv_holds_the_rows_shown(
    client, profiled, portfolio
):
    shown = [s.slug for s in client.get("/startups/?sort=-raised").context["page"].object_list]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/startups/export.csv?sort=-raised").content.decode())
        )
    )

    assert shown == ["unicorn", "dragon", "listed"]
    assert [row["slug"] for row in rows] == shown
    dragon = rows[1]
    assert (dragon["raised_usd"], dragon["raised_qualifier"], dragon["rounds_disclosed"]) == (
        "300000000.00",
        "at_least",
        "2",
    )
    assert (dragon["latest_valuation_usd"], dragon["valuation_qualifier"]) == (
        "2000000000.00",
        "at_least",
    )
    assert (dragon["valuation_stale"], dragon["valuation_source_urls"]) == ("yes", SOURCE)
    assert (dragon["last_round"], dragon["rounds"]) == ("Series C", "3")


def test_a_tag_page_charts_the_valuations_of_just_that_tags_startups(client, profiled, portfolio):
    TagFactory(slug="little-ai-dragons").startups.add(profiled)

    response = client.get("/startups/?tag=little-ai-dragons")
    html = response.content.decode()
    chart = figures(html)["tag-valuations"]
    points = list(
        csv.DictReader(
            io.StringIO(
                client.get("/startups/valuations.csv?tag=little-ai-dragons").content.decode()
            )
        )
    )

    assert [s.slug for s in response.context["page"].object_list] == ["dragon"]
    assert [t["name"] for t in chart["data"] if t.get("name") and "stale" not in t["name"]] == [
        "Dragon AI"
    ]
    assert chart["layout"]["title"]["text"] == "Valuations of the Little AI Dragons"
    assert "1 of the 1 startups of this tag with a valuation" in text_of(html)
    assert [(p["startup"], p["valuation_usd"], p["qualifier"]) for p in points] == [
        ("dragon", "2000000000.00", "at_least")
    ]


def test_a_tag_that_names_no_tag_is_reported_and_its_csv_refused(client, profiled):
    html = client.get("/startups/?tag=no-such-tag").content.decode()
    response = client.get("/startups/valuations.csv?tag=no-such-tag")

    assert "Tag: no-such-tag is unknown." in html
    assert 'id="figure-tag-valuations"' not in html
    assert response.status_code == 400
    assert response.content.decode() == "Tag: no-such-tag is unknown.\n"
    # The directories' CSVs refuse what they cannot apply, as the rounds CSV does
    assert client.get("/startups/export.csv?tag=no-such-tag").status_code == 400
    assert client.get("/investors/export.csv?sort=nonsense").status_code == 400


def test_the_headers_and_directories_in_chinese(client, profiled, portfolio):
    startup = text_of(client.get("/zh-hans/startups/dragon/").content.decode())
    investor = text_of(client.get("/zh-hans/investors/big-fund/").content.decode())

    assert "≥ 3亿美元 融资总额，披露金额的轮次 3 轮中有 2 轮" in startup
    assert "30 个月前 已过时" in startup
    # Big Fund led the Dragon's Series C too: a third startup, and a second unicorn
    assert "4 笔交易，其中 AI 领域 3 笔（含关联机构）" in investor
    assert "3 家投资组合公司；现为独角兽：2 家；已上市：1 家" in investor


@pytest.mark.parametrize(
    ("orders", "sorts"),
    [(STARTUP_ORDER, STARTUP_SORTS), (INVESTOR_ORDER, INVESTOR_SORTS)],
)
def test_every_sort_key_a_directory_offers_orders_by_its_columns(orders, sorts):
    assert set(orders) == set(sorts)
