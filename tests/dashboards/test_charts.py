"""Chart figures built from aggregate rows, without a database."""

import datetime as dt

from dashboards.charts import HOVER_NAMES, unicorn_count

STATUS = {
    "latest_event_on": dt.date(2025, 3, 1),
    "latest_event_precision": "month",
    "computed_at": dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
}


def test_a_unicorn_hover_names_the_first_few_and_counts_the_rest():
    joined = [{"slug": f"s{n}", "name_en": f"Startup {n}"} for n in range(HOVER_NAMES + 2)]
    period = {
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 3, 31),
        "count": len(joined),
        "joined": joined[:HOVER_NAMES],
        "joined_count": len(joined),
        "left": [],
        "left_count": 0,
        "stale": 0,
        "stale_first": [],
    }

    figure = unicorn_count([period], "quarter", STATUS)

    hover = figure.data[0].hovertext[0]
    assert f"Startup {HOVER_NAMES - 1}" in hover
    assert f"Startup {HOVER_NAMES}" not in hover
    assert "and 2 more" in hover
