"""The overview's unicorn charts (dashboards.overview.VIEWS): valuations and the unicorn
count, with their coverage lines, stale valuations and probably incomplete periods."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import charts, valuation_chart
from .chart_freshness import computed_day, shade_chart
from .models import PeriodKind
from .staleness import stale_after_months


def valuations_view(data: list, f, status: dict) -> dict:
    """The valuation chart of the overview, with its coverage and sources."""
    marks = sum(len(s["points"]) for s in data)
    bounds = sum(1 for s in data for p in s["points"] if p["qualifier"] != "exact")
    figure = valuation_chart.valuations(data, status, computed_day(status))
    first = min((p["date"] for s in data for p in s["points"]), default=None)
    return {
        "figure": figure,
        "coverage": [
            _(
                "%(startups)s startups that have been valued at $1B or more; %(marks)s "
                "valuations, %(bounds)s of them bounds or approximations (≥, ≈)."
            )
            % {"startups": len(data), "marks": marks, "bounds": bounds},
            _(
                "▲ at least, ○ approximately, ● as reported; a dotted line carries the last "
                "valuation to today or to the listing, faded and dashed once it is older than "
                "%(months)s months."
            )
            % {"months": stale_after_months()},
            *shade_chart(figure, status, PeriodKind.QUARTER, first),
        ],
        "sources_url": charts.rounds_url(startup=[s["slug"] for s in data]),
    }


def unicorns_view(data: list, f, status: dict) -> dict:
    """The unicorn count chart of the overview, with its coverage and sources."""
    latest = data[-1] if data else None
    figure = charts.unicorn_count(data, f.period, status)
    starts = [p["period_start"] for p in data]
    return {
        "figure": figure,
        "coverage": [
            _(
                "Counted at each period's end: AI startups not listed by then whose latest "
                "valuation is at least $1B."
            ),
            _(
                "Faded, hatched: unicorns whose latest valuation is older than %(months)s "
                "months, with no newer one."
            )
            % {"months": stale_after_months()},
            *shade_chart(figure, status, f.period, None, starts),
        ],
        "sources_url": reverse("dashboards:startups")
        + (f"?unicorn_at={latest['period_end'].isoformat()}" if latest else ""),
    }
