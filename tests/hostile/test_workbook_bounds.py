"""A workbook is read within bounds of rows and columns, whatever its sheets declare: a 2 KB
XLSX declaring `A1:XFD1048576` once made openpyxl pad to 16,384 columns and 1,048,576 rows
until the worker was killed (17 GB of CSV had it run on)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from deals.models import PendingUpload
from deals.uploads import csv_files_of
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="startups" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
# The whole sheet declared, a header in A1 and one cell in the very last one: all a reader
# that trusts the declaration needs to fill 17 billion cells.
HOSTILE_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1:XFD1048576"/><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>slug</t></is></c>'
    '<c r="XFD1" t="inlineStr"><is><t>name_en</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    "</sheetData></worksheet>"
)


def hostile_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", HOSTILE_SHEET)
    return buffer.getvalue()


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def upload(client, name: str, content: bytes):
    return client.post(reverse("data-import"), {"files": [SimpleUploadedFile(name, content)]})


def workbook_of(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "startups"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_declaring_every_cell_is_refused_at_the_row_limit(staff_client, settings):
    settings.IMPORT_XLSX_MAX_ROWS = 1000
    content = hostile_workbook()
    assert len(content) < 2048

    response = upload(staff_client, "startups.xlsx", content)

    assert response.context["form"].errors["files"] == [
        "startups.xlsx has more than 1000 rows; the upload reads at most 1000. "
        "Use `manage.py import_data` with CSV files instead."
    ]
    assert not PendingUpload.objects.exists()


def test_the_default_limits_stop_the_hostile_sheet_at_the_row_limit():
    # The sheet declares 1,048,576 rows of 16,384 cells: the read stops after 100,001 of
    # them (about 0.2 s here), not after padding every declared cell (still running at 60 s).
    with pytest.raises(ValidationError) as refused:
        csv_files_of("startups.xlsx", hostile_workbook())

    assert refused.value.messages == [
        "startups.xlsx has more than 100000 rows; the upload reads at most 100000. "
        "Use `manage.py import_data` with CSV files instead."
    ]


def test_a_sheet_wider_than_the_column_limit_is_refused_naming_it(staff_client, settings):
    settings.IMPORT_XLSX_MAX_COLUMNS = 3
    content = workbook_of([["slug", "name_en", "name_zh", "website"], ["zhipu", "Zhipu AI"]])

    response = upload(staff_client, "startups.xlsx", content)

    assert response.context["form"].errors["files"] == [
        "startups.xlsx, sheet startups, has more than 3 columns; the upload reads at most 3."
    ]


def test_a_sheet_at_the_limits_is_read_whole_with_its_line_numbers(staff_client, settings):
    settings.IMPORT_XLSX_MAX_ROWS = 4
    settings.IMPORT_XLSX_MAX_COLUMNS = 2
    content = workbook_of([["slug", "name_en"], ["zhipu", "Zhipu AI"], [], ["moonshot", ""]])

    response = upload(staff_client, "startups.xlsx", content)

    assert [str(problem) for problem in response.context["report"].problems] == [
        "startups.csv line 4, column name_en: This field cannot be blank."
    ]
    assert response.context["report"].files["startups.csv"].errors == 1
