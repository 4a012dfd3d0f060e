"""The overview's charts: for each, its data (cached per refresh generation), its figure
(cached per generation and language), its CSV table, its coverage and its sources."""

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from deals.models import ReportedMetric
from startups.sectors import DEFAULT_AI_DEFINITION, AiDefinition

from . import (
    chart_freshness,
    charts,
    investor_charts,
    matrix_selectors,
    page_selectors,
    pair_chart_views,
    selectors,
    unicorn_chart_views,
    unicorn_selectors,
)
from .citations import citations_of
from .formatting import NONE, local_name, money, percent
from .models import PeriodKind, ProductPeriodStat

DEFAULT_INVESTORS = ("alibaba", "tencent")
MAX_INVESTORS = 6  # one Okabe-Ito colour each, with room for the published figures
PRODUCTS_METRIC = "ai_model_products_on_market"


@dataclass(frozen=True)
class ChartFilters:
    investors: tuple[str, ...] = DEFAULT_INVESTORS
    period: str = "year"
    since: int | None = None
    until: int | None = None
    ai: str = DEFAULT_AI_DEFINITION

    def params(self) -> dict[str, Any]:
        """The query string that restores this view (defaults left out)."""
        params: dict[str, Any] = {}
        if self.investors != DEFAULT_INVESTORS:
            params["investor"] = list(self.investors)
        if self.period != "year":
            params["period"] = self.period
        if self.since:
            params["since"] = self.since
        if self.until:
            params["until"] = self.until
        if self.ai != DEFAULT_AI_DEFINITION:
            params["ai"] = self.ai
        return params

    def key(self) -> str:
        return f"{','.join(self.investors)}|{self.period}|{self.since}|{self.until}|{self.ai}"

    def days(self) -> dict[str, str]:
        """The years chosen as the rounds table's date filters (its since and until)."""
        return {
            "since": dt.date(self.since, 1, 1).isoformat() if self.since else "",
            "until": dt.date(self.until, 12, 31).isoformat() if self.until else "",
        }


@dataclass
class ChartView:
    """What a template needs to show one chart."""

    slug: str
    question: str
    title: str
    units: str
    figure_json: str
    traces: int
    csv_url: str
    sources_url: str
    external_sources: list[tuple[str, str]] = field(default_factory=list)
    # Pages of this site the chart leads to, beside the chart (its clicks lead there too).
    links: list[tuple[str, str]] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)


# Bump when the figures' code changes, so that a deploy does not serve figures cached by the
# previous code until the next refresh.
FIGURES_VERSION = 4


def cache_token(status: dict) -> str | None:
    """The refresh generation (which carries the refresh time, so a recreated database never
    reads another's entries) and the figures' code version. None (no caching) before the
    first refresh."""
    if status["computed_at"] is None:
        return None
    return f"{status['generation']}v{FIGURES_VERSION}"


def cached(status: dict, name: str, compute: Callable[[], Any], *key: Any) -> Any:
    token = cache_token(status)
    if token is None:
        return compute()
    return selectors.cached(token, name, compute, *key)


def today(status: dict) -> dt.date:
    return chart_freshness.computed_day(status)


# -- data: language-neutral, cached per generation ------------------------------------------


def _ai_share_data(f: ChartFilters) -> dict:
    investors = list(f.investors)
    return {
        "definition": f.ai,
        "series": page_selectors.ai_share_series(investors, f.period, f.since, f.until, f.ai),
        "published": page_selectors.published_figures(investors, f.ai),
    }


def _products_data(f: ChartFilters) -> dict:
    total = (
        ProductPeriodStat.objects.filter(period_kind=PeriodKind.QUARTER, startup__isnull=True)
        .order_by("-period_start")
        .values_list("cumulative", flat=True)
        .first()
    )
    market = [
        {
            "value": m.value,
            "qualifier": m.value_qualifier,
            "period_end": m.period_end,
            "citations": citations_of(sorted(m.sources.all(), key=lambda s: s.url)),
        }
        for m in ReportedMetric.objects.filter(metric=PRODUCTS_METRIC)
        .prefetch_related("sources")
        .order_by("period_end")
    ]
    return {"series": page_selectors.products_by_startup(), "tracked": total or 0, "market": market}


