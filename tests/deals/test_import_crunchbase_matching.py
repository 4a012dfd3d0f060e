"""The Crunchbase mapping attaches rounds to the tracked startup (by permalink, legal name or
alias after normalisation) instead of making a duplicate; what it makes is reported."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from deals.importing.crunchbase import import_crunchbase
from deals.models import FundingRound, Investor
from startups.models import Startup
from tests.factories import InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db
HEADER = (
    "Organization Name,Organization Name URL,Transaction Name URL,Funding Type,Money Raised,"
    "Money Raised Currency,Announced Date,Lead Investors,Investor Names,Organization Location\n"
)


def export(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "cb.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def row(org: str, permalink: str = "", investors: str = "", label: str = "series_b") -> str:
    url = f"https://www.crunchbase.com/organization/{permalink}" if permalink else ""
    source = "https://news.example/round"
    return (
        f'"{org}",{url},{source},{label},1000000,USD,2024-02-19,,"{investors}",'
        '"Beijing, Beijing, China"\n'
    )


@pytest.fixture
def moonshot():
    return StartupFactory(
        slug="moonshot",
        name_en="Moonshot AI",
        name_zh="月之暗面",
        aliases="Kimi",
        crunchbase="moonshot-ai",
    )


@pytest.mark.parametrize(
    ("org", "permalink"),
    [
        ("Beijing Moonshot Technology Co., Ltd.", ""),  # the legal name in English
        ("北京月之暗面科技有限公司", ""),  # and in Chinese
        ("KIMI", ""),  # an alias
        ("Dark Side of the Moon Inc.", "moonshot-ai"),  # the permalink, whatever the name
    ],
)
def test_the_round_attaches_to_the_tracked_startup(moonshot, tmp_path, org, permalink):
    report = import_crunchbase([export(tmp_path, row(org, permalink))])

    assert report.problems == []
    assert Startup.objects.count() == 1
    assert FundingRound.objects.get().startup == moonshot
    assert report.created == []


def test_what_matches_nothing_is_created_and_reported(moonshot, tmp_path):
    InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴")

    report = import_crunchbase(
        [
            export(
                tmp_path,
                row("Zhipu AI", "zhipu-ai", "Alibaba Group Holding Limited, Qiming"),
                row("ZHIPU AI, Inc.", "", "Qiming", label="series_c"),
            )
        ]
    )

    assert report.problems == []
    assert [str(created) for created in report.created] == [
        "cb.csv line 2: created startup zhipu-ai (Zhipu AI)",
        "cb.csv line 2: created investor qiming (Qiming)",
    ]
    zhipu = Startup.objects.get(slug="zhipu-ai")
    assert zhipu.crunchbase == "zhipu-ai"  # the next export finds it by its permalink
    assert FundingRound.objects.filter(startup=zhipu).count() == 2
    assert sorted(Investor.objects.values_list("slug", flat=True)) == ["alibaba", "qiming"]


def test_a_name_fitting_two_tracked_startups_is_refused_naming_them(moonshot, tmp_path):
    StartupFactory(slug="kimi-labs", name_en="Kimi Labs", aliases="Kimi")

    report = import_crunchbase([export(tmp_path, row("Kimi"))])

    assert [str(problem) for problem in report.problems] == [
        "cb.csv line 2, column Organization Name: could be any of kimi-labs (Kimi Labs / "
        f"{Startup.objects.get(slug='kimi-labs').name_zh}), moonshot (Moonshot AI / 月之暗面): "
        "name one by its slug (got 'Kimi')"
    ]
    assert FundingRound.objects.count() == 0


def test_the_command_lists_the_records_it_created(moonshot, tmp_path):
    out = io.StringIO()

    call_command(
        "import_data", str(export(tmp_path, row("Baichuan"))), mapping="crunchbase", stdout=out
    )

    assert "cb.csv line 2: created startup baichuan (Baichuan)" in out.getvalue().splitlines()
