"""The import holds figures to the rules the API and the admin hold them to: a record that
carries a figure cites a source, and a number written with an exponent is refused, each named
by file, line and column (the API: tests/api/test_write_rules.py; the admin:
tests/deals/test_admin_rules.py)."""

import pytest

from deals.importing import import_paths
from deals.importing.crunchbase import import_crunchbase
from deals.models import Participation
from tests.deals.import_files import GOOD_ROUND, ROUND_HEADER, problems_of, write

pytestmark = pytest.mark.django_db

NEEDS_A_SOURCE = "is required: every figure needs at least one source"
EXPONENT = (
    "is written with an exponent (got {!r}): write every digit, as in 1000000000; a "
    "spreadsheet that shows 1E+09 may have rounded the number"
)
UNSOURCED = {
    "rounds.csv": ROUND_HEADER + GOOD_ROUND.replace("https://a.example/1", ""),
    "valuations.csv": "startup_slug,valued_on,value,currency,source_url\n"
    "zhipu,2024-05,1000000000,USD,\n",
    "metrics.csv": "metric,subject,value,unit,source_url\nai_share,Alibaba,40,percent,\n",
    "compute.csv": "startup_slug,kind,announced_on,source_url\nzhipu,chip_purchase,2024-05,\n",
}


@pytest.mark.parametrize("name", UNSOURCED)
def test_a_record_carrying_a_figure_without_a_source_is_refused(base, name):
    folder = write(base / "in", {name: UNSOURCED[name]})

    assert problems_of(folder) == [f"{name} line 2, column source_url: {NEEDS_A_SOURCE}"]


@pytest.mark.parametrize("name", UNSOURCED)
def test_a_file_of_such_records_without_a_source_url_column_is_refused(base, name):
    lines = [line.split(",") for line in UNSOURCED[name].splitlines()]
    column = lines[0].index("source_url")
    without = "".join(",".join(cells[:column] + cells[column + 1 :]) + "\n" for cells in lines)
    folder = write(base / "in", {name: without})

    assert problems_of(folder) == [f"{name} line 1: lacks the required column(s) source_url"]


def test_a_participation_rests_on_its_round_source_and_needs_none_of_its_own(base):
    folder = write(
        base / "in",
        {
            "rounds.csv": ROUND_HEADER + GOOD_ROUND,
            "participations.csv": "startup_slug,announced_on,round_label,investor_slug,"
            "stake_percent,source_url\nzhipu,2024-05,Series B,alibaba_cloud,5,\n",
        },
    )

    assert import_paths([folder]).problems == []
    assert Participation.objects.get(investor__slug="alibaba_cloud").sources.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "column", "written"),
    [
        ("rounds.csv", ROUND_HEADER + GOOD_ROUND.replace(",100,", ",1e9,"), "amount", "1e9"),
        ("rounds.csv", ROUND_HEADER + GOOD_ROUND.replace(",100,", ",1E+9,"), "amount", "1E+9"),
        (
            "fx_rates.csv",
            "month,currency,units_per_usd\n2024-05,CNY,7.1E0\n",
            "units_per_usd",
            "7.1E0",
        ),
        (
            "valuations.csv",
            "startup_slug,valued_on,value,currency,source_url\n"
            "zhipu,2024-05,1.23457E+11,USD,https://a.example/2\n",
            "value",
            "1.23457E+11",
        ),
        (
            "compute.csv",
            "startup_slug,kind,announced_on,quantity,source_url\n"
            "zhipu,chip_purchase,2024-05,1e4,https://a.example/3\n",
            "quantity",
            "1e4",
        ),
    ],
    ids=["1e9", "1E+9", "a rate", "a spreadsheet's rounding", "a whole number"],
)
def test_a_number_written_with_an_exponent_is_refused(base, name, content, column, written):
    folder = write(base / "in", {name: content})

    assert problems_of(folder) == [f"{name} line 2, column {column}: {EXPONENT.format(written)}"]


def test_a_crunchbase_amount_written_with_an_exponent_is_refused(tmp_path):
    export = tmp_path / "crunchbase.csv"
    export.write_text(
        "Organization Name,Transaction Name URL,Funding Type,Money Raised,"
        "Money Raised Currency,Announced Date\n"
        "Zhipu AI,https://cb.example/r/1,Series C,1.5E+09,USD,2024-05-01\n",
        encoding="utf-8",
    )

    report = import_crunchbase([export])

    assert [str(problem) for problem in report.problems] == [
        f"crunchbase.csv line 2, column Money Raised: {EXPONENT.format('1.5E+09')}"
    ]
