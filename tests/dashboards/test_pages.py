"""The dashboard pages without a browser: each page on the sample data, a fixed number of
queries whatever the data size, the overview's weight, CSV downloads equal to what is shown,
filters in the URL, Chinese, and names that try to inject HTML or spreadsheet formulas."""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from dashboards.formatting import money
from dashboards.models import CoInvestment, InvestorPeriodStat
from dashboards.refresh import refresh_full
from deals import services
from deals.models import FundingRound, Investor, Participation
from startups.models import ModelProduct, Startup, Tag
from tests.dashboards.data import analyze
from tests.factories import FxRateFactory, InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db
OVERVIEW_BUDGET_BYTES = 300_000
CHART_SLUGS = ["ai-share", "valuations", "unicorns", "capital", "co-investments", "products"]
# The most queries a page may run on a cold cache, whatever the size of the data.
MAX_QUERIES = {
    # Every page reads the data's status (three queries: the refresh state, pending changes,
    # the last edit); the charts over time read the reporting lags once per refresh. Two of
    # the overview's are for the disputed figures (dashboards.dispute_selectors), three for the
    # co-investment matrix (its investors, their pairs, the startups each pair names); two for
    # the claims that state the valuations charted (dashboards.selectors.figure_sources).
    "/": 31,
    "/?investor=alibaba&investor=meituan&period=quarter&since=2020&until=2025": 29,
    # Four of them for the sources of the latest valuations shown (rounds' and reports', and
    # the claims that state the figures).
    "/startups/": 11,
    "/startups/?ai=1&sort=-valuation&city=Beijing": 9,
    "/startups/?sort=-raised": 9,
    "/startups/export.csv": 9,
    # A tag's page adds its tag and its chart: the startups valued, their valuations, the
    # rounds' leads and the sources of rounds and reports.
    "/startups/?tag=little-ai-dragons": 18,
    "/startups/valuations.csv?tag=little-ai-dragons": 8,
    # One of them, on the startup, investor and rounds pages, for the disputed figures' claims.
    # One for the claims behind figures the records' own sources do not give.
    "/startups/{startup}/": 22,
    "/investors/": 5,
    "/investors/?sort=-unicorns": 5,
    "/investors/export.csv": 5,
    # The portfolio is paginated: one count; two for the compute deals it or its affiliates
    # provided, and their sources; two for the figures its deals hold that only other pages
    # give (the claims, the stakes' own sources).
    "/investors/{investor}/": 25,
    # The pair's investors, their families, the startups both backed, the rounds together
    # with their participants and sources, the disputed figures' claims, the claims behind
    # figures the rounds' own sources do not give.
    "/investors/{investor}/with/{partner}/": 11,
    "/rounds/": 10,
    "/rounds/?investor={investor}&sort=-amount&disclosed=on": 12,
    "/rounds/?investor={investor}&investor={partner}&match=all": 12,
    "/rounds/export.csv": 4,
    "/charts/ai-share.csv": 6,
    "/charts/valuations.csv": 7,
    "/charts/co-investments.csv": 6,
    # One of them for the claims of the disputed figures it lists (Moonshot has two), two for
    # the claims that state its valuations.
    "/startups/{startup}/valuations.csv": 18,
    # The coverage report: startups by sector, rounds by year, the giants' published figures
    # (their investors, the figures, their sources) and deals per year, every kind's sources.
    "/about/data/": 10,
}


