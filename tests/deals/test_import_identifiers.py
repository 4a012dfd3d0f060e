"""The `identifiers` column of startups.csv and investors.csv: `kind:value` items separated by
`;`, each checked and normalised as in the API and the admin. A file without the column leaves
identifiers as they are; a blank cell clears them (a row is the whole record). A bad item or
an identifier another record carries is an error naming the file, line, column and reason, and
nothing is written. export_data writes the column back in the same form."""

from pathlib import Path

import pytest
from django.core.management import call_command

from deals.importing import import_paths
from deals.models import Investor
from startups.models import Startup
from tests.deals.import_files import problems_of, write
from tests.factories import InvestorFactory, StartupFactory
from tests.identifier_codes import lei, uscc
from tests.identifier_codes import lei_with_wrong_check_digits as wrong_lei
from tests.identifier_codes import uscc_with_wrong_18th as wrong_18th
from tests.identifier_codes import uscc_with_wrong_organisation_check as wrong_organisation

pytestmark = pytest.mark.django_db

USCC = uscc()  # 91110108MA01ABCD5T
OTHER_USCC = uscc("91310000", "12345678")
LEI = lei("5493001KJTIIGC8Y1R")


def startups(tmp_path: Path, *rows: str, header="slug,name_en,identifiers") -> Path:
    return write(tmp_path / "files", {"startups.csv": "\n".join([header, *rows]) + "\n"})


def test_identifiers_are_read_in_their_stored_form(tmp_path):
    folder = startups(
        tmp_path,
        f'zhipu,Zhipu AI,"uscc:{USCC.lower()}; stock:HKEX:2513; '
        'crunchbase:https://www.crunchbase.com/organization/Zhipu-AI; wikidata:q42"',
        f"moonshot,Moonshot AI,lei:{LEI}",
    )

    report = import_paths([folder])

    assert report.ok, report.problems
    zhipu = Startup.objects.get(slug="zhipu")
    assert zhipu.identifiers == {
        "uscc": USCC,
        "wikidata": "Q42",
        "crunchbase": "zhipu-ai",
        "stock": "HKEX:02513",
    }
    assert Startup.objects.get(slug="moonshot").identifiers == {"lei": LEI}


def test_investors_take_the_column_too(tmp_path):
    folder = write(
        tmp_path / "files",
        {"investors.csv": "slug,name_en,identifiers\nalibaba,Alibaba Group,stock:nyse:baba\n"},
    )

    assert import_paths([folder]).ok
    assert Investor.objects.get(slug="alibaba").stock == "NYSE:BABA"


def test_a_file_without_the_column_leaves_identifiers_as_they_are(tmp_path):
    StartupFactory(slug="zhipu", uscc=USCC, wikidata="Q42")
    folder = startups(tmp_path, "zhipu,Zhipu AI,Beijing", header="slug,name_en,city")

    assert import_paths([folder]).ok
    assert Startup.objects.get(slug="zhipu").identifiers == {"uscc": USCC, "wikidata": "Q42"}


def test_a_blank_cell_clears_them_and_a_cell_gives_the_whole_set(tmp_path):
    StartupFactory(slug="zhipu", uscc=USCC, wikidata="Q42")
    StartupFactory(slug="moonshot", uscc=OTHER_USCC, wikidata="Q7")
    folder = startups(
        tmp_path,
        "zhipu,Zhipu AI,",
        "moonshot,Moonshot AI,wikidata:Q8",
        header="slug,name_en,identifiers",
    )

    assert import_paths([folder]).ok
    assert Startup.objects.get(slug="zhipu").identifiers == {}
    assert Startup.objects.get(slug="moonshot").identifiers == {"wikidata": "Q8"}


