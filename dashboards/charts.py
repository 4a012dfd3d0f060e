"""Plotly figures built in Python from the page selectors' data.

Every figure carries its title and units (so that its PNG explains itself), hover text in the
reader's language, and per point the URL of what the point stands for (`customdata`), which
static/js/charts.js opens on click. Colours are Okabe and Ito's, safe for colour-blind readers;
text and grid colours follow the light or dark theme in charts.js.
"""

import datetime as dt
import math
from decimal import Decimal

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from startups.sectors import DEFAULT_AI_DEFINITION, AiDefinition
from startups.vocab import format_partial_date

from .chart_text import escape, label
from .formatting import NONE, money, percent
from .models import NAMED_CHANGES
from .staleness import stale_after_months

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
# Dates on a time axis, labelled by year only (periods are years or quarters).
# Names listed in one hover box; the CSV of the chart has them all.
HOVER_NAMES = NAMED_CHANGES
YEAR_AXIS = {"type": "date", "tickformat": "%Y", "dtick": "M12"}
# Pixels above the title, where plotly draws its toolbar (the modebar, 25 px tall), and the
# top margin that a one-line title and subtitle take below it.
TOOLBAR_ROW = 28
TITLED_TOP_MARGIN = 80
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans CJK SC', 'PingFang SC', sans-serif"


def freshness_note(status: dict) -> str:
    """How current a chart is: the latest event it includes (the headline "data as of")
    and when it was computed."""
    if status.get("computed_at") is None:
        return _("not computed yet")
    event = format_partial_date(status["latest_event_on"], status["latest_event_precision"])
    return _("data as of %(event)s (latest event) · recomputed %(computed)s") % {
        "event": event or NONE,
        "computed": status["computed_at"].date().isoformat(),
    }


