"""import_data FOLDER: every CSV file in the folder is a table of the import format or an
error; other files (its README) are left alone; a folder with nothing to import is an error."""

import pytest
from django.core.management import CommandError, call_command

from deals.importing import import_paths
from deals.models import FundingRound
from tests.deals.import_files import GOOD_ROUND, ROUND_HEADER, problems_of, write

pytestmark = pytest.mark.django_db

KNOWN = (
    "a file is named after its table, one of sources.csv, fx_rates.csv, investors.csv, "
    "startups.csv, rounds.csv, participations.csv, valuations.csv, metrics.csv, "
    "products.csv, compute.csv, claims.csv"
)


def test_a_csv_file_with_an_unknown_name_fails_the_command_naming_it(base, capsys):
    folder = write(base / "in", {"round.csv": ROUND_HEADER + GOOD_ROUND})

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_data", str(folder))

    assert capsys.readouterr().err == f"round.csv: is not a file of the import format: {KNOWN}\n"
    assert not FundingRound.objects.exists()


def test_one_unknown_csv_file_refuses_the_known_ones_beside_it(base):
    folder = write(
        base / "in",
        {"rounds.csv": ROUND_HEADER + GOOD_ROUND, "rounds_2025.csv": ROUND_HEADER + GOOD_ROUND},
    )

    assert problems_of(folder) == [f"rounds_2025.csv: is not a file of the import format: {KNOWN}"]


def test_the_readme_and_a_workbook_beside_the_csv_files_are_left_alone(base):
    folder = write(
        base / "in",
        {
            "ROUNDS.CSV": ROUND_HEADER + GOOD_ROUND,
            "README.md": "# Rounds of 2024\n",
            "rounds.xlsx": b"PK\x03\x04 not read",
            "._rounds.csv": b"\x00\x05\x16\x07 macOS metadata",
        },
    )

    report = import_paths([folder])

    assert report.problems == []
    assert report.files["ROUNDS.CSV"].created == 1
    assert FundingRound.objects.get().round_label == "Series B"


@pytest.mark.parametrize("files", [{}, {"README.md": "# Rounds\n", "rounds.xlsx": b"PK\x03\x04"}])
def test_a_folder_with_no_csv_file_fails_the_command(tmp_path, capsys, files):
    folder = write(tmp_path / "in", files)

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_data", str(folder))

    assert capsys.readouterr().err == f"{folder}: holds no CSV file to import: {KNOWN}\n"


def test_a_file_named_on_the_command_line_is_held_to_the_same_names(base):
    write(base / "in", {"rounds.txt": ROUND_HEADER + GOOD_ROUND})

    report = import_paths([base / "in" / "rounds.txt"])

    assert [str(problem) for problem in report.problems] == [
        f"rounds.txt: is not a file of the import format: {KNOWN}"
    ]
