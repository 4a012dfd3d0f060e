"""The overview's "From" and "To" lists offer the data's own years, from the first to the
last year with a deal, and nothing outside them."""

import datetime as dt
import re

import pytest

from dashboards.refresh import refresh_full
from deals import services
from tests.factories import FundingRoundFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def offered_years(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def test_the_year_lists_run_from_the_first_to_the_last_year_with_data(client):
    for day in (dt.date(2019, 6, 1), dt.date(2022, 3, 1)):
        ParticipationFactory(round=FundingRoundFactory(announced_on=day))
    services.investor_ancestry_rebuild()
    refresh_full()

    html = client.get("/").content.decode()

    # Newest first, every year in between too, and no year past the data (2027 was offered).
    assert offered_years(html, "since") == ["2022", "2021", "2020", "2019"]
    assert offered_years(html, "until") == ["2022", "2021", "2020", "2019"]


def test_the_sample_offers_2019_to_2026(client, sample):
    html = client.get("/").content.decode()

    assert offered_years(html, "since") == [str(year) for year in range(2026, 2018, -1)]


def test_a_year_outside_the_data_falls_back_and_says_why(client):
    ParticipationFactory(round=FundingRoundFactory(announced_on=dt.date(2022, 3, 1)))
    services.investor_ancestry_rebuild()
    refresh_full()

    response = client.get("/", {"since": "2027"})

    assert response.context["filters"].since is None
    assert "2027 is not one of the available choices" in response.content.decode()


def test_no_year_is_offered_before_any_deal(client):
    assert offered_years(client.get("/").content.decode(), "since") == []
