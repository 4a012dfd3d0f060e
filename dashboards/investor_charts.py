"""Investor charts: capital of the rounds joined, split into cash and compute credits, and
the co-investment matrix. Same conventions as dashboards.charts."""

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.translation import gettext as _

from .chart_text import label, shorten, wrap_label
from .charts import OKABE_ITO, base_figure, money_ticks
from .formatting import money

# Room for a name beside a capital bar or a matrix row, in columns (a Chinese character
# takes two): a phone's chart has about 330 px for the names and the bars or cells.
BAR_LABEL_COLUMNS = 28
MATRIX_LABEL_COLUMNS = 14
# Light to dark blue (Okabe and Ito's blue at the dark end): more startups, darker; plotly
# writes each cell's count in black or white, whichever reads on its colour.
HOVER_NAMES_PER_LINE = 3
MATRIX_COLOURS = [[0.0, "#D6E9F8"], [1.0, "#0072B2"]]


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


def co_investment_matrix(data: dict, status: dict) -> go.Figure:
    """The top investors in rows and columns; a cell, the startups the two backed together,
    coloured by their count and written in it, the startups named on hover; a click opens
    the pair's page. Empty where two never met."""
    investors, pairs = data["investors"], {}
    for pair in data["pairs"]:
        pairs[pair["investor_a_id"], pair["investor_b_id"]] = pair
        pairs[pair["investor_b_id"], pair["investor_a_id"]] = pair
    names = [label(investor) for investor in investors]
    counts, hover, links = [], [], []
    for row in investors:
        counts.append([])
        hover.append([])
        links.append([])
        for column in investors:
            pair = pairs.get((row["id"], column["id"]))
            counts[-1].append(pair["shared_startups"] if pair else None)
            hover[-1].append(_cell_hover(row, column, pair) if pair else "")
            links[-1].append(
                reverse("dashboards:investor-pair", args=[row["slug"], column["slug"]])
                if pair
                else ""
            )
    places = list(range(len(investors)))
    names_axis = {
        "tickmode": "array",
        "tickvals": places,
        "ticktext": [shorten(name, MATRIX_LABEL_COLUMNS) for name in names],
        "showgrid": False,
        "zeroline": False,
        "automargin": True,
        "fixedrange": True,
        "tickfont": {"size": 11},
    }
    figure = base_figure(
        _("Startups backed together, by pair of investors"),
        _("count of startups; the top %(count)s investors by deals") % {"count": len(investors)},
        status,
        # Every name written (no tick skipped). Column names slant up to their column, so
        # that the last one stays inside the figure, steeply enough that neighbours keep
        # apart in a phone's columns (at -45 degrees they touched), or stand upright.
        xaxis={**names_axis, "autotickangles": [-60, -90]},
        yaxis={**names_axis, "autorange": "reversed"},
        height=max(420, 34 * len(investors) + 200),
    )
    figure.add_trace(
        go.Heatmap(
            x=places,
            y=places,
            z=counts,
            zmin=1,
            colorscale=MATRIX_COLOURS,
            showscale=False,
            xgap=2,
            ygap=2,
            texttemplate="%{z}",
            textfont={"size": 11},
            hovertext=hover,
            hoverinfo="text",
            hoverongaps=False,
            customdata=links,
        )
    )
    return figure


def _cell_hover(row: dict, column: dict, pair: dict) -> str:
    shown = [label(startup) for startup in pair["startups"]]
    more = pair["shared_startups"] - len(shown)
    if more > 0:
        shown.append(_("and %(count)s more") % {"count": more})
    # A few names a line, so that the hover box stays narrower than a phone.
    lines = [
        shown[i : i + HOVER_NAMES_PER_LINE] for i in range(0, len(shown), HOVER_NAMES_PER_LINE)
    ]
    names = "<br>".join(", ".join(line) for line in lines)
    return _(
        "<b>%(first)s and %(second)s</b><br>%(startups)s startups backed together, "
        "%(rounds)s rounds together<br>%(names)s"
    ) % {
        "first": label(row),
        "second": label(column),
        "startups": pair["shared_startups"],
        "rounds": pair["shared_rounds"],
        "names": names,
    }
