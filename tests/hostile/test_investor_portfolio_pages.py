"""An investor's page lists its portfolio a page at a time (a large investor's whole portfolio
once took 4.4 s and 2.9 MB); the yearly summary and the chart still cover all of it."""

import datetime as dt
import re

import pytest

from dashboards import views
from dashboards.refresh import refresh_full
from deals import services
from startups import services as startup_services

pytestmark = pytest.mark.django_db


def section(html: str, name: str) -> str:
    return re.search(rf'<section id="{name}">.*?</section>', html, re.S)[0]


def startups_listed(html: str) -> list[str]:
    return re.findall(r'<a href="(?:/zh-hans)?/startups/([^/]+)/">', section(html, "portfolio"))


@pytest.fixture
def backer(monkeypatch):
    monkeypatch.setattr(views, "PORTFOLIO_PER_PAGE", 3, raising=False)
    # Through the services, which keep the investor tree the pages read.
    investor = services.investor_create(slug="backer", name_en="Backer")
    for month in range(1, 8):
        services.funding_round_create(
            startup=startup_services.startup_create(slug=f"s{month}", name_en=f"S{month}"),
            announced_on=dt.date(2024, month, 1),
            date_precision="day",
            round_label="Series A",
            participants=[{"investor": investor}],
        )
    refresh_full()
    return investor


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_the_portfolio_is_listed_a_page_at_a_time_latest_first(client, backer, prefix):
    first = client.get(f"{prefix}/investors/backer/").content.decode()
    last = client.get(f"{prefix}/investors/backer/?page=3").content.decode()

    assert startups_listed(first) == ["s7", "s6", "s5"]
    assert startups_listed(last) == ["s1"]
    assert 'href="?page=2" rel="next"' in section(first, "portfolio")
    assert 'rel="next"' not in section(last, "portfolio")


def test_the_yearly_summary_counts_the_whole_portfolio(client, backer):
    response = client.get("/investors/backer/")

    assert [stat["deals_total"] for stat in response.context["stats"]] == [7]
    assert response.context["portfolio"].paginator.count == 7


def test_a_page_number_past_the_end_shows_the_last_page_not_the_whole_list(client, backer):
    response = client.get("/investors/backer/?page=999")

    assert startups_listed(response.content.decode()) == ["s1"]
    assert len(response.context["portfolio"].object_list) == 1