DATA: dict[str, Callable[[ChartFilters], Any]] = {
    "ai-share": _ai_share_data,
    "valuations": lambda f: unicorn_selectors.unicorn_valuations(),
    "unicorns": lambda f: unicorn_selectors.unicorn_counts(f.period),
    "capital": lambda f: page_selectors.capital_by_investor(f.since, f.until),
    "co-investments": lambda f: matrix_selectors.co_investment_matrix(),
    "products": _products_data,
}
# Which filters each chart depends on (the rest would only split the cache).
FILTER_KEYS: dict[str, Callable[[ChartFilters], str]] = {
    "ai-share": lambda f: f.key(),
    "valuations": lambda f: "",
    "unicorns": lambda f: f.period,
    "capital": lambda f: f"{f.since}|{f.until}",
    "co-investments": lambda f: "",
    "products": lambda f: "",
}
CHART_SLUGS = list(DATA)
QUESTIONS = {
    "ai-share": gettext_lazy("How much of each giant's deal-making goes to AI startups?"),
    "valuations": gettext_lazy("How fast did the AI unicorns' valuations climb?"),
    "unicorns": gettext_lazy("How many AI startups are valued at $1 billion or more?"),
    "capital": gettext_lazy("Who brings the most capital, and how much of it is compute?"),
    "co-investments": gettext_lazy("Do rivals back the same startups?"),
    "products": gettext_lazy("Who launches the most AI models and apps?"),
}


# What a chart's CSV holds beyond what the chart draws.
TABLE_DATA: dict[str, Callable[[ChartFilters], Any]] = {
    "unicorns": lambda f: unicorn_selectors.unicorn_counts(f.period, members=True),
    "co-investments": lambda f: matrix_selectors.co_investment_matrix(names=None),
}


def chart_data(slug: str, f: ChartFilters, status: dict) -> Any:
    return cached(status, f"page-{slug}", lambda: DATA[slug](f), FILTER_KEYS[slug](f))


def table_data(slug: str, f: ChartFilters, status: dict) -> Any:
    """The data of a chart's CSV: the chart's own, or more where the chart draws less."""
    if slug not in TABLE_DATA:
        return chart_data(slug, f, status)
    return cached(status, f"table-{slug}", lambda: TABLE_DATA[slug](f), FILTER_KEYS[slug](f))


# -- figures, coverage and sources: in the reader's language --------------------------------

DEFINITION_NOTES = {
    AiDefinition.BROAD: gettext_lazy(
        "AI here is the broad definition: foundation models, AI applications, other AI, "
        "embodied AI (robotics), AI chips and autonomous driving, and AI startups whose sector "
        "is not given."
    ),
    AiDefinition.CORE: gettext_lazy(
        "AI here is the core definition: foundation models, AI applications and other AI, and "
        "AI startups whose sector is not given; robotics, AI chips and autonomous driving are "
        "not counted."
    ),
}


def _period_text(start: dt.date | None, end: dt.date | None) -> str:
    """'2023' for a calendar year, else '2023-01-01 to 2024-08-21'."""
    calendar_year = start and end and start.year == end.year
    if calendar_year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    return _("%(start)s to %(end)s") % {
        "start": start.isoformat() if start else "…",
        "end": end.isoformat() if end else "…",
    }


def _ai_share_view(data: dict, f: ChartFilters, status: dict) -> dict:
    series, published = data["series"], data["published"]
    names = {s["slug"]: local_name(s) for s in series}
    coverage = [str(DEFINITION_NOTES[data["definition"]])]
    for entry in series:
        line = _("%(name)s: %(count)s deals tracked, %(disclosed)s with a disclosed amount.") % {
            "name": names[entry["slug"]],
            "count": sum(p["deals_total"] for p in entry["points"]),
            "disclosed": sum(p["deals_disclosed"] for p in entry["points"]),
        }
        counts = [
            _("%(published)s in %(period)s (%(tracked)s tracked here)")
            % {
                "published": f"{row['value']:.0f}",
                "period": _period_text(row["period_start"], row["period_end"]),
                "tracked": row["deals_tracked"],
            }
            for row in published["deal_counts"]
            if row["investor"] == entry["slug"] and row["period_start"] and row["period_end"]
        ]
        if counts:
            line += " " + _("Published deal counts: %(counts)s.") % {"counts": "; ".join(counts)}
        coverage.append(line)
    for row in published["shares"]:
        share = (
            percent(Decimal(row["deals_ai"]) / row["deals_tracked"])
            if row["deals_tracked"]
            else NONE
        )
        coverage.append(
            _(
                "Published: %(value)s of %(name)s's deals in AI startups (%(period)s); "
                "tracked here over the same window, from its first day to its last: "
                "%(share)s of %(count)s deals."
            )
            % {
                "value": f"{row['value']:.0f}%",
                "name": names.get(row["investor"], row["subject"]),
                "period": _period_text(row["period_start"], row["period_end"]),
                "share": share,
                "count": row["deals_tracked"],
            }
        )
    rows = published["shares"] + published["deal_counts"]
    cited = dict.fromkeys(citation for row in rows for citation in row["citations"])
    external = [(_("Published figures (%(source)s)") % {"source": c.text}, c.url) for c in cited]
    figure = charts.ai_share(series, published, f.period, status, data["definition"])
    starts = [p["period_start"] for s in series for p in s["points"]]
    coverage += chart_freshness.shade_chart(figure, status, f.period, min(starts, default=None))
    return {
        "figure": figure,
        "coverage": coverage,
        "sources_url": charts.rounds_url(investor=list(f.investors), **f.days()),
        "external": external,
    }


