"""import_data --mapping crunchbase: a Crunchbase funding-rounds export, matched to the names
we know, through the same validation and all-or-nothing transaction as the native format."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.importing import import_paths
from deals.importing.crunchbase import import_crunchbase, investor_names, round_label
from deals.importing.crunchbase_directory import new_slug
from deals.models import FundingRound, Investor, InvestorAncestry
from startups.models import Startup
from tests.deals.import_files import database_state
from tests.factories import FxRateFactory, InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "crunchbase_rounds.csv"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
NAME = FIXTURE.name
MOONSHOT_SLUG = "org-819fc19826"  # "org-" + sha1("月之暗面")[:10]: no Latin letters to slugify
HEADER = (
    "Organization Name,Organization Name URL,Transaction Name URL,Funding Type,Money Raised,"
    "Money Raised Currency,Announced Date,Investor Names,Organization Location\n"
)


@pytest.fixture
def known():
    """What the database holds before the export arrives: one startup, two investors, a rate."""
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7.1"))
    return {
        "zhipu": StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱", aliases="Zhipu"),
        "alibaba": InvestorFactory(
            slug="alibaba",
            name_en="Alibaba",
            name_zh="阿里巴巴",
            aliases="Alibaba Group; Alibaba Group Holding",
        ),
        "tencent": InvestorFactory(
            slug="tencent", name_en="Tencent Holdings", aliases="Tencent; 腾讯控股"
        ),
    }


def counts(report) -> dict[str, tuple[int, int, int, int]]:
    return {name: (c.created, c.updated, c.unchanged, c.errors) for name, c in report.files.items()}


def write_csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "crunchbase_bad.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_export_creates_what_is_new_and_matches_what_is_known(known):
    report = import_crunchbase([FIXTURE])

    assert report.problems == []
    assert counts(report) == {
        NAME: (5, 0, 0, 0),
        f"{NAME} → startups": (4, 0, 1, 0),
        f"{NAME} → investors": (2, 0, 2, 0),
        f"{NAME} → participations": (7, 0, 0, 0),
    }
    startups = {s.slug: s for s in Startup.objects.all()}
    assert sorted(startups) == sorted(
        ["zhipu", MOONSHOT_SLUG, "baichuan-intelligence", "unitree-robotics", "votee-ai"]
    )
    moonshot = startups[MOONSHOT_SLUG]
    assert (moonshot.name_en, moonshot.name_zh, moonshot.city, moonshot.country) == (
        "月之暗面",
        "月之暗面",
        "Beijing",
        "CN",
    )
    assert {slug: (s.is_ai, s.city, s.country) for slug, s in startups.items()} == {
        "zhipu": (True, "Beijing", "CN"),  # matched: left as it was
        MOONSHOT_SLUG: (True, "Beijing", "CN"),  # Generative AI
        "baichuan-intelligence": (True, "Beijing", "CN"),  # Machine Learning
        "unitree-robotics": (False, "Hangzhou", "CN"),  # Robotics is not AI
        "votee-ai": (True, "Hong Kong", "HK"),  # "AI" as a whole industry
    }
    assert sorted(Investor.objects.values_list("slug", "name_en")) == [
        ("alibaba", "Alibaba"),
        ("hongshan", "HongShan"),
        ("qiming-venture-partners", "Qiming Venture Partners"),
        ("tencent", "Tencent Holdings"),
    ]
    # New investors get their closure row, so the affiliate roll-up sees their deals.
    assert InvestorAncestry.objects.filter(investor__slug="hongshan", depth=0).count() == 1
    assert moonshot.sources.get().url == "https://www.crunchbase.com/organization/moonshot-ai"
    # Bulk writes record history too, with the file as the reason.
    assert set(Startup.history.values_list("slug", "history_change_reason")) == {
        ("zhipu", None),  # made by the factory, before the import
        *((slug, f"import {NAME} (Crunchbase)") for slug in startups if slug != "zhipu"),
    }
    assert (
        FundingRound.history.filter(history_change_reason=f"import {NAME} (Crunchbase)").count()
        == 5
    )


def test_rounds_take_amount_valuation_source_and_investors(known):
    import_crunchbase([FIXTURE])

    zhipu = FundingRound.objects.get(startup=known["zhipu"])
    assert (zhipu.announced_on, zhipu.date_precision, zhipu.round_label) == (
        dt.date(2024, 1, 15),
        "day",
        "Series B",
    )
    assert (zhipu.amount, zhipu.amount_currency, zhipu.amount_qualifier) == (
        Decimal("2000000000"),
        "CNY",
        "exact",
    )
    assert (zhipu.amount_usd, zhipu.amount_fx_rate) == (Decimal("281690140.85"), Decimal("7.1"))
    assert zhipu.post_money_valuation is None
    assert zhipu.confidence == "reported"
    assert [s.url for s in zhipu.sources.all()] == [
        "https://www.crunchbase.com/funding_round/zhipu-ai-series-b--1a2b"
    ]
    assert sorted(zhipu.participations.values_list("investor_id", "is_lead")) == sorted(
        [
            (known["alibaba"].pk, True),
            (Investor.objects.get(slug="qiming-venture-partners").pk, False),
        ]
    )

    moonshot = FundingRound.objects.get(startup__slug=MOONSHOT_SLUG)
    assert moonshot.round_label == "Series A"
    # Post-money = pre-money 1.5B + 1.0B raised, both USD.
    assert (moonshot.post_money_valuation, moonshot.valuation_currency) == (
        Decimal("2500000000"),
        "USD",
    )
    assert moonshot.post_money_valuation_usd == Decimal("2500000000")
    assert sorted(moonshot.participations.values_list("investor__slug", "is_lead")) == [
        ("alibaba", True),
        ("hongshan", False),
    ]

    unitree = FundingRound.objects.get(startup__slug="unitree-robotics")
    assert (unitree.amount, unitree.post_money_valuation) == (None, None)
    # No transaction URL: the organization's page is the source.
    assert unitree.sources.get().url == "https://www.crunchbase.com/organization/unitree-robotics"
    # "Qiming Venture Partners" on two rows is one new investor.
    assert sorted(unitree.participations.values_list("investor__slug", flat=True)) == [
        "qiming-venture-partners",
        "tencent",
    ]
    assert FundingRound.objects.get(startup__slug="votee-ai").round_label == "Seed"


def test_warnings_name_the_line_and_both_figures(known):
    report = import_crunchbase([FIXTURE])

    assert report.warnings == [
        f"{NAME} line 4: Crunchbase's USD figure 80,000,000 differs from ours 70,422,535 "
        "(+13.6%), which converts CNY 500,000,000 at 7.1 per USD; ours is kept",
        f"{NAME} line 5: post-money valuation left blank: the pre-money valuation "
        "(CNY 10,000,000,000) and the money raised (undisclosed) do not add up in one currency",
        f"{NAME} line 6: no HKD rate on or before 2024-03-12 in our FX table, so the USD figure "
        "of HKD 7,800,000 is unknown; Crunchbase says USD 1,000,000, not compared",
    ]
    assert FundingRound.objects.get(startup__slug="votee-ai").amount_usd is None


def test_a_second_run_creates_nothing(known):
    import_crunchbase([FIXTURE])
    before = database_state()

    report = import_crunchbase([FIXTURE])

    assert report.problems == []
    assert counts(report) == {
        NAME: (0, 0, 5, 0),
        f"{NAME} → startups": (0, 0, 5, 0),
        f"{NAME} → investors": (0, 0, 4, 0),
        f"{NAME} → participations": (0, 0, 7, 0),
    }
    assert database_state() == before


def test_the_command_imports_with_the_crunchbase_mapping(known):
    out = io.StringIO()

    call_command("import_data", str(FIXTURE), mapping="crunchbase", stdout=out)

    lines = out.getvalue().splitlines()
    assert sum(line.startswith("warning: ") for line in lines) == 3
    assert lines[-1].startswith("written; ")
    assert FundingRound.objects.count() == 5


def test_a_dry_run_writes_nothing(known):
    before = database_state()

    report = import_crunchbase([FIXTURE], dry_run=True)

    assert report.ok
    assert counts(report)[NAME] == (5, 0, 0, 0)
    assert report.summary_lines()[-1].startswith("dry run, nothing written")
    assert database_state() == before


def test_bad_rows_are_named_by_line_and_column_and_nothing_is_written(known, tmp_path):
    path = write_csv(
        tmp_path,
        "Zhipu AI,https://cb.example/o/zhipu,https://cb.example/r/1,Series C,"
        '"-50,000,000",USD,2024-05-01,New Fund,"Beijing, Beijing, China"\n'
        "Unsourced Co,,,Seed,1000,USD,2024-05-02,,\n"
        "Late Co,https://cb.example/o/late,,Seed,lots,USD,2024-02-30,,\n",
    )
    before = database_state()

    report = import_crunchbase([path])

    assert [str(p) for p in report.problems] == [
        "crunchbase_bad.csv line 2, column Money Raised: must not be negative (got -50000000)",
        "crunchbase_bad.csv line 3, column Transaction Name URL: is required: every figure "
        "needs at least one source (this column, or else Organization Name URL)",
        "crunchbase_bad.csv line 4, column Announced Date: is not a real date (got '2024-02-30')",
        "crunchbase_bad.csv line 4, column Money Raised: must be a number such as 1000000 or "
        "1,000,000 (got 'lots')",
    ]
    assert database_state() == before
    with pytest.raises(CommandError, match="4 error"):
        call_command("import_data", str(path), mapping="crunchbase", stdout=io.StringIO())
    assert database_state() == before


def test_a_country_outside_the_map_keeps_the_default_with_a_warning(known, tmp_path):
    path = write_csv(
        tmp_path,
        'Sakana AI,https://cb.example/o/sakana,,Series A,,,2024-06-01,,"Tokyo, Tokyo, Japan"\n',
    )

    report = import_crunchbase([path])

    assert report.warnings == [
        "crunchbase_bad.csv line 2: the country 'Japan' of 'Tokyo, Tokyo, Japan' has no ISO "
        "code in the mapping (China, Hong Kong, Singapore, United States): the default CN is kept"
    ]
    assert Startup.objects.values_list("slug", "city", "country").get(slug="sakana-ai") == (
        "sakana-ai",
        "Tokyo",
        "CN",
    )


def test_the_same_round_twice_in_one_file_is_refused(known, tmp_path):
    row = "Zhipu AI,https://cb.example/o/zhipu,,Series C,,,2024-05-01,,\n"
    path = write_csv(tmp_path, row + row.replace("Zhipu AI", "zhipu"))

    report = import_crunchbase([path])

    assert [str(p) for p in report.problems] == [
        "crunchbase_bad.csv line 3: repeats the round (Organization Name, Announced Date, "
        "Funding Type) of line 2"
    ]


def test_names_are_looked_up_in_memory_not_per_row(known, tmp_path):
    def queries_for(rows: int) -> int:
        body = "".join(
            f"Zhipu AI,https://cb.example/o/zhipu,,Series {n},1000,USD,2024-05-01,"
            f'"Alibaba Group, Tencent",\n'
            for n in range(rows)
        )
        with CaptureQueriesContext(connection) as queries:
            assert import_crunchbase([write_csv(tmp_path, body)], dry_run=True).ok
        # Inserts may be split by the database's parameter limit; look-ups must not grow.
        return sum(q["sql"].startswith("SELECT") for q in queries.captured_queries)

    assert queries_for(30) == queries_for(3)


def test_names_in_the_sample_data_are_matched_by_name_chinese_name_alias_and_slug():
    assert import_paths([SAMPLE]).ok
    startups, investors = Startup.objects.count(), Investor.objects.count()

    report = import_crunchbase([FIXTURE])

    assert report.problems == []
    # Only Votee AI and nothing else is new: "ZHIPU" is the slug zhipu, "月之暗面" the Chinese
    # name of moonshot, "Alibaba Group" and "HongShan" are investors of the sample.
    assert Startup.objects.count() == startups + 1
    assert Investor.objects.count() == investors
    assert (
        FundingRound.objects.get(startup__slug="moonshot", announced_on=dt.date(2024, 2, 19))
        .participations.filter(investor__slug="alibaba", is_lead=True)
        .exists()
    )
    assert not any("line 6" in warning for warning in report.warnings)  # HKD has a rate here


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("series_b", "Series B"),
        ("SERIES B", "Series B"),
        ("Series B", "Series B"),
        ("pre_seed", "Pre Seed"),
        ("Pre-Seed", "Pre-Seed"),
        ("post_ipo_equity", "Post IPO Equity"),
        ("series a+", "Series A+"),
    ],
)
def test_funding_types_become_title_case_labels(written, label):
    assert round_label(written) == label


def test_slugs_are_ascii_stable_and_never_taken():
    assert new_slug("Qiming Venture Partners", set()) == "qiming-venture-partners"
    assert new_slug("月之暗面", set()) == MOONSHOT_SLUG
    full_width = "\uff2d\uff4f\uff4f\uff4e\uff53\uff48\uff4f\uff54"  # full-width "Moonshot"
    assert new_slug(full_width, set()) == "moonshot"  # NFKC makes them ASCII
    taken = new_slug("Votee AI", {"votee-ai"})
    assert taken.startswith("votee-ai-") and taken == new_slug("VOTEE AI", {"votee-ai"})


def test_investor_lists_keep_company_suffixes_with_their_name():
    assert investor_names("Sequoia Capital China, Inc., Tencent,  HongShan ") == [
        "Sequoia Capital China, Inc.",
        "Tencent",
        "HongShan",
    ]
