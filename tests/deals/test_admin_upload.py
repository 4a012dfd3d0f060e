"""Upload in the admin: a preview of what would change, then the same pipeline on confirm."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from deals.models import FundingRound, Investor, PendingUpload
from startups.models import Startup
from tests.deals.claim_files import CLAIMS, RECORD_FILES
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

STARTUPS = b"slug,name_en,name_zh\nzhipu,Zhipu AI,\xe6\x99\xba\xe8\xb0\xb1\n"
ROUNDS = (
    b"startup_slug,announced_on,round_label,amount,amount_currency,source_url\n"
    b"zhipu,2024-05,Series B,100,USD,https://a.example/1\n"
)


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.user = staff
    return client


def upload(client, *files):
    return client.post(reverse("data-import"), {"files": list(files)})


def test_an_upload_is_previewed_and_written_only_on_confirmation(staff_client):
    response = upload(
        staff_client,
        SimpleUploadedFile("startups.csv", STARTUPS),
        SimpleUploadedFile("rounds.csv", ROUNDS),
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.files["startups.csv"].created, report.files["rounds.csv"].created) == (1, 1)
    assert Startup.objects.count() == 0
    pending = response.context["pending"]

    confirmed = staff_client.post(reverse("data-import-confirm", args=[pending.pk]))

    assert confirmed.status_code == 302
    funding_round = FundingRound.objects.get()
    assert funding_round.startup.name_zh == "智谱"
    assert funding_round.history.get().history_user == staff_client.user
    assert not PendingUpload.objects.exists()


def test_a_bad_upload_shows_each_problem_and_cannot_be_confirmed(staff_client):
    bad = ROUNDS.replace(b",100,", b",-5,")
    response = upload(
        staff_client,
        SimpleUploadedFile("startups.csv", STARTUPS),
        SimpleUploadedFile("rounds.csv", bad),
    )
    assert "rounds.csv line 2, column amount: must not be negative (got -5)" in (
        response.content.decode()
    )
    assert response.context["pending"] is None
    assert Startup.objects.count() == 0


def test_an_xlsx_workbook_imports_one_sheet_per_table(staff_client):
    workbook = Workbook()
    investors = workbook.active
    investors.title = "investors"
    investors.append(["slug", "name_en", "parent_slug"])
    investors.append(["alibaba", "Alibaba Group", None])
    investors.append(["alibaba_cloud", "Alibaba Cloud", "alibaba"])
    fx = workbook.create_sheet("fx_rates")
    fx.append(["month", "currency", "units_per_usd"])
    fx.append(["2024-01", "CNY", 7.1])
    content = io.BytesIO()
    workbook.save(content)

    response = upload(staff_client, SimpleUploadedFile("data.xlsx", content.getvalue()))
    assert response.context["report"].ok, response.context["report"].problems
    staff_client.post(reverse("data-import-confirm", args=[response.context["pending"].pk]))

    assert Investor.objects.get(slug="alibaba_cloud").parent.slug == "alibaba"


def test_a_csv_file_whose_name_is_no_table_is_refused_naming_the_tables(staff_client):
    response = upload(
        staff_client,
        SimpleUploadedFile("startups.csv", STARTUPS),
        SimpleUploadedFile("round.csv", ROUNDS),
    )

    assert [str(problem) for problem in response.context["report"].problems] == [
        "round.csv: is not a file of the import format: a file is named after its table, one "
        "of sources.csv, fx_rates.csv, investors.csv, startups.csv, rounds.csv, "
        "participations.csv, valuations.csv, metrics.csv, products.csv, compute.csv, claims.csv"
    ]
    assert response.context["pending"] is None


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(staff_client):
    response = upload(staff_client, SimpleUploadedFile("rounds.txt", ROUNDS))
    assert "rounds.txt is neither CSV nor XLSX." in response.content.decode()


def test_staff_without_import_permissions_cannot_upload(client):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_fundinground"))
    client.force_login(clerk)
    assert client.get(reverse("data-import")).status_code == 403


def test_the_export_is_a_zip_of_every_table(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = staff_client.post(reverse("data-export"))
    response = staff_client.get(f"{started['Location']}download/")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert response["Content-Type"] == "application/zip"
    assert sorted(names) == sorted(
        f"{n}.csv"
        for n in (
            "sources",
            "fx_rates",
            "investors",
            "startups",
            "rounds",
            "participations",
            "valuations",
            "metrics",
            "products",
            "compute",
            "claims",
        )
    )


def test_claims_csv_is_previewed_with_the_records_it_names(staff_client):
    files = {**RECORD_FILES, "claims.csv": CLAIMS}
    response = upload(
        staff_client, *(SimpleUploadedFile(name, text.encode()) for name, text in files.items())
    )

    report = response.context["report"]
    assert report.ok, report.problems
    assert report.files["claims.csv"].created == 4
    assert "claims.csv" in response.content.decode()
    assert response.context["pending"] is not None
    assert FundingRound.objects.count() == 0
