"""import_data: every bad input named by file, line and column, and nothing written."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deals.importing import import_paths
from deals.models import (
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from startups.models import Startup
from tests.deals.import_files import (
    GOOD_ROUND,
    INVESTORS,
    ROUND_HEADER,
    STARTUPS,
    problems_of,
    write,
)

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "zhipu,2023-02-30,,Series A,100,USD,,,,,,https://a.example/1,reported\n",
            "rounds.csv line 2, column announced_on: is not a real date (got '2023-02-30')",
        ),
        (
            "zhipu,2024-01,,Series A,-50000000,USD,,,,,,https://a.example/1,reported\n",
            "rounds.csv line 2, column amount: must not be negative (got -50000000)",
        ),
        (
            "zhipu,2024-01,,Series A,100,XYZ,,,,,,https://a.example/1,reported\n",
            "rounds.csv line 2, column amount_currency: must be an ISO 4217 currency code such "
            "as USD or CNY (got 'XYZ')",
        ),
        (
            "nobody,2024-01,,Series A,100,USD,,,,,,https://a.example/1,reported\n",
            "rounds.csv line 2, column startup_slug: names no known startup (got 'nobody')",
        ),
        (
            "zhipu,2024-01,,Series A,100,USD,,,,tencent,,https://a.example/1,reported\n",
            "rounds.csv line 2, column lead_investors: names no known investor (got 'tencent')",
        ),
        (
            "zhipu,2024-01,,Series A,100,USD,,300,USD,,,https://a.example/1,reported\n",
            "rounds.csv line 2, column compute_credit_amount: must not exceed the amount 100 "
            "(got 300)",
        ),
        (
            "zhipu,2024-01,,Series A,100,USD,roughly,,,,,https://a.example/1,reported\n",
            "rounds.csv line 2, column amount_qualifier: must be one of exact, approx, "
            "at_least, at_most (got 'roughly')",
        ),
        (
            "zhipu,2024-01,,Series A,100,USD,,,,,,https://a.example/1,rumour\n",
            "rounds.csv line 2, column confidence: must be one of confirmed, reported, "
            "estimate (got 'rumour')",
        ),
    ],
)
def test_a_bad_round_is_named_by_line_and_column_and_nothing_is_written(base, row, expected):
    folder = write(base / "bad", {"rounds.csv": ROUND_HEADER + GOOD_ROUND + row})
    problems = problems_of(folder)
    assert [p.replace("line 3", "line 2") for p in problems] == [expected]


def test_a_stake_over_100_is_refused(base):
    write(base / "ok", {"rounds.csv": ROUND_HEADER + GOOD_ROUND})
    assert import_paths([base / "ok"]).ok
    folder = write(
        base / "bad",
        {
            "participations.csv": (
                "startup_slug,announced_on,round_label,investor_slug,stake_percent\n"
                "zhipu,2024-05,Series B,alibaba,120\n"
            )
        },
    )
    assert problems_of(folder) == [
        "participations.csv line 2, column stake_percent: must be a percentage between 0 and "
        "100 (got 120)"
    ]


def test_every_error_of_a_run_is_reported_at_once(base):
    folder = write(
        base / "bad",
        {
            "rounds.csv": ROUND_HEADER
            + "zhipu,2024-01,,A,-1,USD,,,,,,https://a.example/1,reported\n"
            + GOOD_ROUND
            + "zhipu,2024-05,month,Series B,100,USD,,,,,,https://a.example/1,reported\n",
            "fx_rates.csv": "month,currency,units_per_usd\n2024-01,CNY,7.1\n2024-02,CNY,0\n",
        },
    )
    assert problems_of(folder) == [
        "fx_rates.csv line 3, column units_per_usd: must be greater than zero (got 0)",
        "rounds.csv line 2, column amount: must not be negative (got -1)",
        "rounds.csv line 4: repeats the key (startup_slug, announced_on, round_label) of line 3",
    ]
    assert FxRate.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "rounds.csv: is empty: expected a header row of column names"),
        (
            "startup_slug,round_label\nzhipu,A\n",
            "rounds.csv line 1: lacks the required column(s) announced_on, source_url",
        ),
        (
            "startup_slug;announced_on;round_label\nzhipu;2024;A\n",
            "rounds.csv line 1: is not comma-separated: the header is split by ';'. Save it as "
            "CSV with commas.",
        ),
        (
            (ROUND_HEADER + "zhipu,2024,,Série A,1,USD,,,,,,https://a.example/1,\n").encode(
                "latin-1"
            ),
            "rounds.csv line 2: is not UTF-8 text (byte 0xE9 cannot be decoded); save the file "
            "as UTF-8",
        ),
    ],
)
def test_an_unreadable_file_is_refused_in_words(base, content, expected):
    folder = write(base / "bad", {"rounds.csv": content})
    assert problems_of(folder) == [expected]


def test_the_command_exits_non_zero_and_names_each_bad_line(base, capsys):
    folder = write(
        base / "bad",
        {"rounds.csv": ROUND_HEADER + "zhipu,2024-13,,A,1,USD,,,,,,https://a.example/1,\n"},
    )
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_data", str(folder))
    assert "rounds.csv line 2, column announced_on: has no month 13" in capsys.readouterr().err


def test_a_bom_chinese_text_and_several_sources_import(tmp_path):
    folder = write(
        tmp_path / "in",
        {
            "startups.csv": ("\ufeff" + STARTUPS).encode("utf-8"),
            "investors.csv": INVESTORS,
            "rounds.csv": ROUND_HEADER
            + "zhipu,2024-Q2,,B轮,100,CNY,at_least,,,alibaba_cloud,alibaba,"
            "https://a.example/1 ; https://a.example/2,confirmed\n",
            "fx_rates.csv": "month,currency,units_per_usd\n2024-03,CNY,8\n",
        },
    )
    assert import_paths([folder]).ok
    funding_round = FundingRound.objects.get()
    assert funding_round.round_label == "B轮"
    assert (funding_round.announced_on, funding_round.date_precision) == (
        dt.date(2024, 4, 1),
        "quarter",
    )
    assert funding_round.amount_qualifier == "at_least"
    assert funding_round.amount_usd == Decimal("12.50")
    assert sorted(s.url for s in funding_round.sources.all()) == [
        "https://a.example/1",
        "https://a.example/2",
    ]
    leads = {p.investor.slug: p.is_lead for p in funding_round.participations.all()}
    assert leads == {"alibaba_cloud": True, "alibaba": False}
    assert Startup.objects.get().name_zh == "智谱"
    assert Investor.objects.get(slug="alibaba_cloud").parent.slug == "alibaba"


def test_a_reimport_creates_nothing_and_a_changed_value_updates_with_history(base):
    write(base / "in", {"rounds.csv": ROUND_HEADER + GOOD_ROUND})
    first = import_paths([base / "in"])
    assert (first.files["rounds.csv"].created, first.files["rounds.csv"].updated) == (1, 0)

    again = import_paths([base / "in"])
    assert again.files["rounds.csv"].unchanged == 1
    assert again.files["rounds.csv"].created == 0
    assert FundingRound.objects.count() == 1

    write(base / "in", {"rounds.csv": ROUND_HEADER + GOOD_ROUND.replace(",100,", ",120,")})
    changed = import_paths([base / "in"])
    assert changed.files["rounds.csv"].updated == 1
    funding_round = FundingRound.objects.get()
    assert funding_round.amount == Decimal("120")
    assert [h.amount for h in funding_round.history.order_by("history_date")] == [
        Decimal("100"),
        Decimal("120"),
    ]


def test_a_dry_run_reports_what_would_change_and_writes_nothing(base):
    write(base / "in", {"rounds.csv": ROUND_HEADER + GOOD_ROUND})
    report = import_paths([base / "in"], dry_run=True)
    assert report.ok
    assert report.files["rounds.csv"].created == 1
    assert FundingRound.objects.count() == 0


def test_an_affiliate_may_come_before_its_parent_but_a_cycle_is_refused(tmp_path):
    folder = write(
        tmp_path / "in",
        {"investors.csv": "slug,name_en,parent_slug\ncloud,Cloud,group\ngroup,Group,\n"},
    )
    assert import_paths([folder]).ok
    assert Investor.objects.get(slug="cloud").parent.slug == "group"
    write(
        folder,
        {"investors.csv": "slug,name_en,parent_slug\ncloud,Cloud,group\ngroup,Group,cloud\n"},
    )
    assert problems_of(folder) == [
        "investors.csv line 2, column parent_slug: makes a cycle of parents",
        "investors.csv line 3, column parent_slug: makes a cycle of parents",
    ]


def test_the_whole_sample_dataset_imports_cleanly_then_reimports_as_unchanged():
    report = import_paths([SAMPLE])
    assert report.problems == []
    # One record per row of each file; rounds.csv names 470 investors in its lead and
    # participant lists. Of participations.csv's 22 rows, 10 add figures to a participation
    # those lists made; of claims.csv's 74, five restate a figure of the record's own source
    # (four of them to accept it where other pages disagree).
    assert {name: counts.created for name, counts in report.files.items()} == {
        "sources.csv": 665,
        "fx_rates.csv": 415,
        "investors.csv": 245,
        "startups.csv": 83,
        "rounds.csv": 184,
        "rounds.csv → participations": 470,
        "participations.csv": 12,
        "valuations.csv": 86,
        "metrics.csv": 132,
        "products.csv": 49,
        "compute.csv": 26,
        "claims.csv": 69,
    }
    moonshot_b = FundingRound.objects.get(startup__slug="moonshot", round_label="Series B")
    alibaba = moonshot_b.participations.get(investor__slug="alibaba")
    assert (alibaba.is_lead, alibaba.stake_percent, alibaba.compute_credit_amount_usd) == (
        True,
        Decimal("36"),
        Decimal("300000000.00"),
    )
    itjuzi = ReportedMetric.objects.get(investor__slug="alibaba", metric__startswith="share")
    assert (itjuzi.value, itjuzi.sources.count()) == (Decimal("40"), 1)
    assert not FundingRound.objects.filter(sources__isnull=True).exists()

    again = import_paths([SAMPLE])
    assert sum(c.created + c.updated for c in again.files.values()) == 0
    # The rows say what their own sources claimed; the records keep the accepted claims:
    # Zhipu's 2025 mark holds the prospectus's ≈ ¥24.4bn, not the magazine's ¥40bn.
    zhipu = ValuationMark.objects.get(startup__slug="zhipu", valued_on=dt.date(2025, 7, 1))
    assert (zhipu.value, zhipu.value_qualifier) == (Decimal("24400000000.00"), "approx")


@pytest.mark.postgres
def test_the_sample_dataset_imports_on_postgresql():
    assert import_paths([SAMPLE]).ok
    assert FundingRound.objects.count() == 184


def test_a_folder_copy_of_the_sample_is_found_by_name(tmp_path):
    shutil.copy(SAMPLE / "fx_rates.csv", tmp_path / "fx_rates.csv")
    (tmp_path / "notes.txt").write_text("not data")
    assert import_paths([tmp_path]).files["fx_rates.csv"].created == 415


@pytest.mark.postgres
def test_records_copied_in_take_ids_from_the_sequence_and_one_creation_history_row_each(base):
    write(base / "in", {"rounds.csv": ROUND_HEADER + GOOD_ROUND})
    assert import_paths([base / "in"]).ok
    imported = FundingRound.objects.get()

    # The next record saved by the ORM gets a fresh id from the same sequence.
    later = FundingRound.objects.create(
        startup=imported.startup, announced_on=dt.date(2025, 1, 1), round_label="Series C"
    )
    assert later.pk > imported.pk

    history = imported.history.get()
    assert (history.history_type, history.history_change_reason) == ("+", "import rounds.csv")
    assert (history.amount, history.amount_usd, history.created_at) == (
        imported.amount,
        imported.amount_usd,
        imported.created_at,
    )
    participation = Participation.objects.get()
    assert participation.history.get().investor_id == participation.investor_id


def test_a_usd_figure_too_big_to_store_is_refused_though_the_file_never_names_it(base):
    # Only the cells a row sets are validated again, and what is derived from them: the USD
    # figure is one, so a euro amount that fits but whose dollars do not is still caught.
    rate = "month,currency,units_per_usd,source_url\n2024-05,EUR,0.5,https://rates.example/1\n"
    huge = GOOD_ROUND.replace(",100,USD,", ",999999999999999999,EUR,")
    write(base / "in", {"fx_rates.csv": rate, "rounds.csv": ROUND_HEADER + huge})

    assert problems_of(base / "in") == [
        "rounds.csv line 2, column amount_usd: Ensure that there are no more than 20 digits "
        "in total."
    ]


def test_a_reimport_adds_to_a_known_round_and_creates_a_new_one_with_its_participants(base):
    write(base / "in", {"rounds.csv": ROUND_HEADER + GOOD_ROUND})
    assert import_paths([base / "in"]).ok
    joined = GOOD_ROUND.replace(",alibaba,,", ",alibaba_cloud,alibaba,")
    later = GOOD_ROUND.replace("2024-05,month,Series B", "2025-01,month,Series C")
    write(base / "in", {"rounds.csv": ROUND_HEADER + joined + later})

    report = import_paths([base / "in"])

    assert report.ok
    participations = report.files["rounds.csv → participations"]
    assert (participations.created, participations.unchanged) == (2, 1)
    rows = Participation.objects.values_list("round__round_label", "investor__slug", "is_lead")
    # A lead stays a lead when a file names it a participant ("true when either says so").
    assert sorted(rows) == [
        ("Series B", "alibaba", True),
        ("Series B", "alibaba_cloud", True),
        ("Series C", "alibaba", True),
    ]
