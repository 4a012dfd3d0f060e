"""Every write, through the admin, the API or an import, is in the history with who and when."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from deals.management.commands.import_data import COMMAND_LINE_USER
from deals.models import FundingRound
from startups.models import Startup
from tests.api.conftest import token_for, with_token
from tests.factories import InvestorFactory, StartupFactory
from tests.startups.test_admin import admin_form_data, admin_url, form_errors

pytestmark = pytest.mark.django_db

STARTUPS_CSV = "slug,name_en,source_url\nhist-co,History Co,https://example.com/s\n"
ROUNDS_CSV = (
    "startup_slug,announced_on,round_label,amount,amount_currency,source_url\n"
    "hist-co,2024-05,Series A,{amount},USD,https://example.com/r\n"
)


def assert_recorded(record, kind: str, user, started: dt.datetime) -> None:
    """`record` (or a history row itself) has a change of `kind` by `user`, made since
    `started`; every change of it since then names that user."""
    if hasattr(record, "history_type"):
        rows = [record]
    else:
        rows = list(record.history.filter(history_date__gte=started))
    assert kind in [row.history_type for row in rows]
    assert {row.history_user for row in rows} == {user}
    assert all(started <= row.history_date <= timezone.now() for row in rows)


def test_an_admin_change_and_delete_name_the_signed_in_user(admin_client, admin_user):
    startup = StartupFactory(slug="zhipu", name_en="Zhipu")
    data = admin_form_data(admin_client.get(admin_url(Startup, "change", startup.pk)))
    data["name_en"] = "Zhipu AI"
    started = timezone.now()

    response = admin_client.post(admin_url(Startup, "change", startup.pk), data)
    assert response.status_code == 302, form_errors(response)
    assert_recorded(startup, "~", admin_user, started)

    response = admin_client.post(admin_url(Startup, "delete", startup.pk), {"post": "yes"})
    assert response.status_code == 302
    assert_recorded(Startup.history.get(id=startup.pk, history_type="-"), "-", admin_user, started)


def test_an_admin_bulk_delete_records_each_record_with_the_user(admin_client, admin_user):
    startups = [StartupFactory(), StartupFactory()]
    started = timezone.now()

    response = admin_client.post(
        admin_url(Startup, "changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in startups], "post": "yes"},
    )

    assert response.status_code == 302
    deleted = Startup.history.filter(history_type="-")
    assert sorted(deleted.values_list("id", flat=True)) == sorted(s.pk for s in startups)
    for record in deleted:
        assert_recorded(record, "-", admin_user, started)


def test_api_writes_name_the_token_s_user():
    user = get_user_model().objects.create_superuser("api-writer", "w@example.com", "x")
    caller = with_token(token_for(user))
    StartupFactory(slug="zhipu")
    InvestorFactory(slug="alibaba")
    started = timezone.now()

    created = caller.post(
        "/api/v1/rounds/",
        {
            "startup": "zhipu",
            "announced_on": "2024-05",
            "round_label": "Series B",
            "amount": "1000000",
            "amount_currency": "USD",
            "source_urls": ["https://example.com/r"],
            "participants": [{"investor": "alibaba", "is_lead": True}],
        },
    )
    assert created.status_code == 201, created.json()
    funding_round = FundingRound.objects.get(pk=created.json()["id"])
    assert_recorded(funding_round, "+", user, started)
    assert_recorded(funding_round.participations.get(), "+", user, started)

    assert (
        caller.patch(f"/api/v1/rounds/{funding_round.pk}/", {"amount": "2000000"}).status_code
        == 200
    )
    assert_recorded(funding_round, "~", user, started)

    assert caller.delete(f"/api/v1/rounds/{funding_round.pk}/").status_code == 204
    deleted = FundingRound.history.get(id=funding_round.pk, history_type="-")
    assert_recorded(deleted, "-", user, started)


def write_import(folder: Path, amount: int) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "startups.csv").write_text(STARTUPS_CSV)
    (folder / "rounds.csv").write_text(ROUNDS_CSV.format(amount=amount))
    return folder


def test_an_import_names_the_user_given_with_user(tmp_path):
    user = get_user_model().objects.create_user("analyst")
    started = timezone.now()

    call_command("import_data", str(write_import(tmp_path, 1000000)), user="analyst")
    funding_round = FundingRound.objects.get(startup__slug="hist-co")
    assert_recorded(funding_round, "+", user, started)
    assert_recorded(funding_round.startup, "+", user, started)

    call_command("import_data", str(write_import(tmp_path, 2000000)), user="analyst")
    assert_recorded(funding_round, "~", user, started)
    assert funding_round.history.first().history_change_reason == "import rounds.csv"


def test_an_import_without_user_names_the_command_line_account(tmp_path):
    started = timezone.now()
    call_command("import_data", str(write_import(tmp_path, 1000000)))

    account = get_user_model().objects.get(username=COMMAND_LINE_USER)
    assert_recorded(FundingRound.objects.get(startup__slug="hist-co"), "+", account, started)
    assert not account.is_active
    assert not account.has_usable_password()


def test_an_import_for_an_unknown_user_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(CommandError, match="--user nobody: no such user"):
        call_command("import_data", str(write_import(tmp_path, 1000000)), user="nobody")

    assert not FundingRound.objects.exists()
