"""The /about/data/ page: what the database covers (dashboards.coverage_selectors), each
count linked to the list it counts where the site has one."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import overview, selectors
from .coverage_selectors import coverage
from .coverage_text import KIND_LABELS, period_text, sector_label
from .formatting import percent

# The public list of each kind of record, where the site has one.
KIND_LISTS = {
    "startups": "dashboards:startups",
    "investors": "dashboards:investors",
    "rounds": "dashboards:rounds",
    "compute": "dashboards:compute",
    "products": "dashboards:products",
}


def _records(rows: list[dict]) -> list[dict]:
    return [
        {
            **row,
            "label": KIND_LABELS[row["kind"]],
            "url": reverse(KIND_LISTS[row["kind"]]) if row["kind"] in KIND_LISTS else "",
        }
        for row in rows
    ]


def _giants(giants: list[dict]) -> list[dict]:
    """The giants' rows with their words: the published figures' periods, the share of a
    year's published count tracked here, the rounds a published period holds."""
    rounds_url = reverse("dashboards:rounds")
    return [
        {
            **giant,
            "years": [
                {
                    **row,
                    "published": [
                        {
                            **count,
                            "share_text": percent(
                                count["tracked_share"], 0, count["tracked_share_qualifier"]
                            ),
                        }
                        for count in row["published"]
                    ],
                }
                for row in giant["years"]
            ],
            "published": [
                {
                    **figure,
                    "period": period_text(figure["period_start"], figure["period_end"]),
                    "rounds_url": f"{rounds_url}?{_period_query(giant['slug'], figure)}",
                }
                for figure in giant["published"]
            ],
        }
        for giant in giants
    ]


def _period_query(slug: str, figure: dict) -> str:
    query = {"investor": slug}
    if figure["period_start"]:
        query["since"] = figure["period_start"].isoformat()
    if figure["period_end"]:
        query["until"] = figure["period_end"].isoformat()
    return urlencode(query)


@require_GET
def about_data_page(request: HttpRequest) -> HttpResponse:
    status = selectors.data_status()
    # Sources and claims change without a refresh: the last edit is part of the key.
    changed = status["last_changed_at"]
    report = overview.cached(
        status, "page-coverage", coverage, changed.timestamp() if changed else 0
    )
    return render(
        request,
        "dashboards/about_data.html",
        {
            "status": status,
            "startups": report["startups"],
            "sectors": [
                {"label": sector_label(row["sector"]), "startups": row["startups"]}
                for row in report["startups"]["sectors"]
            ],
            "rounds": report["rounds"],
            "giants": _giants(report["giants"]),
            "records": _records(report["records"]),
            # The Disputes page lists every disputed figure, to those who may read claims.
            "disputes_url": reverse("claims-disputes")
            if request.user.has_perm("deals.view_claim")
            else "",
        },
    )
