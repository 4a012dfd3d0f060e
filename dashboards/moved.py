"""Pages of a record merged into another answer 301 to the survivor's, in the page's language
and with its query string; any other unknown slug stays a 404."""

from django.db import models
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse

from startups.merge_selectors import merged_into


def moved_or_404(
    request: HttpRequest, model: type[models.Model], kind: str, url_name: str, *slugs: str
) -> HttpResponsePermanentRedirect:
    """The same page with each merged slug replaced by its survivor's (a pair page may name
    two records, either of them merged); a 404 when none of them was merged."""
    survivors = [merged_into(model, kind, slug) for slug in slugs]
    if not any(survivors):
        raise Http404
    args = [s.slug if s else slug for s, slug in zip(survivors, slugs, strict=True)]
    url = reverse(f"dashboards:{url_name}", args=args)
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
