"""The products page's chart: China's published counts of generative-AI services over time,
each point with its bound and its source, beside the products tracked here. Same conventions
as dashboards.charts (a click on a published point opens its source)."""

import datetime as dt

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from deals.vocab import metric_label
from startups.vocab import Qualifier

from .chart_text import escape
from .charts import OKABE_ITO, YEAR_AXIS, base_figure
from .formatting import metric_value, percent
from .product_selectors import NATIONAL_METRICS

# A bound reads in the marker's shape too: a triangle points the way the true figure lies.
BOUND_SYMBOLS = {
    Qualifier.EXACT: "circle",
    Qualifier.APPROX: "diamond",
    Qualifier.AT_LEAST: "triangle-up",
    Qualifier.AT_MOST: "triangle-down",
}
NATIONAL_COLOURS = dict(
    zip(NATIONAL_METRICS, (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3]), strict=True)
)
TRACKED_COLOUR = OKABE_ITO[2]
# Counts from a few tracked products to hundreds of national services: a log axis shows both.
LOG_TICKS = [1, 3, 10, 30, 100, 300, 1000, 3000]


def point_hover(point: dict) -> str:
    citations = point["citations"]
    sources = "; ".join(escape(c.text) for c in citations)
    return "<br>".join(
        [
            _("<b>%(figure)s</b>: %(value)s by %(date)s")
            % {
                "figure": escape(metric_label(point["metric"])),
                "value": metric_value(point["value"], point["unit"], point["qualifier"]),
                "date": point["date"].isoformat(),
            },
            _("Tracked here by then: %(count)s products, %(share)s of it")
            % {
                "count": point["tracked"],
                "share": percent(point["share"], 1, point["share_qualifier"]),
            },
            _("Source: %(sources)s") % {"sources": sources},
            _("Click to open the source"),
        ]
    )


def national_trace(metric: str, points: list[dict]) -> go.Scatter:
    return go.Scatter(
        x=[p["date"].isoformat() for p in points],
        y=[float(p["value"]) for p in points],
        name=escape(metric_label(metric)),
        mode="lines+markers" if len(points) > 1 else "markers",
        line={"color": NATIONAL_COLOURS[metric], "width": 2},
        marker={
            "symbol": [BOUND_SYMBOLS.get(p["qualifier"], "circle") for p in points],
            "size": 11,
            "color": NATIONAL_COLOURS[metric],
            "line": {"width": 1, "color": "#000000"},
        },
        hovertext=[point_hover(p) for p in points],
        hoverinfo="text",
        customdata=[p["citations"][0].url if p["citations"] else "" for p in points],
    )


def tracked_trace(points: list[dict], today: dt.date) -> go.Scatter:
    """The products tracked here, a step up at each day one counts from, held to today."""
    x = [p["date"].isoformat() for p in points]
    y = [p["cumulative"] for p in points]
    hover = [
        _("%(count)s products tracked here by %(date)s")
        % {"count": p["cumulative"], "date": p["date"].isoformat()}
        for p in points
    ]
    links = [
        f"{reverse('dashboards:products')}?{urlencode({'until': p['date'].isoformat()})}"
        for p in points
    ]
    if points and today > points[-1]["date"]:
        x.append(today.isoformat())
        y.append(points[-1]["cumulative"])
        hover.append(hover[-1])
        links.append(reverse("dashboards:products"))
    return go.Scatter(
        x=x,
        y=y,
        name=_("products tracked here"),
        mode="lines+markers",
        line={"shape": "hv", "color": TRACKED_COLOUR, "width": 2},
        marker={"size": [6] * len(points) + [0] * (len(x) - len(points))},
        hovertext=hover,
        hoverinfo="text",
        customdata=links,
    )


def filings(data: dict, status: dict, today: dt.date) -> go.Figure:
    """The national series (filed, approved, on the market) and the tracked products."""
    figure = base_figure(
        _("Generative-AI services filed in China, beside the products tracked here"),
        _("count, log scale; ▲ a lower bound (“more than”)"),
        status,
        yaxis={
            "type": "log",
            "tickvals": LOG_TICKS,
            "ticktext": [str(t) for t in LOG_TICKS],
        },
        xaxis=YEAR_AXIS,
    )
    for metric in NATIONAL_METRICS:
        if points := data["series"][metric]:
            figure.add_trace(national_trace(metric, points))
    if data["tracked"]["points"]:
        figure.add_trace(tracked_trace(data["tracked"]["points"], today))
    return figure
