"""What the time-series charts show of how complete their latest periods probably are: the
periods where fewer than 90% of rounds are likely reported yet (dashboards.reporting_lag)
shaded, with the estimate on hover; a coverage note beside the chart when the data holds too few
announce/report pairs to estimate it."""

import datetime as dt

import plotly.graph_objects as go
from django.utils import timezone
from django.utils.translation import gettext as _

from startups.vocab import period_end

from . import selectors
from .periods import periods_between
from .reporting_lag import (
    INCOMPLETE_BELOW,
    MIN_PAIRS,
    PeriodEstimate,
    announce_report_pairs,
    incomplete_periods,
    reporting_lags,
)

SHADE = "rgba(128,128,128,0.16)"
# The shading's own y axis, 0 to 1 over the plot, so that it spans any value axis (log too).
SHADE_AXIS = "y9"


def _estimate_text(estimate: PeriodEstimate, pairs: int) -> str:
    return _(
        "~%(share)s%% of rounds for this period likely reported so far, from %(pairs)s "
        "announce/report pairs"
    ) % {"share": round(100 * estimate.completeness), "pairs": pairs}


def shade_incomplete(
    figure: go.Figure,
    lags: list[int],
    kind: str,
    first: dt.date | None,
    as_of: dt.date,
    categories: list[dt.date] | None = None,
) -> list[str]:
    """Shade the periods of `kind` from `first` to `as_of` that are probably incomplete;
    return the coverage lines that explain the shading (or its absence).

    On a date axis each period is a shaded band that shows the estimate on hover; on a
    category axis (`categories`: the start of each bar's period, in order) the band is a
    shape and the estimate is added to the hover text of the bars of that period.
    """
    if len(lags) < MIN_PAIRS:
        note = _(
            "Too few announce/report pairs (%(pairs)s; %(minimum)s needed) to estimate how "
            "complete the latest periods are."
        ) % {"pairs": len(lags), "minimum": MIN_PAIRS}
        # In the chart's coverage notes, not on the plot: a phone's width cuts an annotation.
        return [note]
    if categories is not None:
        periods = [(start, period_end(start, kind)) for start in categories]
    else:
        periods = periods_between(kind, first, as_of) if first else []
    estimates = incomplete_periods(lags, periods, as_of)
    if not estimates:
        return []
    if categories is None:
        _shade_dates(figure, estimates, len(lags))
    else:
        _shade_categories(figure, estimates, len(lags), categories)
    return [
        _(
            "Shaded: periods in which fewer than %(threshold)s%% of rounds are likely "
            "reported yet, from the lag between announcement and first report of %(pairs)s "
            "rounds."
        )
        % {"threshold": round(100 * INCOMPLETE_BELOW), "pairs": len(lags)}
    ]


def _shade_dates(figure: go.Figure, estimates: list[PeriodEstimate], pairs: int) -> None:
    figure.update_layout(
        {f"yaxis{SHADE_AXIS[1:]}": {"overlaying": "y", "range": [0, 1], "visible": False}}
    )
    for index, estimate in enumerate(estimates):
        start = estimate.start.isoformat()
        end = (estimate.end + dt.timedelta(days=1)).isoformat()
        figure.add_trace(
            go.Scatter(
                x=[start, end, end, start, start],
                y=[0, 0, 1, 1, 0],
                yaxis=SHADE_AXIS,
                mode="lines",
                fill="toself",
                fillcolor=SHADE,
                line={"width": 0},
                hoveron="fills",
                hoverinfo="text",
                text=_estimate_text(estimate, pairs),
                name=_("probably incomplete (reporting lag)"),
                legendgroup="incomplete",
                showlegend=index == 0,
            )
        )


def _shade_categories(
    figure: go.Figure, estimates: list[PeriodEstimate], pairs: int, starts: list[dt.date]
) -> None:
    position = {start: index for index, start in enumerate(starts)}
    for estimate in estimates:
        index = position[estimate.start]
        figure.add_shape(
            type="rect",
            xref="x",
            yref="paper",
            x0=index - 0.5,
            x1=index + 0.5,
            y0=0,
            y1=1,
            fillcolor=SHADE,
            line={"width": 0},
            layer="below",
        )
        for trace in figure.data:
            if isinstance(trace, go.Bar) and trace.hovertext and index < len(trace.hovertext):
                texts = list(trace.hovertext)
                texts[index] += "<br>" + _estimate_text(estimate, pairs)
                trace.hovertext = texts


def lags_for(status: dict) -> list[int]:
    """The reporting lags of the data the figures were computed from, once per refresh."""

    def compute() -> list[int]:
        return reporting_lags(announce_report_pairs())

    if status["computed_at"] is None:
        return compute()
    return selectors.cached(status["generation"], "reporting-lags", compute)


def computed_day(status: dict) -> dt.date:
    """The day the figures were computed (today before the first refresh): charts run to it."""
    return (status["computed_at"] or timezone.now()).date()


def shade_chart(
    figure: go.Figure,
    status: dict,
    kind: str,
    first: dt.date | None,
    categories: list[dt.date] | None = None,
) -> list[str]:
    """shade_incomplete with the data's own lags, as of the day the figures were computed."""
    return shade_incomplete(figure, lags_for(status), kind, first, computed_day(status), categories)