def test_a_short_row_has_the_column_blank(tmp_path):
    """A row that stops before the column has it, blank: the header names it."""
    StartupFactory(slug="zhipu", uscc=USCC)
    folder = startups(tmp_path, "zhipu,Zhipu AI", header="slug,name_en,identifiers")

    assert import_paths([folder]).ok
    assert Startup.objects.get(slug="zhipu").identifiers == {}


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (
            f"uscc:{wrong_18th(USCC)}",
            "'uscc:91110108MA01ABCD50' has a wrong check character: the 18th character should "
            "be 'T' per GB 32100 (got '0')",
        ),
        (
            f"uscc:{wrong_organisation()}",
            "'uscc:91110108MA01ABCD0B' the organisation code MA01ABCD0 has a wrong check "
            "character: the 17th character should be '5' per GB 11714 (got '0')",
        ),
        (
            f"lei:{wrong_lei('5493001KJTIIGC8Y1R')}",
            "'lei:5493001KJTIIGC8Y1R13' has wrong check digits (ISO 17442, mod 97-10) "
            "(got '5493001KJTIIGC8Y1R13')",
        ),
        (
            "wikidata:42",
            "'wikidata:42' must be a Wikidata item: Q and digits, such as Q42 (got '42')",
        ),
        (
            "crunchbase:https://example.com/zhipu",
            "'crunchbase:https://example.com/zhipu' must be a Crunchbase permalink such as "
            "moonshot-ai, or its crunchbase.com/organization/ address "
            "(got 'https://example.com/zhipu')",
        ),
        (
            "stock:HKEX:ABC",
            "'stock:HKEX:ABC' 'ABC' is not a code of HKEX (got 'HKEX:ABC')",
        ),
        (
            "Q42",
            "'Q42' must be kind:value with the kind one of uscc, lei, wikidata, crunchbase, "
            "stock (got 'Q42')",
        ),
        (
            "wikidata:Q1; wikidata:Q2",
            "gives wikidata twice (Q1 and Q2): a record has one of each",
        ),
    ],
)
def test_a_bad_identifier_is_an_error_naming_file_line_column_and_reason(tmp_path, cell, reason):
    StartupFactory(slug="moonshot", name_en="Moonshot AI")
    folder = startups(tmp_path, "moonshot,Moonshot AI,", f'zhipu,Zhipu AI,"{cell}"')

    assert problems_of(folder) == [f"startups.csv line 3, column identifiers: {reason}"]


def test_an_identifier_another_record_carries_is_an_error_naming_it(tmp_path):
    StartupFactory(slug="moonshot", uscc=USCC)
    folder = startups(tmp_path, "deepseek,DeepSeek,", f"zhipu,Zhipu AI,uscc:{USCC}")

    assert problems_of(folder) == [
        f"startups.csv line 3, column identifiers: uscc:{USCC} is already carried by the "
        "startup 'moonshot'"
    ]
    assert not Startup.objects.filter(slug="deepseek").exists()  # all or nothing


def test_two_rows_giving_one_identifier_are_an_error_naming_the_first(tmp_path):
    folder = startups(
        tmp_path, f"zhipu,Zhipu AI,uscc:{USCC}", f"moonshot,Moonshot AI,uscc:{USCC.lower()}"
    )

    assert problems_of(folder) == [
        f"startups.csv line 3, column identifiers: gives uscc:{USCC}, as line 2 does"
    ]


def test_a_record_keeps_its_own_identifier_on_re_import(tmp_path):
    StartupFactory(slug="zhipu", name_en="Zhipu AI", uscc=USCC)
    folder = startups(tmp_path, f"zhipu,Zhipu AI,uscc:{USCC}")

    report = import_paths([folder])

    assert report.ok
    assert Startup.objects.get(slug="zhipu").uscc == USCC


def test_an_investor_may_carry_a_startup_s_identifier(tmp_path):
    """Unique per kind among the records of one table: a startup that invests is both."""
    StartupFactory(slug="zhipu", uscc=USCC)
    folder = write(
        tmp_path / "files",
        {"investors.csv": f"slug,name_en,identifiers\nzhipu-ventures,Zhipu Ventures,uscc:{USCC}\n"},
    )

    assert import_paths([folder]).ok


def test_export_then_import_changes_nothing(tmp_path):
    StartupFactory(slug="zhipu", uscc=USCC, stock="HKEX:02513", crunchbase="zhipu-ai")
    StartupFactory(slug="moonshot")
    InvestorFactory(slug="alibaba", lei=LEI, stock="NYSE:BABA", wikidata="Q1359568")
    call_command("export_data", str(tmp_path / "export"))

    report = import_paths([tmp_path / "export"])

    assert report.ok, report.problems
    assert report.files["startups.csv"].unchanged == 2
    assert report.files["investors.csv"].unchanged == 1
    assert Startup.objects.get(slug="zhipu").identifiers == {
        "uscc": USCC,
        "crunchbase": "zhipu-ai",
        "stock": "HKEX:02513",
    }
    startups_csv = (tmp_path / "export" / "startups.csv").read_text(encoding="utf-8")
    assert f"uscc:{USCC}; crunchbase:zhipu-ai; stock:HKEX:02513" in startups_csv
    investors_csv = (tmp_path / "export" / "investors.csv").read_text(encoding="utf-8")
    assert f"lei:{LEI}; wikidata:Q1359568; stock:NYSE:BABA" in investors_csv
