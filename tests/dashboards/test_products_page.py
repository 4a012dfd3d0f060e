"""The products page: China's published counts of generative-AI services over time, each
point with its bound and its source, beside the products tracked here and their share of the
national count; the table of tracked products with its filters, sort and CSV."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from tests.dashboards.test_pages import figures
from tests.factories import (
    ModelProductFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db
FILED = "genai_services_filed_cumulative"
REUTERS = "https://www.oodaloop.com/briefs/2024/01/29/china-approves-over-40-ai-models-for-public-use-in-past-six-months/"
SCMP_COPY = "https://news.warptechlab.com/news/178501370"


def national_count(value: str, day: dt.date, qualifier: str = "exact", metric: str = FILED, url=""):
    figure = ReportedMetricFactory(
        metric=metric,
        subject="China (CAC)",
        period_start=None,
        period_end=day,
        value=Decimal(value),
        value_qualifier=qualifier,
        unit="services",
    )
    figure.sources.set([SourceFactory(url=url or f"https://news.example.com/{metric}/{day}")])
    return figure


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def shown_products(html: str) -> list[str]:
    return re.findall(r'<tr id="product-(\d+)">', html)


def test_each_national_point_keeps_its_bound_and_links_its_source_in_both_languages(client, sample):
    html = client.get("/products/").content.decode()

    filed, approved, on_market, tracked = figures(html)["filings"]["data"]
    assert filed["x"][0] == "2024-01-28" and filed["y"][0] == 40
    assert filed["marker"]["symbol"][0] == "triangle-up"  # "more than 40": a lower bound
    assert filed["customdata"][0] == REUTERS
    assert "≥ 40 services by 2024-01-28" in filed["hovertext"][0]
    assert "Tracked here by then: 17 products, ≤ 42.5% of it" in filed["hovertext"][0]
    assert "Securities Times via www.oodaloop.com" in filed["hovertext"][0]
    assert (filed["x"][-1], filed["y"][-1], filed["marker"]["symbol"][-1]) == (
        "2026-04-30",
        868,
        "circle",
    )
    assert filed["customdata"][-1] == SCMP_COPY
    assert approved["y"] == [117, 252]
    assert (on_market["x"], on_market["y"]) == (["2024-08-21"], [190])
    assert tracked["y"][-1] == 49
    assert tracked["line"]["shape"] == "hv"
    assert 'id="national-genai_services_filed_cumulative-2024-01-28"' in html
    assert f'href="{REUTERS}"' in html
    chinese = client.get("/zh-hans/products/").content.decode()
    assert "模型产品与备案" in chinese
    assert "≥ 40项服务" in chinese and "≤ 42.5%" in chinese
    assert 'href="/zh-hans/startups/zhipu/#products">智谱</a>' in chinese


def test_a_share_of_a_lower_bound_is_an_upper_bound_in_the_page_and_the_csv(client):
    national_count("40", dt.date(2024, 1, 31), "at_least", url="https://news.example.com/40")
    national_count("100", dt.date(2024, 6, 30))
    ModelProductFactory(launched_on=dt.date(2023, 8, 31))
    ModelProductFactory(launched_on=dt.date(2024, 1, 31))
    ModelProductFactory(launched_on=dt.date(2024, 2, 1))

    html = client.get("/products/").content.decode()
    rows = csv_rows(client.get("/products/filings.csv"))

    assert "≥ 40 services" in html and "≤ 5.0%" in html and "3.0%" in html
    published = [r for r in rows if r["row"] == "published"]
    assert [
        (
            r["date"],
            r["value"],
            r["qualifier"],
            r["tracked_products"],
            r["share_of_national"],
            r["share_qualifier"],
            r["source_urls"],
        )
        for r in published
    ] == [
        ("2024-01-31", "40", "at_least", "2", "0.0500", "at_most", "https://news.example.com/40"),
        (
            "2024-06-30",
            "100",
            "exact",
            "3",
            "0.0300",
            "exact",
            "https://news.example.com/genai_services_filed_cumulative/2024-06-30",
        ),
    ]
    assert [(r["date"], r["value"]) for r in rows if r["row"] == "tracked"] == [
        ("2023-08-31", "1"),
        ("2024-01-31", "2"),
        ("2024-02-01", "3"),
    ]


def test_a_product_counts_from_the_earlier_of_its_launch_and_filing_and_undated_ones_not_at_all(
    client,
):
    national_count("10", dt.date(2023, 9, 30))
    ModelProductFactory(launched_on=dt.date(2023, 11, 1), cac_filing_on=dt.date(2023, 8, 31))
    ModelProductFactory(launched_on=None, cac_filing_on=dt.date(2023, 9, 1))
    ModelProductFactory(launched_on=dt.date(2023, 10, 1), cac_filing_on=None)
    ModelProductFactory(launched_on=None, cac_filing_on=None)

    response = client.get("/products/")

    (point,) = response.context["national"]
    assert (point["tracked"], point["share_text"]) == (2, "20.0%")
    assert response.context["chart"].coverage[0] == (
        "3 products tracked here, each counted from the earlier of its launch and its filing "
        "date; 1 with neither is not counted."
    )


def test_the_table_filters_sorts_and_downloads_exactly_the_rows_shown(client, sample):
    query = (
        "startup=zhipu&modality=text&open_weights=1&since=2023-06-01&until=2025-12-31&sort=launched"
    )
    html = client.get(f"/products/?{query}").content.decode()
    rows = csv_rows(client.get(f"/products/export.csv?{query}"))

    assert [r["product"] for r in rows] == ["ChatGLM2-6B", "ChatGLM3-6B", "GLM-4-9B", "GLM-4.5"]
    assert len(shown_products(html)) == len(rows)
    assert {(r["startup"], r["modality"], r["open_weights"]) for r in rows} == {
        ("zhipu", "text", "yes")
    }
    assert f'href="/products/export.csv?{query.replace("&", "&amp;")}"' in html
    assert '<a href="/startups/zhipu/#products">Zhipu AI</a>' in html
    newest_first = csv_rows(client.get("/products/export.csv?startup=deepseek"))
    assert [(r["product"], r["launched_on"]) for r in newest_first][:2] == [
        ("DeepSeek-R1", "2025-01-20"),
        ("DeepSeek chatbot app (iOS/Android)", "2025-01"),
    ]


def test_bad_filters_are_reported_and_ignored_on_the_page_and_refused_by_the_csv(client, sample):
    query = "modality=hologram&since=yesterday&startup=nosuch&sort=price"

    response = client.get(f"/products/?{query}")
    refused = client.get(f"/products/export.csv?{query}")

    assert response.status_code == 200
    assert response.context["filters"] == {}
    assert len(shown_products(response.content.decode())) == 49
    assert response.context["form"].problems() == [
        "Modality: Select a valid choice. hologram is not one of the available choices.",
        "Launched since: Enter a valid date.",
        "Sort: Select a valid choice. price is not one of the available choices.",
        "Startups: nosuch is unknown.",
    ]
    assert refused.status_code == 400
    assert refused.content.decode().splitlines() == response.context["form"].problems()


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_number_of_products(
    client, sample, django_assert_num_queries
):
    # The data's status (3), the products' national figures (3) and filter choices (2) on a cold
    # cache, the startup slugs named (1), the table's count, rows and their sources (3).
    url = "/products/?startup=zhipu&startup=moonshot"
    cache.clear()
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    zhipu = StartupFactory(slug="zhipu")
    for n in range(30):
        ModelProductFactory(startup=zhipu, launched_on=dt.date(2022, 1, 1) + dt.timedelta(days=n))
    cache.clear()
    with django_assert_num_queries(12):
        assert client.get(url + "&sort=filed").status_code == 200


def test_a_filing_is_shown_at_its_precision_with_its_number_when_known(client):
    filed = ModelProductFactory(
        name="Example Model",
        cac_filing_on=dt.date(2024, 1, 1),
        cac_filing_precision="month",
        cac_filing_number="EXAMPLE-0001",
    )
    ModelProductFactory(name="Unfiled Model")

    html = client.get("/products/?sort=product").content.decode()
    rows = csv_rows(client.get("/products/export.csv?sort=product"))
    profile = client.get(f"/startups/{filed.startup.slug}/").content.decode()

    row = re.search(rf'<tr id="product-{filed.pk}">(.*?)</tr>', html, re.S)[1]
    assert '<td class="nowrap">2024-01</td>' in row and "<td>EXAMPLE-0001</td>" in row
    assert '<td class="nowrap">2024-01</td>' in profile and "2024-01-01" not in profile
    assert [
        (r["product"], r["cac_filing_on"], r["cac_filing_precision"], r["cac_filing_number"])
        for r in rows
    ] == [("Example Model", "2024-01", "month", "EXAMPLE-0001"), ("Unfiled Model", "", "", "")]
