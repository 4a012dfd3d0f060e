"""Request size limits, refused before any body is read: 413 Request Entity Too Large with a
message (JSON under /api/), never a 500 and never Django's bare 400.

- API bodies (JSON, forms): at most `API_MAX_BODY_BYTES`.
- Multipart forms (the admin's import upload): its files at most `IMPORT_UPLOAD_MAX_BYTES`,
  plus room for the other fields.
- Any other body: at most `DATA_UPLOAD_MAX_MEMORY_SIZE`, Django's own limit on what it reads
  into memory, here checked from Content-Length up front.

A search in the admin (its search box, `q`, and its autocomplete, `term`) takes at most the
terms that startups.search allows: 400 naming the limit, before the changelist queries. (The
API's `?search=` is bounded by its SearchFilter, deals.api.filters.)

Django's own checks while parsing (fields of a multipart form too large, too many fields or
files) raise SuspiciousOperation subclasses, answered by `bad_request` below.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.text import smart_split
from django.views import defaults

from startups.search import search_limit_error

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def body_limit(request: HttpRequest) -> int:
    """The most bytes this request's body may have."""
    if is_api(request):
        return settings.API_MAX_BODY_BYTES
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        return settings.IMPORT_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def too_large(request: HttpRequest, size: int | None, limit: int) -> HttpResponse:
    what = f"The request body is {megabytes(size)}" if size else "The request body is too large"
    message = f"{what}; at most {megabytes(limit)} ({limit} bytes) is accepted here."
    if not is_api(request) and request.path_info.startswith("/admin/data/import/"):
        message += " Load larger files with `manage.py import_data`, which streams."
    return refusal(request, message, 413)


class RequestSizeLimitMiddleware:
    """Refuses a body over its limit from Content-Length, before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0  # Django reads no body then either
        limit = body_limit(request)
        if size > limit:
            return too_large(request, size, limit)
        return self.get_response(request)


# The admin's changelist search box and its autocomplete (select boxes) search by these.
ADMIN_SEARCH_PARAMETERS = (SEARCH_VAR, "term")


class AdminSearchLimitMiddleware:
    """Refuses an admin search of more terms, or longer ones, than startups.search allows,
    counted as the admin splits them (smart_split: a quoted phrase is one term)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(reverse("admin:index")):
            for parameter in ADMIN_SEARCH_PARAMETERS:
                terms = list(smart_split(request.GET.get(parameter, "")))
                reason = search_limit_error(terms)
                if reason:
                    return refusal(request, f"Search: {reason}.", 400)
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's refusals while parsing a body, said in words."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, None, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return refusal(request, f"Too many fields: at most {limit} are accepted.", 400)
    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return refusal(request, f"Too many files: at most {limit} are accepted.", 400)
    if is_api(request):
        return refusal(request, "Bad request.", 400)
    return defaults.bad_request(request, exception)
