"""A CSV row's own figures are claims of the row's sources (docs/evidence.md), by the rule of
every other write; sources.csv carries each source's kind; the export writes claims back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from deals.claim_models import Claim
from deals.importing import import_paths
from deals.models import ComputeDeal, FundingRound, Participation, ValuationMark
from startups.models import Source
from tests.deals.claim_files import (
    CLAIMS,
    COPY,
    FILING,
    ROUNDS,
    SOURCES,
    claims_stored,
    import_records,
    refused,
)
from tests.deals.import_files import write

pytestmark = pytest.mark.django_db
SECOND = "https://second.example/zhipu"


def round_claims() -> list[tuple]:
    return list(
        FundingRound.objects.get()
        .claims.order_by("source__url")
        .values_list("source__url", "value", "qualifier", "as_of", "reported_on")
    )


def test_a_new_rows_figures_are_claims_of_each_of_its_sources(tmp_path):
    import_records(tmp_path / "records")

    assert round_claims() == [
        (COPY, Decimal("400000000"), "at_least", dt.date(2024, 5, 1), dt.date(2024, 5, 20))
    ]
    stake = Participation.objects.get().claims.get()
    assert (stake.field, stake.value, stake.currency) == ("stake_percent", Decimal(5), "")
    assert ValuationMark.objects.get().claims.get().value_usd is None  # no CNY rate loaded
    assert ComputeDeal.objects.get().claims.get().qualifier == "approx"


def test_a_changed_figure_updates_the_claims_of_the_rows_sources(tmp_path):
    import_records(tmp_path / "records")
    changed = ROUNDS.replace("400000000,USD,at_least", "450000000,USD,exact").replace(
        COPY, f"{COPY} ; {SECOND}"
    )

    assert import_paths([write(tmp_path / "changed", {"rounds.csv": changed})]).ok

    assert [claim[:3] for claim in round_claims()] == [
        (COPY, Decimal("450000000"), "exact"),
        (SECOND, Decimal("450000000"), "exact"),
    ]


def test_a_cleared_figure_withdraws_the_rows_claims(tmp_path):
    import_records(tmp_path / "records")
    cleared = ROUNDS.replace("400000000,USD,at_least", ",,")

    assert import_paths([write(tmp_path / "cleared", {"rounds.csv": cleared})]).ok

    assert round_claims() == []
    assert FundingRound.objects.get().amount is None


def test_a_blank_the_rows_sources_never_filled_keeps_the_figure_another_source_gave(tmp_path):
    import_records(tmp_path / "records")
    blank = write(
        tmp_path / "blank", {"rounds.csv": ROUNDS.replace("400000000,USD,at_least", ",,")}
    )
    assert import_paths([blank]).ok
    assert import_paths([write(tmp_path / "claims", {"claims.csv": CLAIMS})]).ok
    assert FundingRound.objects.get().amount == Decimal("380000000")

    report = import_paths([blank])

    assert report.files["rounds.csv"].unchanged == 1
    assert FundingRound.objects.get().amount == Decimal("380000000")
    assert [claim[:2] for claim in round_claims()] == [(FILING, Decimal("380000000"))]


def test_an_export_imported_back_unchanged_leaves_the_claims_alone(tmp_path):
    import_records(tmp_path / "records")
    assert import_paths([write(tmp_path / "claims", {"claims.csv": CLAIMS})]).ok
    # The filing's $380M is now the round's figure; rounds.csv exports the copy's own $400M
    # and claims.csv the filing's.
    call_command("export_data", str(tmp_path / "export"))
    before = claims_stored()

    report = import_paths([tmp_path / "export" / "rounds.csv"])

    assert report.files["rounds.csv"].unchanged == 1
    assert claims_stored() == before
    assert FundingRound.objects.get().claims.get(source__url=COPY).value == Decimal("400000000")


def test_export_then_import_into_an_empty_database_gives_the_same_claims_and_figures(tmp_path):
    import_records(tmp_path / "records")
    assert import_paths([write(tmp_path / "claims", {"claims.csv": CLAIMS})]).ok
    call_command("export_data", str(tmp_path / "first"))
    claims, figures = claims_stored(), record_figures()

    for model in (FundingRound, ValuationMark, ComputeDeal):
        model.objects.all().delete()
    Source.objects.all().delete()
    assert Claim.objects.count() == 0
    assert import_paths([tmp_path / "first"]).ok
    call_command("export_data", str(tmp_path / "second"))

    assert (claims_stored(), record_figures()) == (claims, figures)
    assert (tmp_path / "first" / "claims.csv").read_bytes() == (
        tmp_path / "second" / "claims.csv"
    ).read_bytes()


def record_figures() -> list:
    return [
        list(FundingRound.objects.values_list("amount", "amount_qualifier", "disputed_fields")),
        list(Participation.objects.values_list("stake_percent", "disputed_fields")),
        list(ValuationMark.objects.values_list("value", "disputed_fields")),
        list(ComputeDeal.objects.values_list("quantity", "disputed_fields")),
    ]


def test_sources_keep_their_kind_and_original_publisher_through_an_export(tmp_path):
    assert import_paths([write(tmp_path / "sources", {"sources.csv": SOURCES})]).ok
    call_command("export_data", str(tmp_path / "export"))

    exported = (tmp_path / "export" / "sources.csv").read_text(encoding="utf-8")

    assert exported.splitlines() == SOURCES.splitlines()
    assert list(Source.objects.values_list("url", "kind", "original_publisher")) == [
        (COPY, "syndicated", "Bloomberg"),
        (FILING, "filing", ""),
    ]


def test_a_source_of_an_unknown_kind_is_refused_naming_the_kinds(tmp_path):
    bad = SOURCES.replace(",filing,", ",prospectus,")

    assert refused(write(tmp_path / "bad", {"sources.csv": bad})) == [
        "sources.csv line 3, column kind: must be one of filing, company, original_report, "
        "syndicated, database, statistics (got 'prospectus')"
    ]
