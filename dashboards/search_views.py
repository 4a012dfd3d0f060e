"""`/search/?q=`: the header's search box without JavaScript, results grouped by kind."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import selectors
from .search_selectors import search_query_error, site_search


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The form alone without `q`; a 400 naming the problem for a blank or too long one."""
    query = request.GET.get("q")
    context = {
        "status": selectors.data_status(),
        "search_query": query or "",
        "max_length": settings.SEARCH_MAX_TERM_LENGTH,
    }
    if query is None:
        return render(request, "dashboards/search.html", context)
    problem = search_query_error(query)
    if problem:
        return render(
            request, "dashboards/search.html", {**context, "problem": problem}, status=400
        )
    found = site_search(query)
    context["groups"] = [
        (kind, label, found[kind])
        for kind, label in (
            ("startups", _("Startups")),
            ("investors", _("Investors")),
            ("products", _("Model products")),
            ("rounds", _("Funding rounds")),
        )
    ]
    context["found_any"] = any(found.values())
    return render(request, "dashboards/search.html", context)
