"""A date known to the month, quarter or year is shown as such on an investor's page, as on a
startup's: its deals, its portfolio's first and latest rounds, its co-investors' "since"."""

import datetime as dt
import re

import pytest

from dashboards.refresh import refresh_full
from deals import services
from startups import services as startup_services

pytestmark = pytest.mark.django_db


def section(html: str, name: str) -> str:
    return re.search(rf'<section id="{name}">.*?</section>', html, re.S)[0]


def dates_in(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap">([^<]*)</td>', html)


def round_of(startup, on: dt.date, precision: str, investors: list, label: str):
    return services.funding_round_create(
        startup=startup,
        announced_on=on,
        date_precision=precision,
        round_label=label,
        participants=[{"investor": investor} for investor in investors],
    )


@pytest.fixture
def backers():
    return [services.investor_create(slug=slug, name_en=slug.title()) for slug in ("ali", "ten")]


def test_an_investor_page_shows_each_date_at_its_precision(client, backers):
    startup = startup_services.startup_create(slug="dragon", name_en="Dragon", is_ai=True)
    round_of(startup, dt.date(2024, 2, 1), "month", backers, "Series A")
    round_of(startup, dt.date(2025, 7, 1), "quarter", backers[:1], "Series B")
    refresh_full()

    html = client.get("/investors/ali/").content.decode()

    assert dates_in(section(html, "deals")) == ["2025-Q3", "2024-02"]
    assert dates_in(section(html, "portfolio")) == ["2024-02", "2025-Q3"]
    assert dates_in(section(html, "co-investors")) == ["2024-02"]
    assert "2024-02-01" not in html and "2025-07-01" not in html


def test_a_day_shared_by_two_precisions_reads_as_early_or_as_late_as_it_can(client, backers):
    # A round of 2024-02-01 and one of "2024-02": the first was on 2024-02-01, the latest
    # some day of February.
    startup = startup_services.startup_create(slug="dragon", name_en="Dragon", is_ai=True)
    round_of(startup, dt.date(2024, 2, 1), "month", backers[:1], "Series A")
    round_of(startup, dt.date(2024, 2, 1), "day", backers, "Series A+")
    refresh_full()

    html = client.get("/investors/ali/").content.decode()

    assert dates_in(section(html, "portfolio")) == ["2024-02-01", "2024-02"]
    # Ten joined on 2024-02-01 itself: together since that day.
    assert dates_in(section(html, "co-investors")) == ["2024-02-01"]
