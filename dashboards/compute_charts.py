"""The compute ledger's charts and their CSV tables: compute credits received per startup and
given per investor (cash beside credits, the capital chart's bars), and chips per generation
and year, each sum with its bound. Same conventions as dashboards.charts."""

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from startups.vocab import ratio_qualifier

from . import chart_tables, investor_charts
from .chart_text import escape, label
from .charts import OKABE_ITO, base_figure
from .chips import GENERATIONS, OTHER, generation_label
from .formatting import money, quantity

CHART_SLUGS = ("credits-startups", "credits-investors", "chips")
GENERATION_COLOURS = dict(zip([*GENERATIONS, OTHER], [*OKABE_ITO[:4], OKABE_ITO[7]], strict=True))


def cash_part(row: dict) -> tuple:
    """The capital less its compute credits, with the bound of the difference: the capital's
    bound holds, the credits' turns round (capital ≥ $1B less credits ≤ $400M is ≥ $600M)."""
    if row["capital_usd"] is None:
        return None, ""
    credits = row["credits_usd"] or 0
    return max(row["capital_usd"] - credits, 0), ratio_qualifier(
        row["capital_qualifier"], row["credits_qualifier"] if row["credits_usd"] else ""
    )


def credits_by_startup(rows: list[dict], status: dict) -> go.Figure:
    rows = list(reversed(rows))  # largest on top of a horizontal bar chart
    hover = []
    for row in rows:
        cash, cash_qualifier = cash_part(row)
        hover.append(
            _(
                "<b>%(name)s</b><br>Raised: %(capital)s (%(disclosed)s of %(rounds)s rounds "
                "disclosed)<br>Compute credits: %(credits)s (disclosed for %(credit_rounds)s of "
                "the rounds)"
                "<br>Cash, or form not disclosed: %(cash)s"
            )
            % {
                "name": label(row),
                "capital": money(row["capital_usd"], "USD", row["capital_qualifier"]),
                "disclosed": row["deals_disclosed"],
                "rounds": row["deals"],
                "credits": money(row["credits_usd"], "USD", row["credits_qualifier"]),
                "credit_rounds": row["credit_rounds"],
                "cash": money(cash, "USD", cash_qualifier),
            }
        )
    return investor_charts.cash_and_credits(
        rows,
        hover,
        [reverse("dashboards:startup", args=[r["slug"]]) + "#rounds" for r in rows],
        base_figure(
            _("Compute credits received, by startup"),
            _("USD; all the startup's rounds, the credits their sources disclose"),
            status,
        ),
    )


def credits_by_investor(rows: list[dict], status: dict) -> go.Figure:
    return investor_charts.capital(
        rows, status, title=_("Compute credits given, by investor (in the rounds joined)")
    )


def ledger_url(**params) -> str:
    query = urlencode({key: value for key, value in params.items() if value}, doseq=True)
    return reverse("dashboards:compute") + (f"?{query}" if query else "")


def chips(rows: list[dict], status: dict, filters: dict | None = None) -> go.Figure:
    """Stacked bars: chips named in each year's deals, one colour per generation; a bar's
    height is the quantities disclosed, its hover the bound of their sum and the deals
    without a quantity."""
    filters = filters or {}
    years = sorted({r["year"] for r in rows})
    figure = base_figure(
        _("Chips named in compute deals, by generation"),
        _("count of chips; a deal without a quantity is counted in the hover, not the bar"),
        status,
        barmode="stack",
        bargap=0.2,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [str(y) for y in years],
        },
        yaxis={"rangemode": "tozero", "title": {"text": _("chips")}},
    )
    for generation in [*GENERATIONS, OTHER]:
        points = [r for r in rows if r["generation"] == generation]
        if not points:
            continue
        name = generation_label(generation)
        figure.add_trace(
            go.Bar(
                x=[str(p["year"]) for p in points],
                y=[p["chips"] or 0 for p in points],
                name=name,
                marker={"color": GENERATION_COLOURS[generation]},
                hovertext=[chips_hover(name, p) for p in points],
                hoverinfo="text",
                customdata=[
                    ledger_url(
                        **{
                            **filters,
                            "generation": generation,
                            "since": f"{p['year']}-01-01",
                            "until": f"{p['year']}-12-31",
                        }
                    )
                    for p in points
                ],
            )
        )
    return figure


def chips_hover(name: str, point: dict) -> str:
    deals = ngettext("%(count)s deal", "%(count)s deals", point["deals"]) % {
        "count": point["deals"]
    }
    return _(
        "<b>%(generation)s, %(year)s</b><br>%(chips)s chips in %(deals)s "
        "(%(known)s with a quantity)<br>%(names)s"
    ) % {
        "generation": name,
        "year": point["year"],
        "chips": quantity(point["chips"], point["qualifier"]),
        "deals": deals,
        "known": point["with_quantity"],
        "names": escape("; ".join(point["chip_names"])) or _("chip not named"),
    }


def chart_table(slug: str, rows: list[dict]) -> tuple[list[str], list[list]]:
    """Each chart's data as CSV rows, bounds in qualifier columns beside their figures."""
    if slug == "credits-investors":
        return chart_tables.chart_table("capital", rows)
    if slug == "credits-startups":
        header = [
            "startup",
            "name_en",
            "name_zh",
            "capital_usd",
            "capital_qualifier",
            "compute_credits_usd",
            "compute_credits_qualifier",
            "cash_usd",
            "cash_qualifier",
            "rounds",
            "rounds_disclosed",
            "rounds_with_credits",
        ]
        return header, [
            [
                r["slug"],
                r["name_en"],
                r["name_zh"],
                r["capital_usd"],
                r["capital_qualifier"],
                r["credits_usd"],
                r["credits_qualifier"],
                *cash_part(r),
                r["deals"],
                r["deals_disclosed"],
                r["credit_rounds"],
            ]
            for r in rows
        ]
    if slug == "chips":
        header = [
            "year",
            "generation",
            "chips",
            "chips_qualifier",
            "deals",
            "deals_with_quantity",
            "chips_named",
        ]
        return header, [
            [
                r["year"],
                r["generation"],
                r["chips"],
                r["qualifier"],
                r["deals"],
                r["with_quantity"],
                ";".join(r["chip_names"]),
            ]
            for r in rows
        ]
    raise KeyError(slug)
