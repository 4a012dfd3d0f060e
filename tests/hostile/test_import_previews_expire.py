"""Import previews hold their files in the database until confirmed: unconfirmed ones expire
after IMPORT_PREVIEW_TTL_HOURS, deleted by an hourly task (or the command), and an expired one
cannot be confirmed."""

import datetime as dt
import importlib

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deals.models import PendingUpload
from deals.tasks import expire_bulk_data_task
from deals.uploads import pack
from startups.models import Startup
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

STARTUPS = b"slug,name_en\nzhipu,Zhipu AI\n"


def preview(uploader, *, hours_old: float) -> PendingUpload:
    pending = PendingUpload.objects.create(
        uploaded_by=uploader, file_names="startups.csv", payload=pack([("startups.csv", STARTUPS)])
    )
    # created_at is set on insert: age it afterwards.
    PendingUpload.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours_old)
    )
    return pending


def test_an_expired_preview_cannot_be_confirmed_and_says_why(client, signed_in_staff):
    pending = preview(signed_in_staff, hours_old=25)

    response = client.post(reverse("data-import-confirm", args=[pending.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("data-import")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This preview has expired: previews are kept 24 hours. "
        "Upload the files again to import them."
    ]
    assert not Startup.objects.exists()
    assert not PendingUpload.objects.exists()


def test_a_preview_within_its_time_is_confirmed(client, signed_in_staff):
    pending = preview(signed_in_staff, hours_old=23)

    response = client.post(reverse("data-import-confirm", args=[pending.pk]))

    assert response.status_code == 302
    assert Startup.objects.get().name_en == "Zhipu AI"


def test_the_task_deletes_expired_previews_only_and_a_rerun_finds_none(settings):
    settings.IMPORT_PREVIEW_TTL_HOURS = 2
    uploader = StaffFactory()
    fresh = preview(uploader, hours_old=1)
    for hours in (3, 48):
        preview(uploader, hours_old=hours)

    assert expire_bulk_data_task.delay().get() == 2
    assert expire_bulk_data_task.delay().get() == 0
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_command_deletes_them_too(capsys):
    preview(StaffFactory(), hours_old=30)

    call_command("expire_import_previews")

    assert capsys.readouterr().out == "1 import preview(s) older than 24 h deleted.\n"
    assert not PendingUpload.objects.exists()


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_scheduled_task_exists(entry):
    module, _, name = settings.CELERY_BEAT_SCHEDULE[entry]["task"].rpartition(".")
    assert hasattr(importlib.import_module(module), name)
