"""Reporting lag: how complete a period probably is, from the data's own pairs of a round's
announce date and its first report, on hand-made cases whose answers are worked out here."""

import datetime as dt

import plotly.graph_objects as go
import pytest

from dashboards.chart_freshness import shade_incomplete
from dashboards.reporting_lag import (
    MIN_PAIRS,
    announce_report_pairs,
    incomplete_periods,
    period_completeness,
    reporting_lags,
    share_reported_within,
)
from tests.factories import FundingRoundFactory, SourceFactory

DAY = dt.date(2025, 1, 1)
# Half the rounds reported on the day, half 30 days later.
PAIRS = [(DAY, DAY)] * 5 + [(DAY, DAY + dt.timedelta(days=30))] * 5
END_OF_2025 = dt.date(2025, 12, 31)


def test_lags_are_days_to_the_first_report_and_a_leak_counts_as_none():
    pairs = [(DAY, DAY + dt.timedelta(days=12)), (DAY, DAY - dt.timedelta(days=3)), (DAY, DAY)]

    assert reporting_lags(pairs) == [0, 0, 12]


def test_the_share_reported_within_some_days_is_the_empirical_distribution():
    lags = reporting_lags(PAIRS)

    assert [share_reported_within(lags, days) for days in (-1, 0, 29, 30, 400)] == [
        0.0,
        0.5,
        0.5,
        1.0,
        1.0,
    ]


def test_a_period_ending_now_is_as_complete_as_its_days_have_had_time_to_be_reported():
    lags = reporting_lags(PAIRS)
    q4 = (dt.date(2025, 10, 1), END_OF_2025)

    # Of Q4's 92 days, the 62 up to December 1st are 30 days old or more (all reported);
    # the last 30 have half their rounds reported: (62 + 30 / 2) / 92.
    assert period_completeness(lags, *q4, as_of=END_OF_2025) == pytest.approx(77 / 92)
    # Q3 ended 92 days ago: everything is reported.
    assert period_completeness(lags, dt.date(2025, 7, 1), dt.date(2025, 9, 30), END_OF_2025) == 1
    # A period still running counts its days so far: November 1st to December 1st as of
    # December 1st, whose first day (30 days old) is complete, the other 30 half reported.
    running = period_completeness(lags, dt.date(2025, 11, 1), END_OF_2025, dt.date(2025, 12, 1))
    assert running == pytest.approx((1 + 30 / 2) / 31)
    assert period_completeness(lags, dt.date(2026, 1, 1), dt.date(2026, 3, 31), END_OF_2025) is None


def test_only_periods_under_ninety_percent_are_incomplete_and_too_few_pairs_say_nothing():
    lags = reporting_lags(PAIRS)
    quarters = [
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), END_OF_2025),
    ]

    [estimate] = incomplete_periods(lags, quarters, END_OF_2025)

    assert (estimate.start, round(estimate.completeness, 4)) == (dt.date(2025, 10, 1), 0.837)
    assert incomplete_periods(lags[: MIN_PAIRS - 1], quarters, END_OF_2025) == []


@pytest.mark.django_db
def test_the_pairs_are_rounds_known_to_the_day_with_their_earliest_dated_source():
    # Given a round reported twice (the first report counts), one known only to the month,
    # and one whose source carries no date
    early = SourceFactory(published_on=dt.date(2024, 3, 10))
    late = SourceFactory(published_on=dt.date(2024, 5, 1))
    FundingRoundFactory(announced_on=dt.date(2024, 3, 1)).sources.set([late, early])
    FundingRoundFactory(announced_on=dt.date(2024, 3, 1), date_precision="month").sources.set(
        [early]
    )
    FundingRoundFactory(announced_on=dt.date(2024, 4, 1)).sources.set([SourceFactory()])

    # Then only the first gives a pair, with its earliest report
    assert announce_report_pairs() == [(dt.date(2024, 3, 1), dt.date(2024, 3, 10))]


def test_a_chart_shades_the_incomplete_periods_with_the_estimate_on_hover():
    lags = reporting_lags(PAIRS)
    figure = go.Figure(layout={"xaxis": {"type": "date"}})

    coverage = shade_incomplete(figure, lags, "quarter", dt.date(2025, 7, 1), END_OF_2025)

    [band] = figure.data
    assert band.x == ("2025-10-01", "2026-01-01", "2026-01-01", "2025-10-01", "2025-10-01")
    assert band.text == (
        "~84% of rounds for this period likely reported so far, from 10 announce/report pairs"
    )
    assert band.name == "probably incomplete (reporting lag)"
    assert coverage[0].startswith("Shaded: periods in which fewer than 90% of rounds")


def test_a_bar_chart_gets_the_estimate_in_its_bars_hover():
    figure = go.Figure(go.Bar(x=["2025-Q3", "2025-Q4"], y=[1, 2], hovertext=["Q3", "Q4"]))

    shade_incomplete(
        figure,
        reporting_lags(PAIRS),
        "quarter",
        None,
        END_OF_2025,
        categories=[dt.date(2025, 7, 1), dt.date(2025, 10, 1)],
    )

    assert figure.data[0].hovertext == (
        "Q3",
        "Q4<br>~84% of rounds for this period likely reported so far, from 10 announce/report "
        "pairs",
    )
    assert [(shape.x0, shape.x1) for shape in figure.layout.shapes] == [(0.5, 1.5)]


def test_too_few_pairs_put_a_note_beside_the_chart_instead():
    figure = go.Figure()

    coverage = shade_incomplete(
        figure, reporting_lags(PAIRS[:9]), "quarter", dt.date(2025, 7, 1), END_OF_2025
    )

    assert figure.data == ()
    note = "Too few announce/report pairs (9; 10 needed) to estimate how complete the latest"
    assert figure.layout.annotations == ()
    assert coverage[0].startswith(note)
