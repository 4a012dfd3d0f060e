"""The startups and investors directories, their CSV downloads of the rows shown, and a tag's
page (`/startups/?tag=little-ai-dragons`: the directory filtered to the tag, with the valuation
chart of just its startups)."""

from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from startups.identifiers import format_identifiers, identifiers_of
from startups.models import Tag
from startups.vocab import format_partial_date

from . import (
    chart_tables,
    charts,
    directory_selectors,
    directory_tables,
    overview,
    profile_selectors,
    valuation_chart,
)
from .chart_freshness import shade_chart
from .directory_tables import INVESTOR_SUMS
from .formatting import tag_name
from .forms import InvestorFilterForm, StartupFilterForm
from .models import PeriodKind
from .selectors import data_status
from .views import csv_response, filters_refused

STARTUPS_PER_PAGE = 50
INVESTORS_PER_PAGE = 50
CENT = Decimal("0.01")
SHARE = Decimal("0.000001")


def _exactly(value, step: Decimal) -> Decimal | None:
    """A figure computed by a subquery, to its column's decimals (SQLite sums and divides
    decimals as floats: 1038619868.06000)."""
    return None if value is None else Decimal(value).quantize(step)


def _startups(request: HttpRequest, status: dict) -> tuple[StartupFilterForm, dict, str, Page]:
    form = StartupFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    sort = form.value("sort", "name") if request.GET else "name"
    page = Paginator(directory_tables.startups_table(filters, sort), STARTUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = profile_selectors.directory_rows(
        list(page.object_list), "startup", overview.today(status)
    )
    return form, filters, sort, page


def _tag_chart(tag: Tag, status: dict) -> dict:
    """The valuation chart of a tag's startups, cached per data generation and language."""

    def build():
        series, valued = profile_selectors.tag_valuations(tag.slug)
        if not series:
            return None
        figure = valuation_chart.valuations(
            series,
            status,
            overview.today(status),
            title=_("Valuations of the %(tag)s") % {"tag": tag_name(tag)},
        )
        first = min(p["date"] for s in series for p in s["points"])
        shade_chart(figure, status, PeriodKind.QUARTER, first)
        return {
            "figure_json": charts.figure_json(figure),
            "traces": len(figure.data),
            "drawn": len(series),
            "valued": valued,
            "sources_url": charts.rounds_url(startup=[s["slug"] for s in series]),
            "csv_url": reverse("dashboards:tag-valuations-csv")
            + "?"
            + urlencode({"tag": tag.slug}),
        }

    return overview.cached(status, "page-tag-valuations", build, tag.slug, get_language())


@require_GET
def startups_page(request: HttpRequest) -> HttpResponse:
    status = data_status()
    form, filters, sort, page = _startups(request, status)
    tag = Tag.objects.filter(slug=filters["tag"]).first() if filters.get("tag") else None
    choices = overview.cached(status, "page-round-choices", directory_selectors.choice_lists)
    return render(
        request,
        "dashboards/startups.html",
        {
            "status": status,
            "form": form,
            "page": page,
            "sort": sort,
            "choices": choices,
            "tag": tag,
            "chart": _tag_chart(tag, status) if tag else None,
            "csv_url": reverse("dashboards:startups-csv") + "?" + form.valid_query(),
        },
    )


@require_GET
def tag_valuations_csv(request: HttpRequest) -> HttpResponse:
    """The points of a tag's valuation chart, as the chart draws them."""
    form = StartupFilterForm(request.GET)
    tag = form.value("tag")
    if refused := filters_refused(form):
        return refused
    if not tag:
        return HttpResponseBadRequest(_("Tag: name a tag.") + "\n", content_type="text/plain")
    series, _valued = profile_selectors.tag_valuations(tag)
    header, rows = chart_tables.chart_table("valuations", series)
    return csv_response(f"valuations-{tag}.csv", header, rows)


STARTUP_COLUMNS = [
    "slug",
    "name_en",
    "name_zh",
    "identifiers",
    "city",
    "founded",
    "status",
    "ipo_date",
    "sector",
    "latest_valuation_usd",
    "valuation_qualifier",
    "valuation_date",
    "valuation_stale",
    "valuation_source_urls",
    "raised_usd",
    "raised_qualifier",
    "rounds_disclosed",
    "rounds",
    "last_round_date",
    "last_round",
    "products",
]


def _startup_cells(s) -> list:
    return [
        s.slug,
        s.name_en,
        s.name_zh,
        format_identifiers(identifiers_of(s)),
        s.city,
        format_partial_date(s.founded_on, s.founded_precision),
        s.status,
        s.ipo_date.isoformat() if s.ipo_date else "",
        s.sector,
        _exactly(s.valuation_usd, CENT),
        s.valuation_qualifier if s.valuation_usd is not None else "",
        format_partial_date(s.valuation_on, s.valuation_precision),
        ("yes" if s.valuation_stale else "no") if s.valuation_usd is not None else "",
        ";".join(source.url for source in s.valuation_sources),
        _exactly(s.raised_usd, CENT),
        s.raised_qualifier,
        s.rounds_disclosed,
        s.round_count,
        format_partial_date(s.last_round_on, s.last_round_precision),
        s.last_round_label or "",
        s.product_count,
    ]


@require_GET
def startups_csv(request: HttpRequest) -> HttpResponse:
    return _table_csv(request, _startups, "startups.csv", STARTUP_COLUMNS, _startup_cells)


def _investors(request: HttpRequest, status: dict) -> tuple[InvestorFilterForm, str, Page]:
    form = InvestorFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    sort = form.value("sort", "-deals") if request.GET else "-deals"
    today = overview.today(status)
    page = Paginator(
        directory_tables.investors_table(filters, sort, today), INVESTORS_PER_PAGE
    ).get_page(request.GET.get("page"))
    page.object_list = profile_selectors.directory_rows(list(page.object_list), "investor", today)
    return form, sort, page


@require_GET
def investors_page(request: HttpRequest) -> HttpResponse:
    status = data_status()
    form, sort, page = _investors(request, status)
    return render(
        request,
        "dashboards/investors.html",
        {
            "status": status,
            "form": form,
            "page": page,
            "sort": sort,
            "csv_url": reverse("dashboards:investors-csv") + "?" + form.valid_query(),
        },
    )


INVESTOR_COLUMNS = [
    "slug",
    "name_en",
    "name_zh",
    "identifiers",
    "kind",
    "part_of",
    "deals",
    "ai_deals",
    "ai_share",
    *(
        column
        for name in ("capital_of_rounds_joined", "own_contribution", "compute_credits")
        for column in (f"{name}_usd", f"{name}_qualifier")
    ),
    "portfolio",
    "unicorns_in_portfolio",
    "listed_exits",
]


def _investor_cells(i) -> list:
    return [
        i.slug,
        i.name_en,
        i.name_zh,
        format_identifiers(identifiers_of(i)),
        i.kind,
        i.parent.slug if i.parent else "",
        i.deals or 0,
        i.deals_ai or 0,
        _exactly(i.ai_share, SHARE),
        *(
            value
            for name in INVESTOR_SUMS
            for value in (
                _exactly(getattr(i, f"{name}_usd"), CENT),
                getattr(i, f"{name}_qualifier"),
            )
        ),
        i.portfolio,
        i.portfolio_unicorns,
        i.listed_exits,
    ]


@require_GET
def investors_csv(request: HttpRequest) -> HttpResponse:
    return _table_csv(request, _investors, "investors.csv", INVESTOR_COLUMNS, _investor_cells)


def _table_csv(
    request: HttpRequest, read, filename: str, columns: list[str], cells
) -> HttpResponse:
    """The rows a directory page shows (same filters, sort and page), as `cells` writes each."""
    form, *_, page = read(request, data_status())
    if refused := filters_refused(form):
        return refused
    return csv_response(filename, columns, [cells(row) for row in page.object_list])
