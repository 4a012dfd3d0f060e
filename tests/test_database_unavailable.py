"""A lost database connection answers 503 with Retry-After; a read is retried once first.

A real outage, a PostgreSQL server stopped under traffic: tests/faults/test_postgres_restart.py.
"""

import json

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import DatabaseUnavailableMiddleware


def a_view_failing(times: int, error: Exception):
    """A stand-in for Django's handler: the middleware's process_exception, then the view."""
    calls = []

    def handler(request):
        calls.append(request.method)
        if len(calls) <= times:
            return middleware.process_exception(request, error) or HttpResponse(status=500)
        return HttpResponse("fine")

    middleware = DatabaseUnavailableMiddleware(handler)
    return middleware, calls


def test_a_read_that_loses_its_connection_once_is_answered_by_the_retry():
    middleware, calls = a_view_failing(1, OperationalError("server closed the connection"))

    response = middleware(RequestFactory().get("/rounds/"))

    assert (response.status_code, response.content) == (200, b"fine")
    assert calls == ["GET", "GET"]


def test_a_read_while_the_database_stays_down_is_a_503_with_retry_after():
    middleware, calls = a_view_failing(2, OperationalError("connection refused"))

    response = middleware(RequestFactory().get("/rounds/"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Temporarily unavailable" in response.content
    assert calls == ["GET", "GET"]


def test_a_write_is_never_retried_and_the_api_answers_json():
    middleware, calls = a_view_failing(1, InterfaceError("connection already closed"))

    response = middleware(RequestFactory().post("/api/v1/rounds/", {}))

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "detail": "The database is unavailable; try again shortly."
    }
    assert calls == ["POST"]


def test_other_errors_are_left_to_django():
    middleware, calls = a_view_failing(1, ValueError("a bug"))

    response = middleware(RequestFactory().get("/"))

    assert response.status_code == 500
    assert calls == ["GET"]
