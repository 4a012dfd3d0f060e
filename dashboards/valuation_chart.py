"""The valuation chart: each startup's valuations as a step line on a log axis, a marker per
round or report, the last one carried forward to today or to the listing.

A valuation is evidence at its date: where it is carried forward past
VALUATION_STALE_AFTER_MONTHS with no newer one (dashboards.staleness), that part of the line
is drawn faded and dashed, with its own legend entry. Same conventions as dashboards.charts.
"""

import datetime as dt

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.translation import gettext as _

from startups.vocab import QUALIFIER_SIGNS, format_partial_date

from .chart_text import escape, label
from .charts import OKABE_ITO, YEAR_AXIS, base_figure, money_ticks, rounds_url
from .formatting import NONE, money, valuation_kind
from .staleness import stale_after_months, stale_from

STALE_OPACITY = 0.45


def _valuation_hover(entry: dict, point: dict) -> str:
    sign = QUALIFIER_SIGNS.get(point["qualifier"], "").strip() or "="
    leads = ", ".join(label(lead) for lead in point["leads"]) or _("not disclosed")
    what = (
        escape(point["round"])
        if point["round"]
        else _("valuation report (%(kind)s)") % {"kind": valuation_kind(point["kind"])}
    )
    sources = "<br>".join(escape(c.text) for c in point["citations"][:2]) or NONE
    return _(
        "<b>%(name)s</b> %(date)s<br>%(what)s: %(value)s (qualifier %(sign)s)<br>"
        "Lead: %(leads)s<br>Source: %(sources)s"
    ) % {
        "name": label(entry),
        "date": format_partial_date(point["date"], point["date_precision"]),
        "what": what,
        "value": money(point["valuation_usd"], "USD", point["qualifier"]),
        "sign": sign,
        "leads": leads,
        "sources": sources,
    }


def _stale_hover(entry: dict, point: dict, since: dt.date, months: int) -> str:
    return _(
        "<b>%(name)s</b>: %(value)s as of %(date)s, no newer valuation for over %(months)s "
        "months (stale since %(since)s)"
    ) % {
        "name": label(entry),
        "value": money(point["valuation_usd"], "USD", point["qualifier"]),
        "date": format_partial_date(point["date"], point["date_precision"]),
        "months": months,
        "since": since.isoformat(),
    }


def point_url(entry: dict, point: dict) -> str:
    if point["round_id"]:
        return rounds_url(startup=entry["slug"]) + f"#round-{point['round_id']}"
    return reverse("dashboards:startup", args=[entry["slug"]]) + f"#mark-{point['mark_id']}"


def stale_spans(
    points: list[dict], end: dt.date, months: int
) -> list[tuple[int, dt.date, dt.date]]:
    """(point index, stale from, until) of each valuation carried forward past the horizon:
    until the next valuation, or `end` for the last one."""
    spans = []
    for index, point in enumerate(points):
        until = points[index + 1]["date"] if index + 1 < len(points) else end
        since = stale_from(point["date"], point["date_precision"], months)
        if since < until:
            spans.append((index, since, until))
    return spans


def _symbol(point: dict) -> str:
    if point["qualifier"] == "at_least":
        return "triangle-up"
    return "circle-open" if point["qualifier"] == "approx" else "circle"


def valuations(series: list[dict], status: dict, today: dt.date, title: str = "") -> go.Figure:
    """Valuation histories as step lines on a log axis, a marker per round or report."""
    top = max((float(p["valuation_usd"]) for s in series for p in s["points"]), default=0)
    figure = base_figure(
        title or _("Valuations of China's AI unicorns"),
        _("USD, log scale"),
        status,
        yaxis={"type": "log", "automargin": True, **money_ticks(top, log=True)},
        xaxis=YEAR_AXIS,
    )
    months = stale_after_months()
    stale_shown = False
    for index, entry in enumerate(series):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        points = entry["points"]
        end = min(entry["ipo_date"] or today, today)
        spans = {i: (since, until) for i, since, until in stale_spans(points, end, months)}
        last = points[-1]
        # The last valuation holds until today, or until the listing: dotted while fresh.
        fresh_until = min(spans[len(points) - 1][0], end) if len(points) - 1 in spans else end
        if fresh_until > last["date"]:
            figure.add_trace(
                go.Scatter(
                    x=[last["date"].isoformat(), fresh_until.isoformat()],
                    y=[float(last["valuation_usd"])] * 2,
                    mode="lines",
                    line={"color": colour, "width": 2, "dash": "dot"},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=entry["slug"],
                )
            )
        figure.add_trace(_history_trace(entry, points, spans, colour))
        if spans:
            figure.add_trace(_stale_trace(entry, points, spans, colour, months, not stale_shown))
            stale_shown = True
    figure.add_hline(
        y=1e9,
        line={"width": 1, "dash": "dash", "color": "#999999"},
        annotation_text=_("$1B"),
        annotation_position="bottom right",
    )
    return figure


def _history_trace(entry: dict, points: list[dict], spans: dict, colour: str) -> go.Scatter:
    """The fresh part of the step line, with the markers: broken where a valuation turns
    stale before the next one (the stale part is its own trace)."""
    x, y, sizes, symbols, hover, links = [], [], [], [], [], []
    for index, point in enumerate(points):
        value, text = float(point["valuation_usd"]), _valuation_hover(entry, point)
        url = point_url(entry, point)
        x.append(point["date"].isoformat())
        y.append(value)
        sizes.append(9)
        symbols.append(_symbol(point))
        hover.append(text)
        links.append(url)
        if index in spans and index + 1 < len(points):
            # To where it turns stale, then a gap.
            x += [spans[index][0].isoformat(), None]
            y += [value, None]
            sizes += [0, 0]
            symbols += ["circle", "circle"]
            hover += [text, ""]
            links += [url, ""]
    return go.Scatter(
        x=x,
        y=y,
        name=label(entry),
        mode="lines+markers",
        line={"shape": "hv", "color": colour, "width": 2},
        marker={"size": sizes, "symbol": symbols},
        hovertext=hover,
        hoverinfo="text",
        customdata=links,
        legendgroup=entry["slug"],
        connectgaps=False,
    )


def _stale_trace(
    entry: dict, points: list[dict], spans: dict, colour: str, months: int, legend: bool
) -> go.Scatter:
    """Each valuation's stale stretch, faded and dashed: from the day it turns stale to the
    next valuation (stepping to it) or to the end."""
    x, y, hover = [], [], []
    for index, (since, until) in sorted(spans.items()):
        value = float(points[index]["valuation_usd"])
        text = _stale_hover(entry, points[index], since, months)
        x += [since.isoformat(), until.isoformat()]
        y += [value, value]
        hover += [text, text]
        if index + 1 < len(points):
            x.append(until.isoformat())
            y.append(float(points[index + 1]["valuation_usd"]))
            hover.append(text)
        x.append(None)
        y.append(None)
        hover.append("")
    return go.Scatter(
        x=x,
        y=y,
        name=_("stale: no newer valuation for over %(months)s months") % {"months": months},
        mode="lines",
        line={"color": colour, "width": 2, "dash": "dash"},
        opacity=STALE_OPACITY,
        hovertext=hover,
        hoverinfo="text",
        legendgroup="stale",
        showlegend=legend,
        connectgaps=False,
    )
