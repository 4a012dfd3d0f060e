"""A merged record's pages answer 301 to its survivor's, in both languages; the search box finds
the survivor by the merged record's names."""

import pytest

from deals.merging import merge_investors, merge_startups
from tests.factories import InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_a_merged_startups_pages_answer_301_to_the_survivor(client, prefix):
    merge_startups(StartupFactory(slug="moonshot"), StartupFactory(slug="beijing-moonshot"))

    page = client.get(f"{prefix}/startups/beijing-moonshot/")
    csv = client.get(f"{prefix}/startups/beijing-moonshot/valuations.csv?x=1")

    assert (page.status_code, page["Location"]) == (301, f"{prefix}/startups/moonshot/")
    assert (csv.status_code, csv["Location"]) == (
        301,
        f"{prefix}/startups/moonshot/valuations.csv?x=1",
    )
    assert client.get(page["Location"]).status_code == 200
    assert client.get(f"{prefix}/startups/nobody/").status_code == 404


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_a_merged_investors_page_answers_301_along_a_chain(client, prefix):
    a, b, c = (InvestorFactory(slug=slug) for slug in ("alibaba", "alibaba-holding", "ali"))
    merge_investors(b, c)
    merge_investors(a, b)

    response = client.get(f"{prefix}/investors/ali/")

    assert (response.status_code, response["Location"]) == (301, f"{prefix}/investors/alibaba/")


def test_a_pair_page_naming_a_merged_investor_answers_301_to_the_survivors_pair(client):
    alibaba = InvestorFactory(slug="alibaba")
    InvestorFactory(slug="tencent")
    merge_investors(alibaba, InvestorFactory(slug="alibaba-holding"))

    response = client.get("/zh-hans/investors/tencent/with/alibaba-holding/?year=2024")

    assert (response.status_code, response["Location"]) == (
        301,
        "/zh-hans/investors/tencent/with/alibaba/?year=2024",
    )
    assert client.get("/investors/tencent/with/nobody/").status_code == 404


def test_the_search_box_finds_the_survivor_by_the_merged_names(client):
    merge_startups(
        StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh=""),
        StartupFactory(slug="beijing-moonshot", name_en="Yuezhi Anmian", name_zh="月之暗面"),
    )

    for query in ("月之暗面", "Yuezhi Anmian"):
        html = client.get("/search/", {"q": query}).content.decode()
        assert 'href="/startups/moonshot/"' in html, query
        assert "/startups/beijing-moonshot/" not in html
