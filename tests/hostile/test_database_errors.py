"""A database error is answered for what it is (config/middleware.py): a query too large for
the database is the request's fault (400), a lock is the database being busy (503 "busy,
retry"), and only a failed connection is the database being unavailable (503, a read retried
on a fresh connection). Any other exception in an API view is a JSON 500 without a trace."""

import json
import sqlite3

import psycopg.errors
import pytest
from django.db import OperationalError
from django.db.models.expressions import RawSQL
from django.test import Client, RequestFactory

from deals.api.views import SourceViewSet
from startups.models import Source
from tests.test_database_unavailable import a_view_failing

# An expression 5,000 levels deep: past SQLite's limit (1,000) and PostgreSQL's stack.
TOO_DEEP = "+".join(["1"] * 5000)
BUSY_DETAIL = "The database is busy with other work; retry in a few seconds."
TOO_LARGE_DETAIL = (
    "The request needs a query larger than the database accepts; ask for less "
    "(fewer search terms or filters)."
)


@pytest.mark.django_db
def test_a_query_too_large_for_the_database_is_a_400_not_an_outage(anonymous, monkeypatch):
    def too_deep():
        return Source.objects.filter(id__lt=RawSQL(TOO_DEEP, []))

    monkeypatch.setattr(SourceViewSet, "selector", staticmethod(too_deep))

    response = anonymous.get("/api/v1/sources/")

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_LARGE_DETAIL}
    assert "Retry-After" not in response


def driver_error(cause: Exception) -> OperationalError:
    """Django's OperationalError as its database wrapper raises it: the driver's as its cause."""
    error = OperationalError(*cause.args)
    error.__cause__ = cause
    return error


def test_sqlite_s_lock_after_its_busy_timeout_is_a_busy_503_without_another_wait():
    locked = driver_error(sqlite3.OperationalError("database is locked"))
    middleware, calls = a_view_failing(1, locked)

    response = middleware(RequestFactory().get("/api/v1/rounds/"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == {"detail": BUSY_DETAIL}
    assert calls == ["GET"]


@pytest.mark.parametrize(
    "cause", [psycopg.errors.DeadlockDetected(), psycopg.errors.LockNotAvailable()]
)
def test_a_postgresql_lock_is_retried_once_for_a_read_then_said_to_be_busy(cause):
    middleware, calls = a_view_failing(2, driver_error(cause))

    response = middleware(RequestFactory().get("/rounds/"))

    assert response.status_code == 503
    assert b"<h1>Busy</h1>" in response.content
    assert b"unavailable" not in response.content
    assert calls == ["GET", "GET"]


def test_a_write_meeting_a_lock_is_not_retried():
    middleware, calls = a_view_failing(1, driver_error(psycopg.errors.DeadlockDetected()))

    response = middleware(RequestFactory().post("/api/v1/rounds/", {}))

    assert json.loads(response.content) == {"detail": BUSY_DETAIL}
    assert calls == ["POST"]


@pytest.mark.parametrize(
    "cause",
    [
        sqlite3.OperationalError("Expression tree is too large (maximum depth 1000)"),
        sqlite3.OperationalError("too many SQL variables"),
        psycopg.errors.StatementTooComplex("stack depth limit exceeded"),
        psycopg.errors.TooManyArguments("cannot pass more than 100 arguments to a function"),
    ],
)
def test_a_query_too_large_is_a_400_and_never_retried(cause):
    middleware, calls = a_view_failing(2, driver_error(cause))

    response = middleware(RequestFactory().get("/api/v1/startups/", {"search": "x"}))

    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": TOO_LARGE_DETAIL}
    assert calls == ["GET"]


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.OperationalError("connection failed: Connection refused"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.TooManyConnections("sorry, too many clients already"),
        sqlite3.OperationalError("unable to open database file"),
    ],
)
def test_only_a_failed_connection_is_unavailable(cause):
    middleware, calls = a_view_failing(2, driver_error(cause))

    response = middleware(RequestFactory().get("/api/v1/rounds/"))

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "detail": "The database is unavailable; try again shortly."
    }
    assert calls == ["GET", "GET"]


def test_another_operational_error_is_a_500_not_an_outage():
    missing = driver_error(sqlite3.OperationalError("no such table: deals_fundinground"))
    middleware, calls = a_view_failing(1, missing)

    response = middleware(RequestFactory().get("/api/v1/rounds/"))

    assert response.status_code == 500
    assert calls == ["GET"]


@pytest.mark.django_db
def test_an_unexpected_error_in_an_api_view_is_a_json_500_without_a_trace(monkeypatch):
    def broken():
        raise RuntimeError("secret internals at /srv/app/deals/api/views.py line 42")

    monkeypatch.setattr(SourceViewSet, "selector", staticmethod(broken))
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/sources/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Server error: the request could not be answered. It has been logged."
    }


@pytest.mark.django_db
def test_an_unexpected_error_in_a_page_is_still_the_plain_500_page(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("dashboards.views.render", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/rounds/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"secret internals" not in response.content
