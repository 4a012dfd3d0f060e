"""The write paths with DEBUG on, the configuration `make run` serves: Django then logs every
query, formatting its SQL with its parameters, which raw SQL with a bare `%` does not survive.

The whole suite already sends its queries through that log (tests/conftest.py); here DEBUG is
on for real, through the import command, a full refresh, the API's writes and the admin's,
each followed by the incremental refresh it queues, as a newcomer's first session does."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from deals.models import FundingRound, Investor
from startups.models import Source, Startup
from tests.factories import StaffFactory
from tests.startups.test_admin import admin_form_data, admin_url, form_errors

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
ALIBABA_2026 = {"investor": "alibaba", "period": "year", "since": "2026-01-01"}


@pytest.fixture
def debug_site(settings, django_capture_on_commit_callbacks):
    """The sample data imported and refreshed by the commands, with DEBUG on throughout;
    returns a function that runs the refresh each later write queues on commit."""
    settings.DEBUG = True
    assert connection.queries_logged
    call_command("import_data", str(SAMPLE), verbosity=0)
    call_command("refresh_aggregates", "--full", verbosity=0)

    def committed(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return committed


def alibaba_2026(client: Client) -> dict:
    response = client.get("/api/v1/stats/ai-deal-share/", ALIBABA_2026)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["refresh_pending"] is False
    (row,) = body["results"]
    return row


def test_api_writes_refresh_the_figures_with_debug_on(debug_site):
    client = Client(headers={"Authorization": f"Token {token_of(StaffFactory())}"})
    before = alibaba_2026(client)
    new_round = {
        "startup": "moonshot",
        "announced_on": "2026-11",
        "round_label": "Series D",
        "amount": "100000000",
        "amount_currency": "USD",
        "source_urls": ["https://news.example.com/moonshot-series-d"],
        "participants": [{"investor": "alibaba", "is_lead": True}],
    }

    created = debug_site(
        lambda: client.post("/api/v1/rounds/", new_round, content_type="application/json")
    )
    assert created.status_code == 201, created.content
    added = alibaba_2026(client)
    assert added["deals_total"] == before["deals_total"] + 1
    assert added["deals_disclosed"] == before["deals_disclosed"] + 1

    path = f"/api/v1/rounds/{created.json()['id']}/"
    patched = debug_site(
        lambda: client.patch(path, {"amount": None}, content_type="application/json")
    )
    assert patched.status_code == 200, patched.content
    assert alibaba_2026(client)["deals_disclosed"] == before["deals_disclosed"]

    deleted = debug_site(lambda: client.delete(path))
    assert deleted.status_code == 204
    assert alibaba_2026(client) == before


def test_admin_writes_refresh_the_figures_with_debug_on(debug_site, admin_client):
    before = alibaba_2026(admin_client)
    add = admin_url(FundingRound, "add")
    data = admin_form_data(admin_client.get(add))
    data.update(
        {
            "startup": str(Startup.objects.get(slug="minimax").pk),
            "round_label": "Series E",
            "announced_on": "2026-10-15",
            "sources": [str(Source.objects.first().pk)],
            "participations-TOTAL_FORMS": "1",
            "participations-0-investor": str(investor_pk("alibaba")),
            "participations-0-is_lead": "on",
        }
    )

    response = debug_site(lambda: admin_client.post(add, data))

    assert response.status_code == 302, form_errors(response)
    assert alibaba_2026(admin_client)["deals_total"] == before["deals_total"] + 1

    startup = Startup.objects.get(slug="minimax")
    change = admin_url(Startup, "change", startup.pk)
    data = admin_form_data(admin_client.get(change))
    data["city"] = "Shanghai (edited)"
    response = debug_site(lambda: admin_client.post(change, data))
    assert response.status_code == 302, form_errors(response)
    startup.refresh_from_db()
    assert startup.city == "Shanghai (edited)"


def test_a_second_import_and_a_full_refresh_with_debug_on_change_nothing(debug_site):
    client = Client()
    before = alibaba_2026(client)

    call_command("import_data", str(SAMPLE), verbosity=0)
    call_command("refresh_aggregates", "--full", verbosity=0)

    assert alibaba_2026(client) == before
    assert FundingRound.objects.filter(announced_on__gte=dt.date(2026, 1, 1)).exists()


def investor_pk(slug: str) -> int:
    return Investor.objects.get(slug=slug).pk


def token_of(user) -> str:
    return AuthToken.objects.create(user=user)[1]
