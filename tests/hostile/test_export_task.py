"""The admin's export is built by a task, never in the request that asks for it (a 100k-round
export once took 136 s in one request): the request records it and answers at once, a page
shows its progress, and the ZIP is downloaded from it when done."""

import io
import zipfile

import pytest
from django.urls import reverse

from deals import bulk_exports
from deals.models import DataExport
from deals.tasks import build_data_export_task, expire_bulk_data_task
from tests.factories import StaffFactory, StartupFactory

pytestmark = pytest.mark.django_db


def test_asking_for_an_export_builds_nothing_in_the_request(client, signed_in_staff):
    # Without its commit (a test's transaction), the queued build never runs: the answer
    # comes before any table is read.
    response = client.post(reverse("data-export"))

    export = DataExport.objects.get()
    assert response["Location"] == reverse("data-export-status", args=[export.pk])
    assert (export.status, export.files_done, export.archive) == ("pending", 0, None)
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress max="11" value="0"></progress>' in page
    assert client.get(f"{response['Location']}download/").status_code == 404


def test_the_task_builds_the_zip_and_the_page_offers_its_download(
    client, signed_in_staff, django_capture_on_commit_callbacks
):
    StartupFactory(slug="zhipu")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("data-export"))

    export = DataExport.objects.get()
    assert (export.status, export.files_done, export.files_total) == ("done", 11, 11)
    page = client.get(started["Location"]).content.decode()
    assert "refresh" not in page
    assert f'href="/admin/data/export/{export.pk}/download/"' in page
    download = client.get(f"{started['Location']}download/")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert "zhipu" in archive.read("startups.csv").decode()
    assert download["Content-Disposition"].startswith('attachment; filename="tracker-export-')


def test_a_rerun_of_the_task_finds_the_export_claimed_and_does_nothing(
    signed_in_staff, monkeypatch
):
    export = DataExport.objects.create(
        requested_by=signed_in_staff, status=DataExport.Status.RUNNING
    )
    monkeypatch.setattr(bulk_exports, "export_all", lambda *a, **k: pytest.fail("rebuilt"))

    build_data_export_task.delay(export.pk)

    export.refresh_from_db()
    assert export.status == "running"


def test_a_failed_build_is_shown_as_failed(client, signed_in_staff, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bulk_exports, "export_all", broken)
    export = DataExport.objects.create(requested_by=signed_in_staff)

    build_data_export_task.delay(export.pk)

    export.refresh_from_db()
    assert (export.status, export.error) == ("failed", "disk full")
    page = client.get(reverse("data-export-status", args=[export.pk])).content.decode()
    assert "The export failed; start another one." in page


def test_another_users_export_is_not_found(client, signed_in_staff):
    other = DataExport.objects.create(requested_by=StaffFactory(), status="done", archive=b"")

    assert client.get(reverse("data-export-status", args=[other.pk])).status_code == 404
    assert client.get(reverse("data-export-download", args=[other.pk])).status_code == 404


def test_exports_expire_with_the_hourly_task(signed_in_staff, settings):
    settings.EXPORT_TTL_HOURS = 0
    DataExport.objects.create(requested_by=signed_in_staff, status="done", archive=b"")

    assert expire_bulk_data_task.delay().get() == 1
    assert not DataExport.objects.exists()
