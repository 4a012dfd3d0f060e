"""startups.csv's `sector` column and `is_ai`: a sector given decides is_ai, is_ai false
with no sector is not_ai, a contradiction is refused by file, line and column, and the export
writes the sector back (the rule: startups.sectors; the API's side: tests/api/test_sectors.py)."""

import csv
import io

import pytest
from django.core.management import call_command

from deals.importing import import_paths
from startups.models import Startup
from tests.deals.import_files import problems_of, write

pytestmark = pytest.mark.django_db

HEADER = "slug,name_en,is_ai,sector\n"


def classified() -> dict[str, tuple[bool, str]]:
    return {s.slug: (s.is_ai, s.sector) for s in Startup.objects.order_by("slug")}


def test_a_sector_decides_is_ai_and_is_ai_false_alone_means_not_ai(tmp_path):
    folder = write(
        tmp_path / "in",
        {
            "startups.csv": HEADER + "unitree,Unitree,,embodied_ai\n"
            "zhipu,Zhipu AI,true,foundation_models\n"
            "meituan,Meituan,false,\n"
            "minimax,MiniMax,,\n"
            "cambricon,Cambricon,true,ai_chips\n"
            "pop-mart,Pop Mart,,not_ai\n"
        },
    )

    assert import_paths([folder]).problems == []
    assert classified() == {
        "cambricon": (True, "ai_chips"),
        "meituan": (False, "not_ai"),
        "minimax": (True, ""),
        "pop-mart": (False, "not_ai"),
        "unitree": (True, "embodied_ai"),
        "zhipu": (True, "foundation_models"),
    }


def test_a_file_without_the_sector_column_imports_as_before(tmp_path):
    folder = write(
        tmp_path / "in", {"startups.csv": "slug,name_en,is_ai\nzhipu,Zhipu AI,\nmeituan,M,no\n"}
    )

    assert import_paths([folder]).problems == []
    assert classified() == {"meituan": (False, "not_ai"), "zhipu": (True, "")}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "zhipu,Zhipu AI,false,foundation_models",
            "column is_ai: is false but the sector foundation_models is an AI sector: leave "
            "is_ai blank or make them agree",
        ),
        (
            "pop-mart,Pop Mart,true,not_ai",
            "column is_ai: is true but the sector is not_ai: leave is_ai blank or make them agree",
        ),
        (
            "unitree,Unitree,,robotics",
            "column sector: must be one of foundation_models, ai_applications, other_ai, "
            "embodied_ai, ai_chips, autonomous_driving, not_ai (got 'robotics')",
        ),
    ],
)
def test_a_contradiction_or_an_unknown_sector_is_refused_by_line_and_column(base, row, problem):
    folder = write(base / "in", {"startups.csv": HEADER + "minimax,MiniMax,,\n" + row + "\n"})

    assert problems_of(folder) == [f"startups.csv line 3, {problem}"]


def test_a_reimport_that_gives_is_ai_alone_reclassifies_and_the_export_writes_sector(tmp_path):
    first = write(tmp_path / "first", {"startups.csv": HEADER + "unitree,Unitree,,embodied_ai\n"})
    again = write(tmp_path / "again", {"startups.csv": HEADER + "unitree,Unitree,false,\n"})
    assert import_paths([first]).ok

    assert import_paths([again]).ok
    assert classified() == {"unitree": (False, "not_ai")}
    call_command("export_data", str(tmp_path / "out"))
    with open(tmp_path / "out" / "startups.csv", encoding="utf-8") as handle:
        (row,) = csv.DictReader(io.StringIO(handle.read()))
    assert (row["is_ai"], row["sector"]) == ("false", "not_ai")