def large_dataset(startups: int = 150, investors: int = 60, rounds: int = 900) -> None:
    """Many times the sample, written in bulk: every investor family, period and pair the
    pages read grows, so a query per row would show."""
    now = timezone.now()
    parents = [
        InvestorFactory(slug=f"big-{i}", kind="corporate" if i < 6 else "vc")
        for i in range(investors // 2)
    ]
    affiliates = [
        InvestorFactory(slug=f"big-{i}-fund", parent=parents[i % len(parents)])
        for i in range(investors - len(parents))
    ]
    services.investor_ancestry_rebuild()
    everyone = parents + affiliates
    companies = [StartupFactory(slug=f"co-{i}", is_ai=i % 3 != 0) for i in range(startups)]
    # More startups than a tag's chart draws.
    Tag.objects.create(slug="little-ai-dragons").startups.add(*companies[:12])
    made = FundingRound.objects.bulk_create(
        FundingRound(
            startup=companies[i % startups],
            announced_on=dt.date(2015 + i % 11, 1 + i % 12, 1 + i % 27),
            round_label=f"Round {i}",
            amount=Decimal(10_000_000 + i * 1_000_000),
            amount_currency="USD",
            amount_usd=Decimal(10_000_000 + i * 1_000_000),
            post_money_valuation=Decimal(200_000_000 + i * 5_000_000),
            valuation_currency="USD",
            post_money_valuation_usd=Decimal(200_000_000 + i * 5_000_000),
            confidence="reported",
            created_at=now,
            updated_at=now,
        )
        for i in range(rounds)
    )
    Participation.objects.bulk_create(
        Participation(
            round=r,
            investor=everyone[(i * k) % len(everyone)],
            is_lead=k == 1,
            created_at=now,
            updated_at=now,
        )
        for i, r in enumerate(made)
        for k in (1, 2, 3)
        if k == 1 or (i * k) % len(everyone) != i % len(everyone)
    )
    ModelProduct.objects.bulk_create(
        ModelProduct(
            startup=companies[i % startups],
            name=f"Model {i}",
            launched_on=dt.date(2020 + i % 6, 1 + i % 12, 1),
            created_at=now,
            updated_at=now,
        )
        for i in range(300)
    )
    refresh_full()
    analyze()


def pages(startup: str, investor: str, partner: str) -> dict[str, int]:
    return {
        url.format(startup=startup, investor=investor, partner=partner): bound
        for url, bound in MAX_QUERIES.items()
    }


def test_every_page_answers_on_the_sample_data(client, sample):
    for url in pages("moonshot", "alibaba", "tencent"):
        assert client.get(url).status_code == 200, url
    for slug in CHART_SLUGS:
        response = client.get(f"/charts/{slug}.csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
    assert client.get("/startups/no-such-startup/").status_code == 404
    assert client.get("/investors/no-such-investor/").status_code == 404
    assert client.get("/charts/no-such-chart.csv").status_code == 404


def test_pages_run_a_fixed_number_of_queries_on_the_sample(
    client, sample, django_assert_max_num_queries
):
    for url, bound in pages("moonshot", "alibaba", "tencent").items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


def test_pages_run_the_same_number_of_queries_on_a_larger_dataset(
    client, django_assert_max_num_queries
):
    large_dataset()
    assert FundingRound.objects.count() == 900
    busiest = (
        InvestorPeriodStat.objects.filter(period_kind="year", investor__parent__isnull=True)
        .order_by("-deals_total")
        .values_list("investor__slug", flat=True)
        .first()
    )
    pair = (
        CoInvestment.objects.filter(Q(investor_a__slug=busiest) | Q(investor_b__slug=busiest))
        .order_by("-shared_startups")
        .values_list("investor_a__slug", "investor_b__slug")
        .first()
    )
    partner = pair[1] if pair[0] == busiest else pair[0]
    for url, bound in pages("co-7", busiest, partner).items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


def figures(html: str) -> dict[str, dict]:
    found = re.findall(
        r'<script type="application/json" id="figure-([\w-]+)">(.*?)</script>', html, re.S
    )
    return {slug: json.loads(text) for slug, text in found}


def test_overview_html_with_its_chart_json_stays_under_300_kb(client, sample):
    for language in ("en", "zh-hans"):
        client.cookies["django_language"] = language
        response = client.get("/", follow=True)
        assert len(response.content) < OVERVIEW_BUDGET_BYTES
        charts = figures(response.content.decode())
        assert list(charts) == CHART_SLUGS
        for figure in charts.values():
            # Aggregated server-side: a person can see every point.
            assert sum(len(trace.get("x") or []) for trace in figure["data"]) < 2_000
            assert figure["layout"]["title"]["text"]


def test_overview_draws_from_the_aggregates_with_title_units_and_data_date(client, sample):
    html = client.get("/").content.decode()
    for slug in CHART_SLUGS:
        assert f'href="/charts/{slug}.csv' in html
    assert "data as of" in html
    share = figures(html)["ai-share"]
    alibaba = next(t for t in share["data"] if t["name"] == "Alibaba Group")
    # Broad AI (the default) counts the robot makers: 6 of Alibaba's 7 deals of 2025.
    assert alibaba["y"] == [1.0, 0.0, 1.0, 1.0, 0.857143, 1.0]
    # A share point opens the rounds that make it: 3 Alibaba deals in 2023.
    link = alibaba["customdata"][2]
    assert link == "/rounds/?investor=alibaba&since=2023-01-01&until=2023-12-31"
    assert "3 rounds" in client.get(link).content.decode()
    published = next(t for t in share["data"] if t["name"] == "Alibaba Group, published")
    assert published["y"] == [0.4, 0.4]
    assert published["customdata"][0].startswith("https://www.livemint.com/")
    # Coverage of the computed share: tracked deals beside the published totals.
    assert "Published deal counts: 91 in 2021 (1 tracked here); 39 in 2023 (3 tracked here)" in html
    valuations = figures(html)["valuations"]
    moonshot = next(t for t in valuations["data"] if t.get("name") == "Moonshot AI")
    assert valuations["layout"]["yaxis"]["type"] == "log"
    assert moonshot["line"]["shape"] == "hv"
    marker_link = moonshot["customdata"][1]
    assert re.fullmatch(r"/rounds/\?startup=moonshot#round-\d+", marker_link)
    round_id = marker_link.rsplit("-", 1)[1]
    assert f'id="round-{round_id}"' in client.get(marker_link).content.decode()
    assert "Lead: Alibaba Group" in moonshot["hovertext"][1]


def test_chart_filters_live_in_the_url(client, sample):
    response = client.get("/?investor=meituan&investor=xiaomi&period=quarter&since=2023")
    html = response.content.decode()
    assert response.context["filters"].investors == ("meituan", "xiaomi")
    names = [t["name"] for t in figures(html)["ai-share"]["data"]]
    assert names == ["Meituan", "Xiaomi"]
    assert 'value="meituan" checked' in html
    assert (
        'href="/charts/ai-share.csv?investor=meituan&amp;investor=xiaomi&amp;period=quarter'
        '&amp;since=2023"' in html
    )
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/charts/ai-share.csv?investor=meituan&period=quarter&since=2023"
                ).content.decode()
            )
        )
    )
    assert rows[0][:5] == ["row", "investor", "name_en", "name_zh", "period_start"]
    assert {row[1] for row in rows[1:]} == {"meituan"}
    assert all(row[4] >= "2023-01-01" for row in rows[1:] if row[0] == "tracked")


