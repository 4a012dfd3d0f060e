"""The header's search box on every page, and `/search/?q=`: the results grouped by kind
without JavaScript, translated, in a fixed number of queries; bad queries named."""

import pytest

from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ModelProductFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db
# The data's status (three, for the footer) and the search's four.
SEARCH_PAGE_QUERIES = 7


@pytest.fixture
def moonshot():
    startup = StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面")
    ModelProductFactory(startup=startup, name="Kimi Chat")
    return startup


@pytest.mark.parametrize("path", ["/", "/startups/", "/rounds/", "/zh-hans/investors/"])
def test_every_page_has_the_search_box_as_a_get_form(client, path):
    html = client.get(path).content.decode()

    prefix = "/zh-hans" if path.startswith("/zh-hans") else ""
    assert f'<form class="site-search" role="search" action="{prefix}/search/" method="get"' in html
    assert 'data-suggest="/api/v1/search/"' in html
    assert 'name="q"' in html and 'role="combobox"' in html
    assert 'src="/static/js/search.js"' in html


def test_results_grouped_by_kind_link_to_their_pages(client, moonshot):
    FundingRoundFactory(startup=moonshot, round_label="Series B")

    html = client.get("/search/", {"q": "KIMI"}).content.decode()

    assert '<section class="search-group" id="found-startups">' in html
    assert (
        '<a href="/startups/moonshot/">Moonshot AI</a> <span class="muted">月之暗面</span>' in html
    )
    assert '<a href="/startups/moonshot/#products">Kimi Chat</a>' in html
    assert "Moonshot AI · Series B" in html
    assert 'id="found-investors"' not in html  # an empty group is left out
    assert 'value="KIMI"' in html  # the query stays in the boxes


def test_results_page_in_chinese(client, moonshot):
    html = client.get("/zh-hans/search/", {"q": "kimi"}).content.decode()

    assert "<h2>初创公司</h2>" in html and "<h2>模型产品</h2>" in html
    assert '<a href="/zh-hans/startups/moonshot/">月之暗面</a>' in html
    assert "产品\uff1aKimi Chat" in html


def test_nothing_found_says_so(client, moonshot):
    html = client.get("/search/", {"q": "zhipu"}).content.decode()

    assert "Nothing is named “zhipu”." in html


def test_without_a_query_the_page_is_the_form(client):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "Nothing is named" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("", "Search: Enter a name to search for."),
        ("x" * 101, "Search: At most 100 characters are searched for (got 101)."),
    ],
)
def test_a_blank_or_too_long_query_is_a_400_naming_the_problem(client, query, problem):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 400
    assert f'<ul class="errors"><li>{problem}</li></ul>' in response.content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client, moonshot, django_assert_num_queries):
    for n in range(12):
        FundingRoundFactory(startup=moonshot, round_label=f"Round {n}")
        InvestorFactory(name_en=f"Kimi Fund {n}")
        ModelProductFactory(startup=moonshot, name=f"Kimi {n}")

    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        client.get("/search/", {"q": "kimi"})
