"""Oversized bodies and uploads: each limit (config/request_limits.py, from the environment)
refuses what is over it with 413 and a message (JSON in the API), or 400 with a message for
too many fields; never a 500, never a body read into memory first."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deals.models import PendingUpload
from startups.models import Source
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

STARTUPS = b"slug,name_en\nzhipu,Zhipu AI\n"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_an_api_body_over_the_limit_is_a_413_in_json(writer, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = {"url": "https://example.com/big", "notes": "x" * 1000}

    response = writer.post("/api/v1/sources/", body)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    size = len(json.dumps(body))
    assert response.json() == {
        "detail": f"The request body is {size / 2**20:.1f} MB; at most 0.0 MB (1000 bytes) "
        "is accepted here."
    }
    assert not Source.objects.exists()


def test_an_api_body_within_the_limit_is_written(writer, settings):
    settings.API_MAX_BODY_BYTES = 1000

    response = writer.post("/api/v1/sources/", {"url": "https://example.com/small"})

    assert response.status_code == 201


def test_the_api_limit_holds_for_every_writing_method_and_for_forms(writer, settings):
    settings.API_MAX_BODY_BYTES = 100
    source_id = writer.post("/api/v1/sources/", {"url": "https://e.com/a"}).json()["id"]
    big = {"url": "https://example.com/big", "notes": "x" * 200}

    assert writer.put(f"/api/v1/sources/{source_id}/", big).status_code == 413
    assert writer.patch(f"/api/v1/sources/{source_id}/", big).status_code == 413
    form = writer.client.post(
        "/api/v1/sources/", big, HTTP_AUTHORIZATION=writer.headers["HTTP_AUTHORIZATION"]
    )
    assert form.status_code == 413


def test_the_default_api_limit_is_one_megabyte(writer):
    response = writer.post("/api/v1/sources/", {"url": "https://e.com/", "notes": "x" * 2**20})

    assert response.status_code == 413
    assert "at most 1.0 MB (1048576 bytes)" in response.json()["detail"]


def test_the_schema_documents_the_413_of_each_write(client):
    schema = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)

    for method in ("post",):
        assert "413" in schema["paths"]["/api/v1/sources/"][method]["responses"]
    for method in ("put", "patch"):
        assert "413" in schema["paths"]["/api/v1/sources/{id}/"][method]["responses"]
    assert "413" not in schema["paths"]["/api/v1/sources/"]["get"]["responses"]


def test_a_page_form_body_over_the_memory_limit_is_a_413(staff_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = staff_client.post("/i18n/setlang/", {"language": "en", "next": "x" * 2000})

    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "at most 0.0 MB (1000 bytes) is accepted here." in response.content.decode()


def test_too_many_form_fields_is_a_400_that_says_so(staff_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = staff_client.post(
        reverse("admin:startups_source_changelist"),
        {"action": "delete_selected", "_selected_action": [str(n) for n in range(20)]},
    )

    assert response.status_code == 400
    assert response.content.decode() == "Too many fields: at most 10 are accepted."


def test_multipart_fields_over_the_memory_limit_are_a_413(staff_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.IMPORT_UPLOAD_MAX_BYTES = 10_000
    # Under the request's limit (upload + memory), but its plain fields exceed the memory one.

    response = staff_client.post(
        reverse("data-import"),
        {"note": "x" * 2000, "files": [SimpleUploadedFile("startups.csv", STARTUPS)]},
    )

    assert response.status_code == 413
    assert "is accepted here" in response.content.decode()


def test_an_import_upload_over_the_limit_is_refused_before_it_is_read(staff_client, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = SimpleUploadedFile("startups.csv", STARTUPS + b"x" * 3000)

    response = upload(staff_client, big)

    assert response.status_code == 413
    assert response.content.decode().endswith(
        "Load larger files with `manage.py import_data`, which streams."
    )
    assert not PendingUpload.objects.exists()


def test_an_import_file_over_the_limit_within_the_request_is_refused_in_the_form(
    staff_client, settings
):
    settings.IMPORT_UPLOAD_MAX_BYTES = 2 * 2**20
    big = SimpleUploadedFile("startups.csv", STARTUPS + b"x" * (2 * 2**20))

    response = upload(staff_client, big)

    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [
        "startups.csv is 2 MB; uploads are limited to 2 MB. "
        "Use `manage.py import_data` for larger files."
    ]
    assert not PendingUpload.objects.exists()


def test_too_many_files_is_a_400_that_says_so(staff_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"startups{n}.csv", STARTUPS) for n in range(5)]

    response = upload(staff_client, *files)

    assert response.status_code == 400
    assert response.content.decode() == "Too many files: at most 3 are accepted."


def upload(client, *files):
    return client.post(reverse("data-import"), {"files": list(files)})


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_unread(staff_client, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 2**20  # a workbook may unpack to 50 times that
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 2**20))
    bomb = SimpleUploadedFile("rounds.xlsx", buffer.getvalue())
    assert bomb.size < 2**20

    response = upload(staff_client, bomb)

    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [
        "rounds.xlsx unpacks to 60 MB, more than 50 MB. "
        "Use `manage.py import_data` with CSV files instead."
    ]
    assert not PendingUpload.objects.exists()
