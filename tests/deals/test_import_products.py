"""A product's generative-AI filing in the import format: its date at the precision the source
gives (a batch dated by its month) and its number when known, written back by the export."""

import datetime as dt

import pytest
from django.core.management import call_command

from deals.importing import import_paths
from startups.models import ModelProduct
from tests.deals.import_files import STARTUPS, problems_of, write

pytestmark = pytest.mark.django_db
HEADER = "startup_slug,name,launched_on,cac_filing_on,cac_filing_number,source_url\n"


def test_a_filing_date_keeps_its_precision_and_its_number_through_import_and_export(tmp_path):
    folder = write(
        tmp_path / "in",
        {
            "startups.csv": STARTUPS,
            "products.csv": HEADER
            + "zhipu,Example Model A,2024-01-16,2024-01,EXAMPLE-0001,https://a.example/1\n"
            + "zhipu,Example Model B,2024-01-16,,,https://a.example/1\n",
        },
    )

    assert import_paths([folder]).ok
    call_command("export_data", str(tmp_path / "out"))

    product = ModelProduct.objects.get(name="Example Model A")
    assert (product.cac_filing_on, product.cac_filing_precision, product.cac_filing_number) == (
        dt.date(2024, 1, 1),
        "month",
        "EXAMPLE-0001",
    )
    exported = (tmp_path / "out" / "products.csv").read_text(encoding="utf-8").splitlines()
    columns = exported[0].split(",")
    rows = [dict(zip(columns, line.split(","), strict=False)) for line in exported[1:]]
    assert [
        (r["name"], r["cac_filing_on"], r["cac_filing_precision"], r["cac_filing_number"])
        for r in rows
    ] == [("Example Model A", "2024-01", "month", "EXAMPLE-0001"), ("Example Model B", "", "", "")]


def test_a_filing_date_that_is_no_date_is_refused_naming_its_column(tmp_path):
    folder = write(
        tmp_path,
        {
            "startups.csv": STARTUPS,
            "products.csv": HEADER + "zhipu,Example Model A,,January,,https://a.example/1\n",
        },
    )

    (problem,) = problems_of(folder)
    assert problem.startswith("products.csv line 2, column cac_filing_on: ")
    assert ModelProduct.objects.count() == 0
