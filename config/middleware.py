"""What a database error means for the client, said honestly, instead of a 500 or a hang.

Django raises OperationalError for very different things; each is answered for what it is:

- the connection failed (refused, lost, the server shutting down): the database is
  unavailable, a 503 with Retry-After; a read is first retried once on a fresh connection;
- the database is busy (SQLite's "database is locked" after its busy timeout, a PostgreSQL
  deadlock or lock timeout): a 503 "busy, retry" with Retry-After; a read is retried once,
  unless SQLite has already waited for the lock for SQLITE_BUSY_TIMEOUT;
- the query is larger than the database accepts (SQLite's "Expression tree is too large",
  PostgreSQL's "stack depth limit exceeded" and its other program limits): a 400, since the
  same request would fail again;
- anything else is an error of ours: a 500 (JSON under /api/, config/errors.py).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# What a lost or refused database connection raises.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
# Reads can run again; a write might have been applied already.
RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# PostgreSQL's SQL states (Appendix A of its manual). Class 08 is "connection exception".
CONNECTION_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})  # shutdown, too many clients
BUSY_STATES = frozenset({"55P03", "40P01", "40001"})  # lock not available, deadlock, serialization
TOO_LARGE_CLASS = "54"  # program limit exceeded: stack depth, too many arguments or columns
# SQLite's messages (its result codes are not in the exception).
SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
SQLITE_TOO_LARGE = (
    "expression tree is too large",
    "too many sql variables",
    "too many terms in compound select",
    "parser stack overflow",
    "like or glob pattern too complex",
    "string or blob too big",
    "too many columns",
    "too many arguments on function",
)
SQLITE_UNAVAILABLE = ("unable to open database file",)


class Kind(enum.Enum):
    UNAVAILABLE = "unavailable"
    BUSY = "busy"
    TOO_LARGE = "too large"


@dataclass(frozen=True)
class Answer:
    status: int
    title: str
    detail: str
    retry_after: int | None


ANSWERS = {
    Kind.UNAVAILABLE: Answer(
        503,
        "Temporarily unavailable",
        "The database is unavailable; try again shortly.",
        RETRY_AFTER_SECONDS,
    ),
    Kind.BUSY: Answer(
        503,
        "Busy",
        "The database is busy with other work; retry in a few seconds.",
        RETRY_AFTER_SECONDS,
    ),
    Kind.TOO_LARGE: Answer(
        400,
        "Request too large",
        "The request needs a query larger than the database accepts; ask for less "
        "(fewer search terms or filters).",
        None,
    ),
}


def classify(error: Exception) -> tuple[Kind, bool] | None:
    """What a database error means, and whether re-running a read may succeed; None for an
    error that is not about the database's state (a bug: a 500)."""
    if isinstance(error, InterfaceError):
        return Kind.UNAVAILABLE, True
    if not isinstance(error, OperationalError):
        return None
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        message = str(cause).lower()
        if message.startswith(SQLITE_BUSY):
            return Kind.BUSY, False  # SQLite has waited SQLITE_BUSY_TIMEOUT for the lock
        if message.startswith(SQLITE_TOO_LARGE):
            return Kind.TOO_LARGE, False
        if message.startswith(SQLITE_UNAVAILABLE):
            return Kind.UNAVAILABLE, True
        return None
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state is None or state.startswith("08") or state in CONNECTION_STATES:
        # No SQL state: the client lost the connection, or never had it.
        return Kind.UNAVAILABLE, True
    if state in BUSY_STATES:
        return Kind.BUSY, True
    if state.startswith(TOO_LARGE_CLASS):
        return Kind.TOO_LARGE, False
    return None


class DatabaseUnavailableMiddleware:
    """Answers a database error for what it is (see the module); a read whose error may pass
    is first run once more.

    The retry matters when a connection broke mid-request (the server restarted): the
    second try connects afresh. While the server is down the retry fails just as fast, and the
    client gets the 503 with Retry-After.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        retry = getattr(request, "database_retry", None)
        if retry is None or request.method not in RETRYABLE_METHODS or not _can_reconnect():
            return response
        request.database_retry = None
        if retry is Kind.UNAVAILABLE:
            _close_connections()
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        found = classify(exception)
        if found is None:
            return None
        kind, retryable = found
        logger.warning(
            "database %s for %s %s: %s", kind.value, request.method, request.path, exception
        )
        first_try = not hasattr(request, "database_retry")
        request.database_retry = kind if retryable and first_try else None
        return answer(request, kind)


def answer(request: HttpRequest, kind: Kind) -> HttpResponse:
    """A short answer, JSON for the API and HTML for pages."""
    said = ANSWERS[kind]
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": said.detail}, status=said.status)
    else:
        page = (
            f"<!doctype html><title>{said.title}</title><h1>{said.title}</h1><p>{said.detail}</p>"
        )
        response = HttpResponse(page, status=said.status)
    if said.retry_after is not None:
        response["Retry-After"] = str(said.retry_after)
    return response


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 of a database that cannot be reached."""
    return answer(request, Kind.UNAVAILABLE)


def _can_reconnect() -> bool:
    """Not inside a transaction the caller opened (the test suite's): that must stay."""
    return not any(connection.in_atomic_block for connection in connections.all())


def _close_connections() -> None:
    """So that the retry connects afresh (a broken connection may fail to close cleanly)."""
    for connection in connections.all():
        with contextlib.suppress(DATABASE_DOWN):
            connection.close()
