"""Stale valuations: a valuation carried forward past VALUATION_STALE_AFTER_MONTHS with no
newer one is counted apart in the unicorn series and drawn faded on the valuation chart."""

import datetime as dt
from decimal import Decimal

import pytest

from dashboards.models import UnicornPeriodStat
from dashboards.refresh import refresh_full, refresh_pending
from dashboards.staleness import add_months, is_stale, stale_from
from dashboards.valuation_chart import stale_spans
from deals import services
from tests.dashboards.test_pages import figures
from tests.factories import StartupFactory

SOURCE = ["https://example.com/valuations"]


def test_a_partial_date_is_stale_once_its_last_possible_day_is_older_than_the_horizon():
    # 01.AI's "at least $1B" of 2023-11: November 30th at the latest, stale from 2025-12-01
    assert stale_from(dt.date(2023, 11, 1), "month", 24) == dt.date(2025, 12, 1)
    assert not is_stale(dt.date(2023, 11, 1), "month", dt.date(2025, 9, 30), 24)
    assert is_stale(dt.date(2023, 11, 1), "month", dt.date(2025, 12, 31), 24)
    assert is_stale(dt.date(2023, 11, 1), "month", dt.date(2026, 12, 31), 24)
    # A day is its own last day; a year its December 31st
    assert stale_from(dt.date(2024, 2, 29), "day", 12) == dt.date(2025, 3, 1)
    assert stale_from(dt.date(2023, 1, 1), "year", 6) == dt.date(2024, 7, 1)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_the_chart_draws_stale_what_is_carried_past_the_horizon():
    points = [
        {"date": dt.date(2020, 1, 1), "date_precision": "day"},
        {"date": dt.date(2023, 6, 1), "date_precision": "day"},
        {"date": dt.date(2024, 1, 1), "date_precision": "year"},
    ]

    spans = stale_spans(points, dt.date(2026, 12, 31), 24)

    # The first held 41 months until the next; the second only 7; the last, known to the
    # year, turns stale only on 2027-01-01, after the end.
    assert spans == [(0, dt.date(2022, 1, 2), dt.date(2023, 6, 1))]


def valued(startup, day: dt.date, precision: str, label: str) -> None:
    services.funding_round_create(
        startup=startup,
        announced_on=day,
        date_precision=precision,
        round_label=label,
        post_money_valuation=Decimal(2_000_000_000),
        valuation_currency="USD",
        valuation_qualifier="at_least",
        source_urls=SOURCE,
    )


def stale_by_end(kind: str) -> dict[str, tuple[int, int, list[str]]]:
    return {
        stat.period_end.isoformat(): (stat.count, stat.stale, stat.stale_startups)
        for stat in UnicornPeriodStat.objects.filter(period_kind=kind)
    }


@pytest.fixture
def unicorns():
    """Given a unicorn valued in 2021-11 (known to the month) and one on 2022-06-15, never
    valued again, counted with the default horizon of 24 months"""
    yi = StartupFactory(slug="yi")
    other = StartupFactory(slug="other")
    valued(yi, dt.date(2021, 11, 1), "month", "Series A")
    valued(other, dt.date(2022, 6, 15), "day", "Series A")
    refresh_full()
    return yi, other


@pytest.mark.django_db
def test_the_unicorn_series_counts_members_resting_on_stale_valuations(unicorns, client):
    years = stale_by_end("year")
    assert years["2022-12-31"] == (2, 0, [])
    # yi's 2021-11 valuation turned stale on 2023-12-01, the other's on 2024-06-16
    assert years["2023-12-31"] == (2, 1, ["yi"])
    assert years["2024-12-31"] == (2, 2, ["other", "yi"])
    quarters = stale_by_end("quarter")
    assert (quarters["2023-09-30"][1], quarters["2023-12-31"][1]) == (0, 1)

    body = client.get("/api/v1/stats/unicorns/", {"period": "year"}).json()
    row = next(r for r in body["results"] if r["period_end"] == "2023-12-31")
    assert (row["count"], row["stale"], row["stale_startups"]) == (2, 1, ["yi"])


@pytest.mark.django_db
def test_a_newer_valuation_makes_it_fresh_again_after_an_incremental_refresh(unicorns):
    yi, _ = unicorns

    valued(yi, dt.date(2024, 3, 1), "day", "Series B")
    while refresh_pending() is not None:
        pass

    years = stale_by_end("year")
    assert years["2023-12-31"] == (2, 1, ["yi"])
    assert years["2024-12-31"] == (2, 1, ["other"])


@pytest.mark.django_db
def test_the_horizon_is_a_setting(unicorns, settings):
    settings.VALUATION_STALE_AFTER_MONTHS = 60

    refresh_full()

    assert stale_by_end("year")["2024-12-31"] == (2, 0, [])


@pytest.mark.django_db
def test_the_charts_show_stale_members_and_stale_lines(unicorns, client):
    html = client.get("/").content.decode()
    charts = figures(html)

    stale_bars = next(t for t in charts["unicorns"]["data"] if t["name"].startswith("on a stale"))
    assert stale_bars["name"] == "on a stale valuation (over 24 months old)"
    assert dict(zip(stale_bars["x"], stale_bars["y"], strict=True))["2024"] == 2
    assert (
        "2 of the 2 unicorns on 2024-12-31 rest on a valuation older than 24 months"
        in (stale_bars["hovertext"][stale_bars["x"].index("2024")])
    )
    stale_lines = [t for t in charts["valuations"]["data"] if t.get("legendgroup") == "stale"]
    assert [t["name"] for t in stale_lines if t["showlegend"]] == [
        "stale: no newer valuation for over 24 months"
    ]
    assert stale_lines[0]["x"][0] == "2023-12-01"
