"""Investor charts: capital of the rounds joined, split into cash and compute credits, and
the co-investment network. Same conventions as dashboards.charts."""

import math

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.translation import gettext as _

from .chart_text import label, shorten, wrap_label
from .charts import OKABE_ITO, TITLED_TOP_MARGIN, base_figure, money_ticks
from .formatting import money
from .network import circle_layout, label_position

CORPORATE = "#D55E00"
OTHER_INVESTOR = "#56B4E9"
# Room for a name beside a network node or a capital bar, in columns (a Chinese character
# takes two): a phone's chart has about 330 px for both sides of the circle, or for names
# and bars.
NODE_LABEL_COLUMNS = 20
BAR_LABEL_COLUMNS = 28


def capital(rows: list[dict], status: dict, title: str | None = None) -> go.Figure:
    """Whole rounds joined per investor, the compute credits in them picked out."""
    rows = list(reversed(rows))  # largest on top of a horizontal bar chart
    names = [label(r) for r in rows]
    hover = [
        _(
            "<b>%(name)s</b><br>Rounds joined: %(capital)s (%(disclosed)s of %(deals)s deals "
            "disclosed)<br>Compute credits: %(credits)s<br>Own contribution disclosed: %(own)s"
        )
        % {
            "name": name,
            "capital": money(r["capital_usd"], "USD", r["capital_qualifier"]),
            "disclosed": r["deals_disclosed"],
            "deals": r["deals"],
            "credits": money(r["credits_usd"], "USD", r["credits_qualifier"])
            if r["credits_usd"] is not None
            else _("none disclosed"),
            "own": money(r["own_usd"], "USD", r["own_qualifier"])
            if r["own_usd"] is not None
            else _("none"),
        }
        for name, r in zip(names, rows, strict=True)
    ]
    return cash_and_credits(
        rows,
        hover,
        [reverse("dashboards:investor", args=[r["slug"]]) for r in rows],
        base_figure(
            title or _("Capital of rounds joined, by investor"),
            _("USD; whole rounds, so co-investors share the same money"),
            status,
        ),
    )


def cash_and_credits(
    rows: list[dict], hover: list[str], links: list[str], figure: go.Figure
) -> go.Figure:
    """Horizontal bars of `rows` (bottom to top), each capital split into its compute credits
    and the rest (cash, or a form not disclosed): `capital_usd` and `credits_usd`, with
    `name_en`/`name_zh`, drawn on `figure` with one hover text and link per row."""
    names = [label(r) for r in rows]
    credits = [float(r["credits_usd"] or 0) for r in rows]
    rest = [max(float(r["capital_usd"] or 0) - c, 0) for r, c in zip(rows, credits, strict=True)]
    figure.update_layout(
        barmode="stack",
        xaxis=money_ticks(max((r + c for r, c in zip(rest, credits, strict=True)), default=0)),
        # Names wrapped onto two lines leave the bars room on a phone; rows tall enough
        # for two lines.
        yaxis={
            "automargin": True,
            "tickvals": names,
            "ticktext": [wrap_label(n, BAR_LABEL_COLUMNS) for n in names],
        },
        height=max(360, 34 * len(rows) + 140),
    )
    figure.add_trace(
        go.Bar(
            y=names,
            x=rest,
            orientation="h",
            name=_("cash, or form not disclosed"),
            marker={"color": OKABE_ITO[0]},
            hovertext=hover,
            hoverinfo="text",
            customdata=links,
        )
    )
    figure.add_trace(
        go.Bar(
            y=names,
            x=credits,
            orientation="h",
            name=_("compute credits"),
            marker={"color": OKABE_ITO[1]},
            hovertext=hover,
            hoverinfo="text",
            customdata=links,
        )
    )
    return figure


def network(data: dict, status: dict) -> go.Figure:
    """Investors as nodes sized by deals, an edge per pair that shares startups, thicker
    for more; the big corporates in their own colour and always named."""
    nodes, edges = data["nodes"], data["edges"]
    on_circle = circle_layout(
        [
            [n["id"] for n in nodes if n["kind"] == "corporate"],
            [n["id"] for n in nodes if n["kind"] != "corporate"],
        ]
    )
    # An ellipse in data units that looks round in a card wider than tall.
    position = {node: (x * 1.3, y * 0.9) for node, (x, y) in on_circle.items()}
    figure = base_figure(
        _("Who invests together"),
        _("node size: deals; line width: startups backed together"),
        status,
        xaxis={"visible": False, "range": [-2.5, 2.5], "fixedrange": True},
        yaxis={"visible": False, "range": [-1.05, 1.05], "fixedrange": True},
        height=600,
        margin={"l": 8, "r": 8, "t": TITLED_TOP_MARGIN, "b": 48},  # no axes to label
        showlegend=True,
    )
    heaviest = max((e["shared_startups"] for e in edges), default=1)
    corporates = {n["id"] for n in nodes if n["kind"] == "corporate"}
    # One trace per line width (plotly sets width per trace); pairs of big corporates in
    # their colour, drawn last so that they stay on top.
    buckets: dict[tuple[bool, int], list] = {}
    for edge in edges:
        width = 1 + round(3 * (edge["shared_startups"] - 1) / max(heaviest - 1, 1))
        rivals = edge["investor_a_id"] in corporates and edge["investor_b_id"] in corporates
        buckets.setdefault((rivals, width), []).append(edge)
    for rivals, width in sorted(buckets):
        x, y = [], []
        for edge in buckets[rivals, width]:
            (x0, y0), (x1, y1) = position[edge["investor_a_id"]], position[edge["investor_b_id"]]
            x += [x0, x1, None]
            y += [y0, y1, None]
        colour = "rgba(213,94,0,0.55)" if rivals else "rgba(128,128,128,0.35)"
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line={"width": width * 0.9, "color": colour},
            )
        )
    biggest = max((n["deals"] for n in nodes), default=1)
    for corporate in (True, False):
        group = [n for n in nodes if (n["kind"] == "corporate") == corporate]
        if not group:
            continue
        figure.add_trace(
            go.Scatter(
                x=[position[n["id"]][0] for n in group],
                y=[position[n["id"]][1] for n in group],
                mode="markers+text",
                text=[shorten(label(n), NODE_LABEL_COLUMNS) for n in group],
                textposition=[label_position(on_circle[n["id"]]) for n in group],
                textfont={"size": 11 if corporate else 10},
                name=_("big corporate investors") if corporate else _("other investors"),
                marker={
                    "size": [8 + 22 * math.sqrt(n["deals"] / biggest) for n in group],
                    "color": CORPORATE if corporate else OTHER_INVESTOR,
                    "line": {"width": 1, "color": "#ffffff"},
                    "symbol": "diamond" if corporate else "circle",
                },
                hovertext=[
                    _(
                        "<b>%(name)s</b><br>%(deals)s deals, %(ai)s in AI<br>"
                        "co-invests with %(partners)s of these investors"
                    )
                    % {
                        "name": label(n),
                        "deals": n["deals"],
                        "ai": n["deals_ai"],
                        "partners": n["partners"],
                    }
                    for n in group
                ],
                hoverinfo="text",
                customdata=[reverse("dashboards:investor", args=[n["slug"]]) for n in group],
            )
        )
    return figure
