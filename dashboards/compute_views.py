"""The compute ledger, /compute/: every compute deal with its filters in the URL, the CSV of
what is shown, and three charts (credits per startup and per investor, chips by generation)."""

import html

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from startups.vocab import format_partial_date

from . import charts, compute_charts, compute_selectors, overview
from .chips import chip_generation
from .compute_forms import ComputeFilterForm
from .compute_parties import attach_parents
from .dispute_selectors import attach_disputes
from .formatting import local_name
from .views import _status, csv_response, filters_refused, without

DEALS_PER_PAGE = 100

LEDGER_COLUMNS = [
    "id",
    "date",
    "date_precision",
    "buyer",
    "startup",
    "startup_name_en",
    "startup_name_zh",
    "kind",
    "chip",
    "chip_generation",
    "quantity",
    "quantity_qualifier",
    "provider",
    "provider_investor",
    "provider_parent",
    "amount",
    "currency",
    "amount_qualifier",
    "amount_usd",
    "amount_fx_rate",
    "below_market",
    "confidence",
    "disputed",
    "source_urls",
]


def ledger_rows(deals) -> list[list]:
    """The ledger as shown, cell for cell; each bound in the qualifier column beside its
    figure, the rate the USD amount was converted at."""
    return [
        [
            d.pk,
            format_partial_date(d.announced_on, d.date_precision),
            d.date_precision,
            d.buyer,
            d.startup.slug if d.startup else "",
            d.startup.name_en if d.startup else "",
            d.startup.name_zh if d.startup else "",
            d.kind,
            d.chip,
            chip_generation(d.chip),
            d.quantity,
            d.quantity_qualifier if d.quantity is not None else "",
            d.provider,
            d.provider_investor.slug if d.provider_investor else "",
            d.parent_slug or "",
            d.amount,
            d.amount_currency,
            d.amount_qualifier if d.amount is not None else "",
            d.amount_usd,
            d.amount_fx_rate.normalize() if d.amount_fx_rate is not None else None,
            {True: "yes", False: "no"}.get(d.below_market, ""),
            d.confidence,
            ";".join(d.disputed),
            ";".join(s.url for s in d.sources.all()),
        ]
        for d in deals
    ]


def _ledger(request: HttpRequest):
    form = ComputeFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    sort = form.value("sort", "-date") if request.GET else "-date"
    paginator = Paginator(compute_selectors.compute_table(filters, sort), DEALS_PER_PAGE)
    return form, filters, sort, paginator.get_page(request.GET.get("page"))


QUESTIONS = {
    "credits-startups": gettext_lazy("Which startups were paid in compute credits, and how much?"),
    "credits-investors": gettext_lazy("Which investors pay in compute credits?"),
    "chips": gettext_lazy("Which chips do the deals name, and how many?"),
}
FIGURES = {
    "credits-startups": compute_charts.credits_by_startup,
    "credits-investors": compute_charts.credits_by_investor,
}


def _chart_data(slug: str, filters: dict, status: dict):
    """Credits come from the rounds (cached per refresh, as the overview's charts); chips
    from the ledger's deals as filtered, read each time (compute deals feed no aggregate)."""
    if slug == "chips":
        return compute_selectors.chips_by_generation(compute_selectors.compute_deals(filters))
    if slug == "credits-startups":
        return overview.cached(
            status, "page-compute-startups", compute_selectors.credits_by_startup
        )
    return overview.cached(status, "page-compute-investors", compute_selectors.credits_by_investor)


def _coverage(slug: str, rows: list[dict]) -> list[str]:
    if slug == "chips":
        deals = sum(r["deals"] for r in rows)
        known = sum(r["with_quantity"] for r in rows)
        return [
            _(
                "%(known)s of the %(deals)s deals shown disclose a quantity; the bars add "
                "those, each sum with its bound (one 'at least' part makes the sum at least)."
            )
            % {"known": known, "deals": deals},
            _(
                "Every kind of deal counts: holdings are estimates of the chips a company "
                "holds and a training run names the chips it used, so the same chips can "
                "appear in more than one deal. Filter by kind to see purchases alone."
            ),
        ]
    names = ", ".join(local_name(r) for r in rows)
    return [
        _("Compute credits as the rounds' sources disclose them: %(names)s.") % {"names": names}
        if rows
        else _("No compute credits disclosed.")
    ]


def chart_views(filters: dict, query: str, status: dict) -> list[overview.ChartView]:
    views = []
    for slug in compute_charts.CHART_SLUGS:
        rows = _chart_data(slug, filters, status)
        if slug == "chips":
            figure = compute_charts.chips(rows, status, filters)
        else:
            figure = FIGURES[slug](rows, status)
        csv_url = reverse("dashboards:compute-chart-csv", args=[slug])
        views.append(
            overview.ChartView(
                slug=f"compute-{slug}",
                question=str(QUESTIONS[slug]),
                title=html.unescape(figure.layout.title.text),
                units=_("count") if slug == "chips" else _("USD"),
                figure_json=charts.figure_json(figure),
                traces=charts.trace_count(figure),
                csv_url=csv_url + (f"?{query}" if slug == "chips" and query else ""),
                sources_url="#ledger" if slug == "chips" else charts.rounds_url(credits="on"),
                coverage=_coverage(slug, rows),
            )
        )
    return views


@require_GET
def compute_page(request: HttpRequest) -> HttpResponse:
    status = _status()
    form, filters, sort, page = _ledger(request)
    page.object_list = attach_parents(list(page.object_list))
    attach_disputes(page.object_list)
    choices = compute_selectors.compute_choices()
    known = {kind: {r["slug"]: r for r in rows} for kind, rows in choices.items()}
    query = form.valid_query() if request.GET else ""
    return render(
        request,
        "dashboards/compute.html",
        {
            "status": status,
            "form": form,
            "page": page,
            "sort": sort,
            "choices": choices,
            "filter_chips": [
                {
                    "kind": kind,
                    "slug": slug,
                    "name": local_name(known[f"{kind}s"][slug]),
                    "remove": without(request, kind, slug),
                }
                for kind in ("buyer", "provider")
                for slug in filters.get(kind, [])
                if slug in known[f"{kind}s"]
            ],
            "csv_url": reverse("dashboards:compute-csv") + (f"?{query}" if query else ""),
            "charts": chart_views(filters, query, status),
        },
    )


@require_GET
def compute_csv(request: HttpRequest) -> HttpResponse:
    form, _filters, _sort, page = _ledger(request)
    if refused := filters_refused(form):
        return refused
    return csv_response("compute-deals.csv", LEDGER_COLUMNS, ledger_rows(page.object_list))


@require_GET
def compute_chart_csv(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in compute_charts.CHART_SLUGS:
        raise Http404
    form = ComputeFilterForm(request.GET or None)
    if refused := filters_refused(form):
        return refused
    filters = form.filters() if request.GET else {}
    if slug == "credits-startups":
        rows = compute_selectors.credits_by_startup(limit=None)
    elif slug == "credits-investors":
        rows = compute_selectors.credits_by_investor(limit=None)
    else:
        rows = _chart_data(slug, filters, _status())
    header, table = compute_charts.chart_table(slug, rows)
    return csv_response(f"compute-{slug}.csv", header, table)
