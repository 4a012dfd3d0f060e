"""The pair page: what two investors backed together."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import pair_selectors, selectors


@require_GET
def investor_pair_page(request: HttpRequest, slug: str, other: str) -> HttpResponse:
    pair = pair_selectors.investor_pair(slug, other)
    if pair is None:
        raise Http404
    return render(
        request, "dashboards/investor_pair.html", {"status": selectors.data_status(), **pair}
    )
