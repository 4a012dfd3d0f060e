"""export_data writes the import format back: export, import into an empty database, export
again, and the files are the same to the byte."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from deals.importing import import_paths
from deals.models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    InvestorAncestry,
    ReportedMetric,
    ValuationMark,
)
from startups.models import ModelProduct, Source, Startup, Tag
from tests.dashboards.data import analyze

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
ROUNDS_IN_SAMPLE = 184


def import_the_sample() -> None:
    """With its statistics taken: on the plan of a table last seen empty, the export's
    queries ran past the statement timeout in CI (tests.dashboards.data.analyze)."""
    assert import_paths([SAMPLE]).ok
    analyze()


def empty_the_database() -> None:
    for model in (
        FundingRound,
        ValuationMark,
        ComputeDeal,
        ReportedMetric,
        ModelProduct,
        InvestorAncestry,
    ):
        model.objects.all().delete()
    Investor.objects.update(parent=None)
    for model in (Investor, Startup, FxRate, Source, Tag):
        model.objects.all().delete()


def test_export_then_import_into_an_empty_database_gives_the_same_data(tmp_path):
    import_the_sample()
    call_command("export_data", str(tmp_path / "first"))

    empty_the_database()
    assert FundingRound.objects.count() == 0
    assert import_paths([tmp_path / "first"]).ok
    analyze()
    call_command("export_data", str(tmp_path / "second"))

    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()}
    assert len(first) == 11
    assert first == second
    assert FundingRound.objects.count() == ROUNDS_IN_SAMPLE


def test_a_figure_only_another_page_gives_is_not_credited_to_the_rounds_own_page(tmp_path):
    """Fortune Capital's page names Zhipu's 2021 Series A and no amount; 21st Century Business
    Herald (claims.csv) gives ≥ 100M CNY, which the round holds. The export writes the amount
    as the Herald's claim, not as a figure of Fortune Capital's page."""
    import_the_sample()
    series_a = FundingRound.objects.get(startup__slug="zhipu", round_label="Series A")
    assert (series_a.amount, series_a.amount_qualifier) == (100_000_000, "at_least")

    call_command("export_data", str(tmp_path))

    rounds = {
        (row["startup_slug"], row["round_label"]): row
        for row in csv.DictReader((tmp_path / "rounds.csv").open(encoding="utf-8"))
    }
    exported = rounds[("zhipu", "Series A")]
    assert exported["source_url"] == "http://www.cancent.com.cn/index/shownews/id/3815.html"
    assert exported["amount"] == ""
    claims = [
        row
        for row in csv.DictReader((tmp_path / "claims.csv").open(encoding="utf-8"))
        if (row["startup_slug"], row["round_label"], row["field"])
        == ("zhipu", "Series A", "amount")
    ]
    assert [(c["source_url"], c["value"], c["qualifier"]) for c in claims] == [
        ("https://www.chinacsr.com/cn/2025/12/26/61967", "100000000", "at_least")
    ]


def test_the_export_keeps_bounds_partial_dates_and_chinese_names(tmp_path):
    import_the_sample()
    call_command("export_data", str(tmp_path))
    rounds = (tmp_path / "rounds.csv").read_text(encoding="utf-8")
    assert (
        'zhipu,2023-10,month,"2023 financing (several rounds, cumulative)",2500000000,CNY,at_least'
        in rounds
    )
    assert "智谱" in (tmp_path / "startups.csv").read_text(encoding="utf-8")
