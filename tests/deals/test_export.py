"""export_data writes the import format back: export, import into an empty database, export
again, and the files are the same to the byte."""

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

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


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
    assert import_paths([SAMPLE]).ok
    call_command("export_data", str(tmp_path / "first"))

    empty_the_database()
    assert FundingRound.objects.count() == 0
    assert import_paths([tmp_path / "first"]).ok
    call_command("export_data", str(tmp_path / "second"))

    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()}
    assert len(first) == 11
    assert first == second
    assert FundingRound.objects.count() == 61


def test_the_export_keeps_bounds_partial_dates_and_chinese_names(tmp_path):
    assert import_paths([SAMPLE]).ok
    call_command("export_data", str(tmp_path))
    rounds = (tmp_path / "rounds.csv").read_text(encoding="utf-8")
    assert (
        'zhipu,2023-10,month,"2023 financing (several rounds, cumulative)",2500000000,CNY,at_least'
        in rounds
    )
    assert "智谱" in (tmp_path / "startups.csv").read_text(encoding="utf-8")