def test_bad_filters_fall_back_to_the_defaults_and_say_why(client, sample):
    response = client.get("/?investor=not%20a%20slug&period=decade&since=abc")
    assert response.status_code == 200
    assert response.context["filters"].investors == ("alibaba", "tencent")
    assert response.context["filters"].period == "year"
    assert "Not a slug" in response.content.decode()
    assert client.get("/rounds/?since=yesterday&sort=nonsense").status_code == 200


def table_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="round-(\d+)">', html)


def test_rounds_csv_holds_exactly_the_rows_shown(client, sample):
    query = "investor=tencent&city=Beijing&sort=-amount&ai=1"
    html = client.get(f"/rounds/?{query}").content.decode()
    shown = table_ids(html)
    assert len(shown) > 3
    assert f'href="/rounds/export.csv?{query.replace("&", "&amp;")}"' in html
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/rounds/export.csv?{query}").content.decode()))
    )
    assert [row["id"] for row in rows] == shown
    assert {row["city"] for row in rows} == {"Beijing"}
    amounts = [Decimal(row["amount_usd"]) for row in rows if row["amount_usd"]]
    assert amounts == sorted(amounts, reverse=True)


def test_rounds_table_filters_sort_and_paginate_in_the_url(client, sample):
    tencent_deals = sum(
        InvestorPeriodStat.objects.filter(investor__slug="tencent", period_kind="year").values_list(
            "deals_total", flat=True
        )
    )
    html = client.get("/rounds/?investor=tencent").content.decode()
    assert len(table_ids(html)) == tencent_deals
    assert len(table_ids(client.get("/rounds/?currency=CNY").content.decode())) == (
        FundingRound.objects.filter(amount_currency="CNY").count()
    )
    assert len(table_ids(client.get("/rounds/?credits=on").content.decode())) == 1
    html = client.get("/rounds/?sort=date").content.decode()
    dates = [FundingRound.objects.get(pk=pk).announced_on for pk in table_ids(html)]
    assert dates == sorted(dates)
    assert "?sort=-date" in html  # the header link reverses the order


