"""Three times on every page and statistics answer: the latest event in the figures, the
last edit of any record, and the last refresh."""

import datetime as dt

import pytest

from dashboards.freshness import last_changed_at, latest_event
from dashboards.refresh import refresh_full
from startups import services as startup_services
from tests.factories import ComputeDealFactory, FundingRoundFactory, ValuationMarkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    """Given a round on 2025-03-10, a valuation mark on 2025-04-01 and a compute deal known
    only to the month of April 2025"""
    round_ = FundingRoundFactory(announced_on=dt.date(2025, 3, 10))
    ValuationMarkFactory(valued_on=dt.date(2025, 4, 1), date_precision="day")
    ComputeDealFactory(announced_on=dt.date(2025, 4, 1), date_precision="month")
    return round_


def test_the_latest_event_is_the_latest_date_at_its_coarsest_precision(events):
    # The April deal may fall on any day of April: "2025-04", not "2025-04-01"
    assert latest_event() == (dt.date(2025, 4, 1), "month")


def test_no_event_is_none():
    assert latest_event() == (None, "")


def test_the_last_change_includes_a_deletion(events):
    before = last_changed_at()

    startup_services.record_delete(events)

    assert before is not None
    assert last_changed_at() > before


def test_every_statistics_answer_carries_the_three_times(events, client):
    refresh_full()

    body = client.get("/api/v1/stats/unicorns/").json()

    assert list(body) == [
        "latest_event_on",
        "latest_event_precision",
        "last_changed_at",
        "computed_at",
        "refresh_pending",
        "results",
    ]
    assert (body["latest_event_on"], body["latest_event_precision"]) == ("2025-04-01", "month")
    computed = dt.datetime.fromisoformat(body["computed_at"])
    changed = dt.datetime.fromisoformat(body["last_changed_at"])
    assert changed <= computed
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    unicorns = schema["components"]["schemas"]["Unicorns"]
    assert set(unicorns["required"]) >= {"latest_event_on", "last_changed_at", "computed_at"}


def test_the_latest_event_is_the_headline_date_in_english_and_chinese(events, client):
    refresh_full()

    english = client.get("/").content.decode()
    chinese = client.get("/zh-hans/").content.decode()

    assert "Data as of 2025-04 (latest event) · last edited " in english
    assert "data as of (latest event)" in english
    # Chinese text takes full-width brackets
    assert "数据截至 2025-04（最新事件）· 最后编辑 " in chinese  # noqa: RUF001
    assert "数据截至（最新事件）" in chinese  # noqa: RUF001
    rounds = client.get("/rounds/").content.decode()
    assert "Data as of 2025-04 (latest event)" in rounds
