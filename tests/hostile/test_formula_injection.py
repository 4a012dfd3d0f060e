"""CSV formula injection: every CSV the site writes (the API's ?format=csv, the pages' CSV
links, export_data and the admin's ZIP) gives a cell that starts with =, +, -, @, tab or CR a
leading apostrophe, so that a spreadsheet shows it as text; a number, negative too, is left
as it is. The importer removes the apostrophe again: export then import gives back the value."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from deals.exporting import export_all
from deals.importing import import_paths
from deals.models import ReportedMetric
from startups.models import Startup
from startups.spreadsheet import neutralise, restore
from tests.deals.test_export import empty_the_database
from tests.factories import ReportedMetricFactory, StaffFactory

from .records import FORMULAS, sourced, write_everywhere

pytestmark = pytest.mark.django_db
NEUTRALISED = {f"'{text}" for text in FORMULAS}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.5", "-12.5"),  # a number, not a formula
        ("-7", "-7"),
        ("'=x", "''=x"),  # an apostrophe of its own is kept through the round trip
        ("'plain", "'plain"),
        ("Zhipu", "Zhipu"),
        ("", ""),
    ],
)
def test_the_rule_and_its_inverse(value, cell):
    assert neutralise(value) == cell
    assert restore(cell) == value


def cells_of(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def test_the_api_csv_neutralises_every_text_cell_and_keeps_negative_numbers(writer, anonymous):
    for text in FORMULAS:
        write_everywhere(writer, text)
    ReportedMetricFactory(value=Decimal("-0.25"), metric="=cmd")

    for resource in ["startups", "investors", "rounds", "products", "sources", "fx-rates"]:
        body = anonymous.get(f"/api/v1/{resource}/", {"format": "csv"}).getvalue().decode()

        cells = cells_of(body)
        assert cells >= NEUTRALISED, resource
        assert not set(FORMULAS) & cells, resource
    metrics = cells_of(anonymous.get("/api/v1/reported-metrics/?format=csv").getvalue().decode())
    assert {"-0.250000", "'=cmd"} <= metrics


def test_export_data_neutralises_and_a_reimport_gives_the_values_back(writer, tmp_path):
    for text in FORMULAS:
        write_everywhere(writer, text)
    export_all(tmp_path / "first")
    names = {s.slug: (s.name_en, s.notes) for s in Startup.objects.all()}

    for path in (tmp_path / "first").iterdir():
        cells = cells_of(path.read_text(encoding="utf-8"))
        assert not set(FORMULAS) & cells, path.name
    assert cells_of((tmp_path / "first" / "startups.csv").read_text()) >= NEUTRALISED

    empty_the_database()
    assert import_paths([tmp_path / "first"]).ok
    export_all(tmp_path / "second")

    assert {s.slug: (s.name_en, s.notes) for s in Startup.objects.all()} == names
    for path in (tmp_path / "first").iterdir():
        assert (tmp_path / "second" / path.name).read_bytes() == path.read_bytes(), path.name


def test_export_data_keeps_a_negative_metric_a_number(tmp_path):
    sourced(ReportedMetricFactory(value=Decimal("-0.25")))

    export_all(tmp_path)

    rows = list(csv.DictReader((tmp_path / "metrics.csv").open(encoding="utf-8")))
    assert rows[0]["value"] == "-0.25"
    ReportedMetric.objects.all().delete()
    assert import_paths([tmp_path]).ok
    assert ReportedMetric.objects.get().value == Decimal("-0.25")


def test_the_admin_zip_export_neutralises(writer, client, django_capture_on_commit_callbacks):
    for text in FORMULAS:
        write_everywhere(writer, text)
    client.force_login(StaffFactory())

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("data-export"))
    response = client.get(f"{started['Location']}download/")

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    for name in archive.namelist():
        cells = cells_of(archive.read(name).decode("utf-8"))
        assert not set(FORMULAS) & cells, name
    assert cells_of(archive.read("startups.csv").decode("utf-8")) >= NEUTRALISED


def test_the_rounds_page_csv_neutralises(writer, client):
    for text in FORMULAS:
        write_everywhere(writer, text)

    body = client.get(reverse("dashboards:rounds-csv")).content.decode()

    cells = cells_of(body)
    assert not set(FORMULAS) & cells
    assert {'\'=HYPERLINK("http://evil.example")', "'-2+3"} <= cells  # the round labels


def test_a_workbook_cell_with_our_apostrophe_imports_as_the_value(tmp_path):
    (tmp_path / "startups.csv").write_text(
        "slug,name_en,founders\nf,'=1+1,'-2+3\n", encoding="utf-8"
    )

    assert import_paths([tmp_path]).ok

    startup = Startup.objects.get(slug="f")
    assert (startup.name_en, startup.founders) == ("=1+1", "-2+3")
