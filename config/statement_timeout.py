"""A web request whose query PostgreSQL stopped (statement_timeout) answers 503, never a 500.

Every connection starts with `DATABASE_STATEMENT_TIMEOUT` (a libpq startup option, set in the
settings through `config.database.statement_timeout_option`, so it costs no query); the
aggregate refresh and the import raise it for their own transaction
(`startups.statement_timeout`). The request is not retried: the same query would only run as
long again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The SQLSTATE of a statement cancelled by statement_timeout (or by pg_cancel_backend).
QUERY_CANCELED = "57014"


def is_query_canceled(error: BaseException) -> bool:
    """Whether a database error is PostgreSQL stopping a statement (psycopg 3 or 2)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    return QUERY_CANCELED in (getattr(cause, "sqlstate", None), getattr(cause, "pgcode", None))


class QueryTimeoutMiddleware:
    """A query stopped by the statement timeout answers 503: JSON under /api/, a page elsewhere.

    Listed after `DatabaseUnavailableMiddleware`, so that its `process_exception` runs first
    and the outage handling (which retries a read) never sees a timeout.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_query_canceled(exception):
            return None
        logger.warning("query timed out for %s %s: %s", request.method, request.path, exception)
        return timed_out(request)


def timed_out(request: HttpRequest) -> HttpResponse:
    seconds = f"{settings.DATABASE_STATEMENT_TIMEOUT:g}"
    message = _(
        "The request took longer than %(seconds)s seconds in the database and was stopped. "
        "Ask for less (fewer search terms, a narrower filter) or try again later."
    ) % {"seconds": seconds}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=503)
    title = escape(_("The request took too long"))
    return HttpResponse(
        f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{escape(message)}</p>",
        status=503,
    )
