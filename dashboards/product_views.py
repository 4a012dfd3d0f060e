"""The products page: China's published counts of generative-AI services beside the products
tracked here (a chart, its CSV and the published figures with their sources), and the table
of tracked products with its filters and CSV."""

import html

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from startups.vocab import format_partial_date

from . import chart_tables, charts, overview, product_chart, product_selectors, selectors
from .formatting import percent
from .product_filters import ProductFilterForm
from .views import csv_response, filters_refused

PRODUCTS_PER_PAGE = 100
FILINGS_CHART = "filings"


def _national(status: dict) -> dict:
    return overview.cached(status, "page-products-national", product_selectors.national_series)


def _coverage(data: dict) -> list[str]:
    tracked = data["tracked"]
    count = tracked["points"][-1]["cumulative"] if tracked["points"] else 0
    counted = _(
        "%(count)s products tracked here, each counted from the earlier of its launch and its "
        "filing date."
    ) % {"count": count}
    if undated := tracked["undated"]:
        counted = ngettext(
            "%(count)s products tracked here, each counted from the earlier of its launch and "
            "its filing date; %(undated)s with neither is not counted.",
            "%(count)s products tracked here, each counted from the earlier of its launch and "
            "its filing date; %(undated)s with neither are not counted.",
            undated,
        ) % {"count": count, "undated": undated}
    return [
        counted,
        _(
            "Share: the products tracked here by a published figure's date, over that figure; "
            "over a lower bound (“more than 40”) the share is an upper bound (“≤ 50%”)."
        ),
    ]


def _chart(status: dict) -> overview.ChartView:
    def build() -> overview.ChartView:
        figure = product_chart.filings(_national(status), status, overview.today(status))
        return overview.ChartView(
            slug=FILINGS_CHART,
            question=_(
                "How many generative-AI services has China filed, and how many are tracked here?"
            ),
            title=html.unescape(figure.layout.title.text),
            units=_("count"),
            figure_json=charts.figure_json(figure),
            traces=charts.trace_count(figure),
            csv_url=reverse("dashboards:products-filings-csv"),
            sources_url="#national-figures",
            coverage=_coverage(_national(status)),
        )

    return overview.cached(status, "page-view-products-filings", build, get_language())


def _national_rows(data: dict) -> list[dict]:
    """Every published point, oldest first (the table under the chart)."""
    points = [
        {**p, "share_text": percent(p["share"], 1, p["share_qualifier"])}
        for metric in product_selectors.NATIONAL_METRICS
        for p in data["series"][metric]
    ]
    return sorted(points, key=lambda p: (p["date"], p["metric"]))


def _products_page(request: HttpRequest, status: dict):
    choices = overview.cached(status, "page-product-choices", product_selectors.product_choices)
    form = ProductFilterForm(request.GET or None, modalities=choices["modalities"])
    filters = form.filters() if request.GET else {}
    sort = form.value("sort", "-launched") if request.GET else "-launched"
    paginator = Paginator(product_selectors.products_table(filters, sort), PRODUCTS_PER_PAGE)
    return form, filters, sort, paginator.get_page(request.GET.get("page")), choices


@require_GET
def products_page(request: HttpRequest) -> HttpResponse:
    status = selectors.data_status()
    form, filters, sort, page, choices = _products_page(request, status)
    national = _national_rows(_national(status))
    return render(
        request,
        "dashboards/products.html",
        {
            "status": status,
            "chart": _chart(status),
            "national": national,
            "national_sources": list(
                dict.fromkeys(c for row in national for c in row["citations"])
            ),
            "form": form,
            "filters": filters,
            "page": page,
            "sort": sort,
            "choices": choices,
            "csv_url": reverse("dashboards:products-csv") + "?" + form.valid_query(),
        },
    )


PRODUCT_COLUMNS = [
    "startup",
    "name_en",
    "name_zh",
    "product",
    "kind",
    "modality",
    "open_weights",
    "launched_on",
    "launched_precision",
    "cac_filing_on",
    "cac_filing_precision",
    "cac_filing_number",
    "confidence",
    "source_urls",
]


def _product_rows(products) -> list[list]:
    """The products table as shown, cell for cell."""
    return [
        [
            p.startup.slug,
            p.startup.name_en,
            p.startup.name_zh,
            p.name,
            p.kind,
            p.modality,
            "" if p.open_weights is None else "yes" if p.open_weights else "no",
            format_partial_date(p.launched_on, p.date_precision),
            p.date_precision if p.launched_on else "",
            format_partial_date(p.cac_filing_on, p.cac_filing_precision),
            p.cac_filing_precision if p.cac_filing_on else "",
            p.cac_filing_number,
            p.confidence,
            ";".join(s.url for s in p.sources.all()),
        ]
        for p in products
    ]


@require_GET
def products_csv(request: HttpRequest) -> HttpResponse:
    form, _filters, _sort, page, _choices = _products_page(request, selectors.data_status())
    if refused := filters_refused(form):
        return refused
    return csv_response("products.csv", PRODUCT_COLUMNS, _product_rows(page.object_list))


@require_GET
def filings_csv(request: HttpRequest) -> HttpResponse:
    header, rows = chart_tables.chart_table(FILINGS_CHART, _national(selectors.data_status()))
    return csv_response(f"{FILINGS_CHART}.csv", header, rows)
