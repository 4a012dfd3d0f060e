"""The search box finds a company by its legal name in either language: corporate suffixes and
the city are cut from the query (startups.search.normalised_words), in the same four queries."""

import pytest

from dashboards.search_selectors import site_search
from tests.factories import InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked():
    StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面", city="Beijing")
    StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱", city="Beijing")
    InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴")


@pytest.mark.parametrize(
    ("query", "kind", "slug"),
    [
        ("Beijing Moonshot Technology Co., Ltd.", "startups", "moonshot"),
        ("月之暗面科技有限公司", "startups", "moonshot"),
        ("北京月之暗面科技有限公司", "startups", "moonshot"),
        ("Alibaba Group Holding Limited", "investors", "alibaba"),
        ("阿里巴巴集团控股有限公司", "investors", "alibaba"),
    ],
)
def test_a_legal_name_finds_the_record(tracked, query, kind, slug):
    found = site_search(query)

    assert [hit.url.split("/")[2] for hit in found[kind]] == [slug]


def test_a_legal_name_costs_no_more_queries(tracked, django_assert_num_queries):
    with django_assert_num_queries(4):
        site_search("Beijing Moonshot Technology Co., Ltd.")
