"""A database outage answers 503 with Retry-After, quickly, instead of a 500 or a hang."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# What a lost or refused database connection raises.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
# Reads can run again on a fresh connection; a write might have been applied already.
RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNAVAILABLE_HTML = (
    "<!doctype html><title>Temporarily unavailable</title>"
    "<h1>Temporarily unavailable</h1><p>The database cannot be reached. "
    f"Please try again in {RETRY_AFTER_SECONDS} seconds.</p>"
)


class DatabaseUnavailableMiddleware:
    """Turns a database connection error into a 503; a read is first retried once.

    The retry matters when a connection broke mid-request (the server restarted): the
    second try connects afresh. While the server is down the retry fails just as fast, and the
    client gets the 503 with Retry-After.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "database_error", None) is None:
            return response
        if request.method in RETRYABLE_METHODS and _can_reconnect():
            request.database_error = None
            _close_connections()
            response = self.get_response(request)
            if request.database_error is None:
                return response
        return unavailable(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning(
            "database unavailable for %s %s: %s", request.method, request.path, exception
        )
        request.database_error = exception
        return unavailable(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    """A short 503, JSON for the API and HTML for pages."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "The database is unavailable; try again shortly."}, status=503
        )
    else:
        response = HttpResponse(UNAVAILABLE_HTML, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _can_reconnect() -> bool:
    """Not inside a transaction the caller opened (the test suite's): that must stay."""
    return not any(connection.in_atomic_block for connection in connections.all())


def _close_connections() -> None:
    """So that the retry connects afresh (a broken connection may fail to close cleanly)."""
    for connection in connections.all():
        with contextlib.suppress(DATABASE_DOWN):
            connection.close()
