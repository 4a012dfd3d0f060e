"""The pair page: what two investors backed together."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deals.models import Investor
from startups.models import MergeKind

from . import pair_selectors, selectors
from .moved import moved_or_404


@require_GET
def investor_pair_page(request: HttpRequest, slug: str, other: str) -> HttpResponse:
    pair = pair_selectors.investor_pair(slug, other)
    if pair is None:
        return moved_or_404(request, Investor, MergeKind.INVESTOR, "investor-pair", slug, other)
    return render(
        request, "dashboards/investor_pair.html", {"status": selectors.data_status(), **pair}
    )