def base_figure(title: str, units: str, status: dict, **layout) -> go.Figure:
    footnote = f"{units} · {freshness_note(status)}"
    figure = go.Figure(
        layout={
            "template": go.layout.Template(),
            # Below the toolbar's row, so that the toolbar never covers it; charts.js wraps a
            # long title to the chart's width and sets the top margin to the lines it takes.
            "title": {
                "text": escape(title),
                "subtitle": {"text": escape(footnote), "font": {"size": 11}},
                "x": 0,
                "xanchor": "left",
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                "pad": {"t": TOOLBAR_ROW, "l": 2},  # a Chinese glyph reaches 1 px left of x
                "font": {"size": 15},
            },
            "font": {"family": FONT, "size": 12},
            "colorway": OKABE_ITO,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "margin": {"l": 56, "r": 16, "t": TITLED_TOP_MARGIN, "b": 48},
            "hovermode": "closest",
            "legend": {"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
            **layout,
        }
    )
    return figure


def period_label(start: dt.date, kind: str) -> str:
    return format_partial_date(start, kind)


def period_end(start: dt.date, kind: str) -> dt.date:
    if kind == "year":
        return dt.date(start.year, 12, 31)
    month = start.month + 3
    following = dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def rounds_url(**params) -> str:
    query = urlencode({key: value for key, value in params.items() if value}, doseq=True)
    return f"{reverse('dashboards:rounds')}?{query}" if query else reverse("dashboards:rounds")


def money_ticks(top: float, log: bool = False) -> dict:
    """Axis ticks labelled as amounts in the reader's language ($1B, 10亿美元)."""
    if top <= 0:
        return {}
    if log:
        values = []
        for exponent in range(7, 14):
            for step in (1, 3):
                values.append(step * 10**exponent)
        return {"tickvals": values, "ticktext": [money(v) for v in values]}
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    values = [step * i for i in range(int(top // step) + 2)]
    return {"tickvals": values, "ticktext": [money(v) for v in values]}


AI_SHARE_TITLES = {
    AiDefinition.BROAD: gettext_lazy("AI share of deals (broad AI), by investor"),
    AiDefinition.CORE: gettext_lazy("AI share of deals (core AI), by investor"),
}


def ai_share(
    series: list[dict],
    published: dict,
    kind: str,
    status: dict,
    definition: str = DEFAULT_AI_DEFINITION,
) -> go.Figure:
    """AI share of each chosen investor's deals per period, AI as `definition` counts it,
    with the published figures as diamonds joined to the period they cover."""
    figure = base_figure(
        str(AI_SHARE_TITLES[definition]),
        _("percent of deals in AI startups"),
        status,
        yaxis={"tickformat": ".0%", "range": [-0.02, 1.05], "title": {"text": "%"}},
        xaxis=YEAR_AXIS,
    )
    colour = {s["slug"]: OKABE_ITO[i % len(OKABE_ITO)] for i, s in enumerate(series)}
    totals = {
        (row["investor"], row["period_start"].year): row
        for row in published["deal_counts"]
        if row["period_start"]
        and row["period_end"]
        and (row["period_start"].month, row["period_start"].day) == (1, 1)
        and row["period_end"] == dt.date(row["period_start"].year, 12, 31)
    }
    for entry in series:
        name = label(entry)
        x, y, hover, links = [], [], [], []
        for point in entry["points"]:
            start = point["period_start"]
            x.append(start.isoformat())
            y.append(float(point["ai_share"]) if point["ai_share"] is not None else None)
            text = _(
                "%(name)s, %(period)s: %(share)s in AI<br>%(ai)s of %(total)s deals tracked "
                "(%(disclosed)s with a disclosed amount)"
            ) % {
                "name": name,
                "period": period_label(start, kind),
                "share": percent(point["ai_share"]),
                "ai": point["deals_ai"],
                "total": point["deals_total"],
                "disclosed": point["deals_disclosed"],
            }
            total = totals.get((entry["slug"], start.year)) if kind == "year" else None
            if total:
                text += "<br>" + _("published total: %(count)s deals") % {
                    "count": f"{total['value']:.0f}"
                }
            hover.append(text)
            links.append(
                rounds_url(
                    investor=entry["slug"],
                    since=start.isoformat(),
                    until=period_end(start, kind).isoformat(),
                )
            )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=name,
                mode="lines+markers",
                hovertext=hover,
                hoverinfo="text",
                customdata=links,
                line={"color": colour[entry["slug"]], "width": 2},
                marker={"size": 8},
                legendgroup=entry["slug"],
            )
        )
    for row in published["shares"]:
        if not (row["period_start"] and row["period_end"]):
            continue
        owner = next((s for s in series if s["slug"] == row["investor"]), None)
        name = label(owner) if owner else escape(row["subject"])
        value = float(row["value"]) / 100
        tracked = (
            percent(Decimal(row["deals_ai"]) / row["deals_tracked"])
            if row["deals_tracked"]
            else NONE
        )
        text = _(
            "Published: %(value)s of %(name)s's deals in AI, %(start)s to %(end)s<br>"
            "%(notes)s<br>Tracked here over the same period: %(tracked)s "
            "(%(ai)s of %(count)s deals)<br>Click to open the source"
        ) % {
            "value": f"{row['value']:.0f}%",
            "name": name,
            "start": row["period_start"].isoformat(),
            "end": row["period_end"].isoformat(),
            "notes": escape(row["notes"]),
            "tracked": tracked,
            "ai": row["deals_ai"],
            "count": row["deals_tracked"],
        }
        source = row["source_urls"][0] if row["source_urls"] else ""
        figure.add_trace(
            go.Scatter(
                x=[row["period_start"].isoformat(), row["period_end"].isoformat()],
                y=[value, value],
                name=_("%(name)s, published") % {"name": name},
                mode="lines+markers",
                line={"color": colour.get(row["investor"], "#999999"), "dash": "dot", "width": 1.5},
                marker={
                    "symbol": "diamond",
                    "size": [0, 13],
                    "line": {"width": 1, "color": "#000000"},
                },
                hovertext=[text, text],
                hoverinfo="text",
                customdata=[source, source],
                legendgroup=row["investor"],
            )
        )
    return figure


def _named(startups: list[dict], count: int) -> str:
    """The first few names of a list of `count`; a hover box shows no more than a person can
    read."""
    names = ", ".join(label(s) for s in startups[:HOVER_NAMES])
    if count > HOVER_NAMES:
        names += " " + _("and %(count)s more") % {"count": count - HOVER_NAMES}
    return names


def unicorn_count(periods: list[dict], kind: str, status: dict) -> go.Figure:
    figure = base_figure(
        _("Number of AI unicorns"),
        _("count of startups valued at $1B or more, at each period's end"),
        status,
        yaxis={
            "rangemode": "tozero",
            "dtick": 1 if max((p["count"] for p in periods), default=0) <= 12 else None,
        },
        xaxis={"type": "category"},
        bargap=0.15,
        barmode="stack",
    )
    hover, stale_hover = [], []
    for period in periods:
        text = _("%(count)s unicorns on %(date)s") % {
            "count": period["count"],
            "date": period["period_end"].isoformat(),
        }
        for change, words in (("joined", _("joined: %(names)s")), ("left", _("left: %(names)s"))):
            if period[change]:
                names = _named(period[change], period[f"{change}_count"])
                text += "<br>" + words % {"names": names}
        hover.append(text)
        stale_hover.append(
            _(
                "%(stale)s of the %(count)s unicorns on %(date)s rest on a valuation older "
                "than %(months)s months: %(names)s"
            )
            % {
                "stale": period["stale"],
                "count": period["count"],
                "date": period["period_end"].isoformat(),
                "months": stale_after_months(),
                "names": _named(period["stale_first"], period["stale"]),
            }
        )
    x = [period_label(p["period_start"], kind) for p in periods]
    links = [
        f"{reverse('dashboards:startups')}?unicorn_at={p['period_end'].isoformat()}"
        for p in periods
    ]
    figure.add_trace(
        go.Bar(
            x=x,
            y=[p["count"] - p["stale"] for p in periods],
            name=_("unicorns"),
            marker={"color": OKABE_ITO[0]},
            hovertext=hover,
            hoverinfo="text",
            customdata=links,
        )
    )
    if any(p["stale"] for p in periods):
        figure.add_trace(
            go.Bar(
                x=x,
                y=[p["stale"] for p in periods],
                name=_("on a stale valuation (over %(months)s months old)")
                % {"months": stale_after_months()},
                marker={"color": OKABE_ITO[0], "opacity": 0.45, "pattern": {"shape": "/"}},
                hovertext=stale_hover,
                hoverinfo="text",
                customdata=links,
            )
        )
    return figure


def products(series: list[dict], status: dict, today: dt.date) -> go.Figure:
    figure = base_figure(
        _("AI model products launched, cumulative"),
        _("count of models and apps, per quarter"),
        status,
        yaxis={"rangemode": "tozero"},
        xaxis=YEAR_AXIS,
    )
    for index, entry in enumerate(series):
        points = entry["points"]
        x = [p["period_start"].isoformat() for p in points]
        y = [p["cumulative"] for p in points]
        hover = [
            _("%(name)s, %(period)s: %(new)s new, %(total)s in all")
            % {
                "name": label(entry),
                "period": period_label(p["period_start"], "quarter"),
                "new": p["new"],
                "total": p["cumulative"],
            }
            for p in points
        ]
        if today > points[-1]["period_start"]:
            x.append(today.isoformat())
            y.append(points[-1]["cumulative"])
            hover.append(hover[-1])
        url = reverse("dashboards:startup", args=[entry["slug"]]) + "#products"
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=label(entry),
                mode="lines+markers",
                line={"shape": "hv", "color": OKABE_ITO[index % len(OKABE_ITO)], "width": 2},
                marker={"size": [7] * len(points) + [0] * (len(x) - len(points))},
                hovertext=hover,
                hoverinfo="text",
                customdata=[url] * len(x),
            )
        )
    return figure


def figure_json(figure: go.Figure) -> str:
    """The figure as JSON that is safe inside <script type="application/json">."""
    return figure.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def trace_count(figure: go.Figure) -> int:
    return len(figure.data)