def test_rounds_csv_neutralises_spreadsheet_formulas(client):
    startup = StartupFactory(slug="evil", name_en='=HYPERLINK("http://x")', city="@SUM(A1)")
    services.funding_round_create(
        startup=startup,
        announced_on=dt.date(2024, 3, 1),
        round_label="+cmd|' /C calc'!A0",
        confidence="reported",
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/rounds/export.csv").content.decode())))
    assert rows[0]["name_en"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["city"] == "'@SUM(A1)"
    assert rows[0]["round"] == "'+cmd|' /C calc'!A0"


def test_names_are_escaped_everywhere(client):
    startup = StartupFactory(slug="xss", name_en="<script>alert(1)</script>", is_ai=True)
    investor = InvestorFactory(slug="xss-fund", name_en="<img src=x onerror=alert(2)>")
    services.funding_round_create(
        startup=startup,
        announced_on=dt.date(2024, 3, 1),
        round_label="<b>A</b>",
        amount=Decimal(2_000_000_000),
        amount_currency="USD",
        post_money_valuation=Decimal(5_000_000_000),
        valuation_currency="USD",
        participants=[{"investor": investor, "is_lead": True}],
        confidence="reported",
    )
    refresh_full()
    for url in [
        "/",
        "/?investor=xss-fund",
        "/rounds/",
        "/startups/",
        "/startups/xss/",
        "/investors/",
        "/investors/xss-fund/",
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html, url
        assert "<img src=x" not in html, url
        assert "<b>A</b>" not in html, url
    overview = client.get("/?investor=xss-fund").content.decode()
    # Inside the figure JSON, plotly gets the name escaped for its own HTML-like labels.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in json.dumps(figures(overview))


def test_pages_in_chinese(client, sample):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/zh-hans/")
    html = client.get("/zh-hans/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "总览" in html and "科技巨头的投资有多少流向 AI 初创公司" in html
    assert "阿里巴巴" in html and "亿美元" in html
    share = figures(html)["ai-share"]
    assert [t["name"] for t in share["data"]][:2] == ["阿里巴巴", "腾讯"]
    rounds = client.get("/zh-hans/rounds/?startup=moonshot").content.decode()
    assert "月之暗面" in rounds
    assert "≥ 10亿美元" in rounds  # Series B: at least $1B
    client.cookies["django_language"] = "en"
    assert "Overview" in client.get("/").content.decode()


def test_amounts_in_each_language():
    assert money(Decimal(800_000_000), "USD", "approx", language="zh-hans") == "≈ 8亿美元"
    assert money(Decimal(2_500_000_000), "CNY", "at_least", language="zh-hans") == "≥ 25亿元"
    assert money(Decimal(50_000_000), "USD", language="zh-hans") == "5000万美元"
    assert money(Decimal(1_230_000_000_000), "USD", language="zh-hans") == "1.23万亿美元"
    assert money(Decimal(800_000_000), "USD", "approx", language="en") == "≈ $800M"
    assert money(None, language="en") == "undisclosed"


def test_headline_figures_on_the_sample(client, sample):
    headline = client.get("/").context["headline"]
    assert headline["startups"] == Startup.objects.count() == 83
    assert headline["unicorns"] == 38  # test_unicorns_on_a_day names them
    # 118 rows of rounds.csv give an amount; claims.csv gives three more (Moonshot's seed,
    # Unitree's Series C, Zhipu's Series A).
    assert (headline["rounds"], headline["rounds_disclosed"]) == (184, 121)
    assert headline["capital_qualifier"] == "at_least"  # a part of the sum is a lower bound
    assert headline["credits_usd"] == Decimal(300_000_000)
    # Of Alibaba's ≈ $850M in 2024, the year of the one deal with a disclosed split.
    assert headline["credits_share"] == pytest.approx(Decimal(300) / Decimal(850))
    assert Investor.objects.filter(slug="alibaba").exists()


def test_the_unicorn_csv_lists_every_member_where_the_hover_names_ten(client):
    FxRateFactory(month=dt.date(2024, 1, 1), currency="USD", units_per_usd=Decimal("1"))
    unicorns = [StartupFactory(is_ai=True) for _ in range(12)]
    for startup in unicorns:
        services.funding_round_create(
            startup=startup,
            announced_on=dt.date(2024, 2, 1),
            round_label="Series C",
            post_money_valuation=2_000_000_000,
            valuation_currency="USD",
            source_urls=["https://example.com/unicorns"],
        )
    refresh_full()

    rows = list(csv.DictReader(io.StringIO(client.get("/charts/unicorns.csv").content.decode())))
    first_year = next(row for row in rows if row["period_end"] == "2024-12-31")
    slugs = sorted(startup.slug for startup in unicorns)
    assert sorted(first_year["joined"].split(";")) == slugs
    assert sorted(first_year["startups"].split(";")) == slugs
    assert "and 2 more" in client.get("/").content.decode()
