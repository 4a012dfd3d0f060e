"""An import report lists the first IMPORT_REPORT_MAX_ERRORS errors of each file and counts the
rest, wherever it is shown: 300,000 bad rows once made the admin's preview 34 MB of HTML."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from deals.models import PendingUpload
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

STARTUPS = b"slug,name_en\nzhipu,Zhipu AI\n"
HEADER = b"startup_slug,announced_on,round_label,amount,amount_currency,source_url\n"


def rounds_with_negative_amounts(count: int) -> bytes:
    rows = [
        f"zhipu,2024-05,Series {n},-5,USD,https://a.example/{n}\n".encode() for n in range(count)
    ]
    return HEADER + b"".join(rows)


def negative_amount(line: int) -> str:
    return f"rounds.csv line {line}, column amount: must not be negative (got -5)"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def upload(client, *files, **headers):
    return client.post(reverse("data-import"), {"files": list(files)}, **headers)


def listed_errors(response) -> list[str]:
    return re.findall(r"<li>([^<]*)</li>", response.content.decode())


def test_the_admin_preview_lists_the_first_errors_of_each_file_and_counts_the_rest(
    staff_client, settings
):
    settings.IMPORT_REPORT_MAX_ERRORS = 3
    bad_startups = b"slug,name_en\nzhipu,Zhipu AI\n" + b"".join(
        f"bad {n},Bad\n".encode() for n in range(5)
    )

    response = upload(
        staff_client,
        SimpleUploadedFile("startups.csv", bad_startups),
        SimpleUploadedFile("rounds.csv", rounds_with_negative_amounts(200)),
    )

    report = response.context["report"]
    assert (report.files["startups.csv"].errors, report.files["rounds.csv"].errors) == (10, 200)
    assert report.error_count == 210
    rounds_listed = [line for line in listed_errors(response) if line.startswith("rounds.csv")]
    assert rounds_listed == [
        negative_amount(2),
        negative_amount(3),
        negative_amount(4),
        "rounds.csv: and 197 more errors",
    ]
    assert "startups.csv: and 7 more errors" in listed_errors(response)
    assert response.context["pending"] is None
    assert not PendingUpload.objects.exists()


def test_one_more_error_is_told_in_the_singular_and_in_chinese(staff_client, settings):
    settings.IMPORT_REPORT_MAX_ERRORS = 2
    files = [
        SimpleUploadedFile("startups.csv", STARTUPS),
        SimpleUploadedFile("rounds.csv", rounds_with_negative_amounts(3)),
    ]

    english = upload(staff_client, *files)
    for file in files:
        file.seek(0)
    chinese = upload(staff_client, *files, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert listed_errors(english)[-1] == "rounds.csv: and 1 more error"
    assert listed_errors(chinese)[-1] == "rounds.csv\N{FULLWIDTH COLON}另有 1 个错误"


def test_a_file_within_the_limit_lists_every_error_and_no_count(staff_client, settings):
    settings.IMPORT_REPORT_MAX_ERRORS = 3
    response = upload(
        staff_client,
        SimpleUploadedFile("startups.csv", STARTUPS),
        SimpleUploadedFile("rounds.csv", rounds_with_negative_amounts(3)),
    )

    assert listed_errors(response) == [negative_amount(2), negative_amount(3), negative_amount(4)]


def test_import_data_prints_the_same_bounded_report(tmp_path, settings, capsys):
    settings.IMPORT_REPORT_MAX_ERRORS = 2
    (tmp_path / "startups.csv").write_bytes(STARTUPS)
    (tmp_path / "rounds.csv").write_bytes(rounds_with_negative_amounts(50))

    with pytest.raises(CommandError) as failed:
        call_command("import_data", str(tmp_path))

    assert str(failed.value) == "50 error(s); nothing was written."
    assert capsys.readouterr().err.splitlines() == [
        negative_amount(2),
        negative_amount(3),
        "rounds.csv: and 48 more error(s)",
    ]
