"""No query holds a worker for minutes: every PostgreSQL connection starts with the web's
statement timeout, a query past it answers 503 (JSON under /api/, a page elsewhere) without
a retry, and only the refresh and the import run with the long one, for their transaction."""

import json

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from rest_framework.decorators import api_view

from config.database import libpq_parameters
from config.urls import urlpatterns as site_urlpatterns
from dashboards import refresh
from deals.management.commands import import_data
from startups.statement_timeout import extend_statement_timeout

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SAMPLE_SOURCES = "data/sample/sources.csv"
# A statement timeout far below the query the slow view runs.
TINY_TIMEOUT_MS = 50
SLEEP_SECONDS = 2

slow_calls: list[str] = []


def slow_view(request):
    """Stands for any query that runs too long (a search of 1,500 terms)."""
    slow_calls.append(request.path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [SLEEP_SECONDS])
    return HttpResponse("done")


urlpatterns = [
    # Through DRF, as every API view: its exception handler passes the error on to Django's.
    path("api/v1/slow/", api_view(["GET"])(slow_view)),
    path("slow/", slow_view),
    *site_urlpatterns,
]


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def set_tiny_timeout() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(TINY_TIMEOUT_MS)])


def test_every_connection_starts_with_the_web_statement_timeout(settings):
    assert settings.DATABASE_STATEMENT_TIMEOUT == 10
    assert "-c statement_timeout=10000" in connection.settings_dict["OPTIONS"]["options"]
    assert statement_timeout() == "10s"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "content_type"),
    [("/api/v1/slow/", "application/json"), ("/slow/", "text/html; charset=utf-8")],
    ids=["api", "page"],
)
def test_a_query_past_the_timeout_answers_503_saying_so_and_is_not_retried(
    client, url, content_type
):
    # Given a statement timeout far below what the view's query takes
    set_tiny_timeout()
    slow_calls.clear()

    # When a GET (which an outage would retry) runs that query
    response = client.get(url)

    # Then PostgreSQL stops it and the client is told, once: no 500, no second run
    assert response.status_code == 503
    assert response["Content-Type"] == content_type
    assert "Retry-After" not in response
    message = (
        "The request took longer than 10 seconds in the database and was stopped. "
        "Ask for less (fewer search terms, a narrower filter) or try again later."
    )
    if url.startswith("/api/"):
        assert json.loads(response.content) == {"detail": message}
    else:
        assert message in response.content.decode()
    assert slow_calls == [url]


@pytest.mark.urls(__name__)
def test_the_timeout_message_is_translated(client):
    set_tiny_timeout()

    response = client.get("/api/v1/slow/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 503
    assert json.loads(response.content)["detail"].startswith("该请求在数据库中运行超过 10 秒")


def test_the_refresh_runs_with_the_long_timeout(monkeypatch):
    seen = []
    monkeypatch.setattr(
        refresh, "recompute_everything", lambda stamp: seen.append(statement_timeout())
    )

    refresh.refresh_full()

    assert seen == ["10min"]


def test_the_import_command_runs_with_the_long_timeout(monkeypatch):
    seen = []
    real_import = import_data.import_paths

    def import_paths(*args, **kwargs):
        seen.append(statement_timeout())
        return real_import(*args, **kwargs)

    monkeypatch.setattr(import_data, "import_paths", import_paths)

    call_command("import_data", SAMPLE_SOURCES, verbosity=0)

    assert seen == ["10min"]


def test_the_long_timeout_ends_with_its_transaction(settings):
    # Given a connection of its own (the test's transaction would outlast any inside it),
    # started as the site starts every connection
    settings.DATABASE_LONG_STATEMENT_TIMEOUT = 90
    with psycopg.connect(**libpq_parameters(connection.settings_dict)) as own:
        # When a transaction takes the long timeout
        with own.transaction(), own.cursor() as cursor:
            extend_statement_timeout(cursor)
            inside = cursor.execute("SHOW statement_timeout").fetchone()[0]
        # Then it has it, and what the connection runs after it has the web's again
        after = own.execute("SHOW statement_timeout").fetchone()[0]

    assert (inside, after) == ("90s", "10s")