def _capital_view(data: list, f: ChartFilters, status: dict) -> dict:
    with_credits = [local_name(r) for r in data if r["credits_usd"]]
    coverage = [
        _(
            "Whole rounds: each investor in a round is credited with all of it, as the rounds "
            "do not say who paid what."
        ),
        _("Compute credits disclosed for: %(names)s.") % {"names": ", ".join(with_credits)}
        if with_credits
        else _("No compute credits disclosed for these investors."),
    ]
    return {
        "figure": investor_charts.capital(data, status),
        "coverage": coverage,
        # The rounds the bars sum: those the charted investors joined in the years chosen.
        "sources_url": charts.rounds_url(investor=[r["slug"] for r in data], **f.days()),
    }


def _products_view(data: dict, f: ChartFilters, status: dict) -> dict:
    coverage = [
        _("%(count)s model products and apps tracked, with launch dates.")
        % {"count": data["tracked"]}
    ]
    external = []
    for row in data["market"]:
        coverage.append(
            _("Published: %(value)s products on China's market by %(date)s.")
            % {
                "value": ("≥ " if row["qualifier"] == "at_least" else "") + f"{row['value']:.0f}",
                "date": row["period_end"].isoformat() if row["period_end"] else NONE,
            }
        )
        external += [
            (_("Published count of products (%(source)s)") % {"source": c.text}, c.url)
            for c in row["citations"]
        ]
    return {
        "figure": charts.products(data["series"], status, today(status)),
        "coverage": coverage,
        "sources_url": reverse("dashboards:startups") + "?products=1",
        "external": external,
    }


VIEWS = {
    "ai-share": _ai_share_view,
    "valuations": unicorn_chart_views.valuations_view,
    "unicorns": unicorn_chart_views.unicorns_view,
    "capital": _capital_view,
    "co-investments": pair_chart_views.co_investments_view,
    "products": _products_view,
}
UNITS = {
    "ai-share": gettext_lazy("percent"),
    "valuations": gettext_lazy("USD"),
    "unicorns": gettext_lazy("count"),
    "capital": gettext_lazy("USD"),
    "co-investments": gettext_lazy("count"),
    "products": gettext_lazy("count"),
}


def chart_view(slug: str, f: ChartFilters, status: dict) -> ChartView:
    def build() -> ChartView:
        built = VIEWS[slug](chart_data(slug, f, status), f, status)
        figure = built["figure"]
        query = urlencode(f.params(), doseq=True)
        return ChartView(
            slug=slug,
            question=str(QUESTIONS[slug]),
            title=html.unescape(figure.layout.title.text),
            units=str(UNITS[slug]),
            figure_json=charts.figure_json(figure),
            traces=charts.trace_count(figure),
            csv_url=reverse("dashboards:chart-csv", args=[slug]) + (f"?{query}" if query else ""),
            sources_url=built["sources_url"],
            external_sources=built.get("external", []),
            links=built.get("links", []),
            coverage=built["coverage"],
        )

    return cached(status, f"page-view-{slug}", build, get_language(), FILTER_KEYS[slug](f))


def headline(status: dict) -> dict:
    """The headline figures; "unicorns now" counts the unicorns of the calendar day (UTC, as
    the unicorn periods run), so it is cached per day too."""
    day = timezone.now().date()
    figures = cached(status, "page-headline", lambda: page_selectors.headline(day), day)
    return {
        **figures,
        "capital_text": money(figures["capital_usd"], "USD", figures["capital_qualifier"]),
        "credits_text": money(figures["credits_usd"], "USD", figures["credits_qualifier"])
        if figures["credits_usd"] is not None
        else None,
        "credits_base_text": money(
            figures["credits_base_usd"], "USD", figures["credits_base_qualifier"]
        ),
        "credits_share_text": percent(
            figures["credits_share"], 1, figures["credits_share_qualifier"]
        ),
    }
