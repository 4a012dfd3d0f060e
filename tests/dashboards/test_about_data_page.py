"""The /about/data/ page: the coverage report on the sample data, each count linked to the
list it counts (filtered to the year, the investor, AI), in English and in Chinese, linked
from every page's footer; the disputed figures linked to the Disputes page for those who may
read it."""

import html
import re

import pytest

from dashboards.coverage_selectors import coverage
from tests.factories import StaffFactory, StartupFactory

pytestmark = pytest.mark.django_db


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


def row_cells(page: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)[1]
    return [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def links(page: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)[1]
    return re.findall(r'<a href="([^"]+)"', row)


def test_the_page_shows_the_counts_of_the_sample_each_linked_to_its_list(client, sample):
    report = coverage()
    page = client.get("/about/data/").content.decode()

    total = report["startups"]["total"]
    assert f'<a href="/startups/" id="startups-all">{total} startups</a>' in page
    assert f'<a href="/startups/?ai=1" id="startups-ai">{report["startups"]["ai"]}</a>' in page
    assert f'<a href="/rounds/" id="rounds-all">{report["rounds"]["total"]} rounds</a>' in page
    year = next(row for row in report["rounds"]["years"] if row["year"] == 2024)
    assert row_cells(page, "rounds-2024") == ["2024", str(year["rounds"]), str(year["ai"])]
    assert links(page, "rounds-2024") == [
        "/rounds/?since=2024-01-01&amp;until=2024-12-31",
        "/rounds/?since=2024-01-01&amp;until=2024-12-31&amp;ai=1",
    ]


def test_each_giants_deals_of_a_year_link_to_its_rounds_of_that_year(client, sample):
    (alibaba,) = [giant for giant in coverage()["giants"] if giant["slug"] == "alibaba"]
    year = next(row for row in alibaba["years"] if row["year"] == 2023)
    page = client.get("/about/data/").content.decode()

    cells = row_cells(page, "giant-alibaba-2023")
    assert cells[:4] == ["2023", str(year["deals"]), str(year["ai"]), "39 deals (Alibaba (ITJuzi))"]
    assert cells[4] == f"{round(100 * year['deals'] / 39)}%"
    assert links(page, "giant-alibaba-2023")[:2] == [
        "/rounds/?investor=alibaba&amp;since=2023-01-01&amp;until=2023-12-31",
        "/rounds/?investor=alibaba&amp;since=2023-01-01&amp;until=2023-12-31&amp;ai=1",
    ]
    assert 'href="/rounds/?investor=alibaba&amp;since=2023-01-01&amp;until=2024-08-21"' in page
    assert 'id="giant-tencent-2023"' in page
    # Two counters, two counts of Tencent's 2023 deals: both shown, each with its share.
    tencent = row_cells(page, "giant-tencent-2023")
    assert tencent[3] == "39 deals (Tencent (ITJuzi))33 deals (Tencent (Tianyancha))"


def test_the_sources_table_counts_every_kind_and_links_the_lists(client, sample):
    report = {row["kind"]: row for row in coverage()["records"]}
    page = client.get("/about/data/").content.decode()

    rounds = report["rounds"]
    assert row_cells(page, "records-rounds") == [
        "funding rounds",
        str(rounds["records"]),
        "0",
        str(rounds["copies_only"]),
        str(rounds["disputed_figures"]),
    ]
    assert links(page, "records-rounds") == ["/rounds/"]
    assert links(page, "records-valuations") == []  # no public list of valuation marks
    assert "/admin/disputes/" not in page


def test_staff_who_may_read_claims_follow_the_disputed_figures_to_the_disputes_page(client, sample):
    client.force_login(StaffFactory())

    page = client.get("/about/data/").content.decode()

    assert links(page, "records-rounds") == ["/rounds/", "/admin/disputes/"]


def test_the_chinese_page_links_chinese_lists(client, sample):
    response = client.get("/zh-hans/about/data/")
    page = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in page
    assert links(page, "rounds-2024") == [
        "/zh-hans/rounds/?since=2024-01-01&amp;until=2024-12-31",
        "/zh-hans/rounds/?since=2024-01-01&amp;until=2024-12-31&amp;ai=1",
    ]
    assert "<th>年份</th>" in page
    assert 'href="/zh-hans/investors/alibaba/">阿里巴巴</a>' in page


def test_every_page_links_the_about_page_from_its_footer(client):
    for url, about in (("/rounds/", "/about/data/"), ("/zh-hans/rounds/", "/zh-hans/about/data/")):
        page = client.get(url).content.decode()
        assert f'<a href="{about}" id="about-data">' in page


def test_the_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # The data's status (three) and the report (seven), on an empty database as on any.
    with django_assert_max_num_queries(10):
        assert client.get("/about/data/").status_code == 200


def test_an_edit_shows_at_once_without_waiting_for_a_refresh(client, sample):
    before = coverage()["startups"]["total"]
    client.get("/about/data/")

    StartupFactory(slug="new-entrant")

    page = client.get("/about/data/").content.decode()
    assert f'<a href="/startups/" id="startups-all">{before + 1} startups</a>' in page
