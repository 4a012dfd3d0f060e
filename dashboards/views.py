"""Pages: parse the query string with a form, read through the selectors, render."""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from deals.models import Investor
from startups.models import MergeKind, Startup
from startups.sectors import DEFAULT_AI_DEFINITION
from startups.spreadsheet import neutralise
from startups.vocab import format_partial_date

from . import (
    chart_freshness,
    chart_tables,
    charts,
    compute_selectors,
    directory_selectors,
    overview,
    page_selectors,
    profile_selectors,
    selectors,
    valuation_chart,
    watch_selectors,
)
from .dispute_selectors import attach_disputes, disputed_figures
from .formatting import local_name
from .forms import (
    ChartFilterForm,
    RoundFilterForm,
)
from .models import PeriodKind
from .moved import moved_or_404
from .watch_services import applied_filters

ROUNDS_PER_PAGE = 100
PORTFOLIO_PER_PAGE = 50
FILTER_INVESTORS = 12  # checkboxes offered on the overview


def safe_cell(value) -> str:
    """A CSV cell: a number as a plain decimal (40, never 4E+1), any text safe from
    spreadsheet formulas."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return neutralise(format(value, "f") if isinstance(value, Decimal) else str(value))


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response


def without(request: HttpRequest, name: str, value: str) -> str:
    """The query string without one value of a repeated parameter (a filter chip's remove)."""
    params = [
        (k, v)
        for k, values in request.GET.lists()
        for v in values
        if not (k == name and v == value) and k != "page"
    ]
    return "?" + urlencode(params) if params else "?"


def _status() -> dict:
    return selectors.data_status()


def _chart_filters(
    request: HttpRequest, status: dict
) -> tuple[ChartFilterForm, overview.ChartFilters]:
    years = overview.cached(status, "page-years", page_selectors.years_with_data)
    form = ChartFilterForm(request.GET or None, years=years)
    return form, form.filters() if request.GET else overview.ChartFilters()


@require_GET
def overview_page(request: HttpRequest) -> HttpResponse:
    status = _status()
    form, filters = _chart_filters(request, status)
    offered = overview.cached(
        status, "page-investor-choices", lambda: page_selectors.top_investors(FILTER_INVESTORS)
    )
    known = {i["slug"] for i in offered}
    extra = [s for s in filters.investors if s not in known]
    choices = offered + directory_selectors.named(Investor, extra)
    chart_views = [overview.chart_view(slug, filters, status) for slug in overview.CHART_SLUGS]
    return render(
        request,
        "dashboards/overview.html",
        {
            "status": status,
            "form": form,
            "filters": filters,
            "investor_choices": [
                {**c, "label": local_name(c), "checked": c["slug"] in filters.investors}
                for c in choices
            ],
            "headline": overview.headline(status),
            "charts": chart_views,
            "disputes": overview.cached(status, "page-disputes", disputed_figures),
        },
    )


def filters_refused(form) -> HttpResponse | None:
    """A CSV is read by programs more than by people: a filter it cannot apply is a 400
    naming each problem, never a file of other rows than those asked for."""
    problems = form.problems()
    if not problems:
        return None
    return HttpResponseBadRequest(
        "\n".join(problems) + "\n", content_type="text/plain; charset=utf-8"
    )


@require_GET
def chart_csv(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in overview.CHART_SLUGS:
        raise Http404
    status = _status()
    form, filters = _chart_filters(request, status)
    if refused := filters_refused(form):
        return refused
    header, rows = chart_tables.chart_table(slug, overview.table_data(slug, filters, status))
    return csv_response(f"{slug}.csv", header, rows)


def _round_rows(rounds) -> list[list]:
    """The rounds table as shown, cell for cell (the CSV download writes the same)."""
    rows = []
    for r in rounds:
        leads = [p.investor for p in r.participations.all() if p.is_lead]
        others = [p.investor for p in r.participations.all() if not p.is_lead]
        rows.append(
            [
                r.pk,
                format_partial_date(r.announced_on, r.date_precision),
                r.startup.slug,
                r.startup.name_en,
                r.startup.name_zh,
                r.startup.city,
                "yes" if r.startup.is_ai else "no",
                r.round_label,
                r.amount,
                r.amount_currency,
                r.amount_qualifier if r.amount is not None else "",
                r.amount_usd,
                r.post_money_valuation_usd,
                r.valuation_qualifier if r.post_money_valuation_usd is not None else "",
                r.compute_credit_amount_usd,
                r.compute_credit_qualifier if r.compute_credit_amount_usd is not None else "",
                ";".join(i.slug for i in leads),
                ";".join(i.slug for i in others),
                r.confidence,
                ";".join(s.url for s in r.sources.all()),
            ]
        )
    return rows


ROUND_COLUMNS = [
    "id",
    "date",
    "startup",
    "name_en",
    "name_zh",
    "city",
    "ai",
    "round",
    "amount",
    "currency",
    "amount_qualifier",
    "amount_usd",
    "post_money_valuation_usd",
    "valuation_qualifier",
    "compute_credits_usd",
    "compute_credits_qualifier",
    "leads",
    "participants",
    "confidence",
    "source_urls",
]


def _rounds_page(request: HttpRequest):
    form = RoundFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    sort = form.value("sort", "-date") if request.GET else "-date"
    paginator = Paginator(directory_selectors.rounds_table(filters, sort), ROUNDS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return form, filters, sort, page


@require_GET
def rounds_page(request: HttpRequest) -> HttpResponse:
    status = _status()
    form, filters, sort, page = _rounds_page(request)
    page.object_list = list(page.object_list)
    attach_disputes(page.object_list)
    choices = overview.cached(status, "page-round-choices", directory_selectors.choice_lists)
    investors = overview.cached(
        status, "page-round-investors", directory_selectors.investor_choices
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/rounds.html",
        {
            "status": status,
            "form": form,
            "page": page,
            "sort": sort,
            "choices": choices,
            "investor_choices": investors,
            "chips": [
                {
                    "kind": kind,
                    "slug": record["slug"],
                    "name": local_name(record),
                    "remove": without(request, kind, record["slug"]),
                }
                for kind, model in (("startup", Startup), ("investor", Investor))
                for record in directory_selectors.named(model, filters.get(kind, []))
            ],
            "csv_url": reverse("dashboards:rounds-csv") + "?" + form.valid_query(),
            # What "save this search" saves: the filters the page applied (normalised then).
            "search_query": form.valid_query() if applied_filters(form) else "",
            "query": query.urlencode(),
        },
    )


@require_GET
def rounds_csv(request: HttpRequest) -> HttpResponse:
    form, _filters, _sort, page = _rounds_page(request)
    if refused := filters_refused(form):
        return refused
    return csv_response("rounds.csv", ROUND_COLUMNS, _round_rows(page.object_list))


@require_GET
def startup_page(request: HttpRequest, slug: str) -> HttpResponse:
    status = _status()
    detail = directory_selectors.startup_detail(slug)
    if detail is None:
        return moved_or_404(request, Startup, MergeKind.STARTUP, "startup", slug)
    startup = detail["startup"]
    chart = None
    if detail["valuations"]:
        entry = {
            "slug": startup.slug,
            "name_en": startup.name_en,
            "name_zh": startup.name_zh,
            "ipo_date": startup.ipo_date,
            "points": detail["valuations"],
        }

        def build():
            figure = valuation_chart.valuations(
                [entry],
                status,
                overview.today(status),
                title=_("Valuation of %(name)s") % {"name": local_name(startup)},
            )
            first = detail["valuations"][0]["date"]
            chart_freshness.shade_chart(figure, status, PeriodKind.QUARTER, first)
            return {"figure_json": charts.figure_json(figure), "traces": len(figure.data)}

        chart = overview.cached(
            status, "page-startup-valuations", build, startup.pk, get_language()
        )
    profile_selectors.compact_rounds(detail["rounds"])
    summary = profile_selectors.startup_summary(detail, overview.today(status))
    return render(
        request,
        "dashboards/startup.html",
        {
            "status": status,
            **detail,
            "chart": chart,
            "summary": summary,
            "watch_item": watch_selectors.followed_item(request.user, startup=startup),
        },
    )


@require_GET
def startup_valuations_csv(request: HttpRequest, slug: str) -> HttpResponse:
    detail = directory_selectors.startup_detail(slug)
    if detail is None:
        return moved_or_404(request, Startup, MergeKind.STARTUP, "startup-valuations-csv", slug)
    startup = detail["startup"]
    entry = {
        "slug": startup.slug,
        "name_en": startup.name_en,
        "name_zh": startup.name_zh,
        "points": detail["valuations"],
    }
    header, rows = chart_tables.chart_table("valuations", [entry])
    return csv_response(f"valuations-{startup.slug}.csv", header, rows)


@require_GET
def investor_page(request: HttpRequest, slug: str) -> HttpResponse:
    status = _status()
    detail = directory_selectors.investor_detail(slug)
    if detail is None:
        return moved_or_404(request, Investor, MergeKind.INVESTOR, "investor", slug)
    investor = detail["investor"]

    def build():
        series = page_selectors.ai_share_series([investor.slug], "year", None, None)
        published = page_selectors.published_figures([investor.slug])
        figure = charts.ai_share(series, published, "year", status)
        starts = [p["period_start"] for s in series for p in s["points"]]
        chart_freshness.shade_chart(figure, status, PeriodKind.YEAR, min(starts, default=None))
        return {"figure_json": charts.figure_json(figure), "traces": len(figure.data)}

    chart = overview.cached(status, "page-investor-share", build, investor.pk, get_language())
    # The summary and the chart are computed in SQL over the whole portfolio; its table is
    # listed a page at a time.
    portfolio = Paginator(detail.pop("portfolio"), PORTFOLIO_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dashboards/investor.html",
        {
            "status": status,
            **detail,
            "portfolio": portfolio,
            "summary": profile_selectors.investor_summary(
                investor, detail["stats"], overview.today(status)
            ),
            "ai_definition": overview.DEFINITION_NOTES[DEFAULT_AI_DEFINITION],
            "compute_deals": compute_selectors.provider_deals(investor),
            "watch_item": watch_selectors.followed_item(request.user, investor=investor),
            "chart": chart,
            "chart_csv": reverse("dashboards:chart-csv", args=["ai-share"])
            + "?"
            + urlencode({"investor": investor.slug}),
        },
    )
