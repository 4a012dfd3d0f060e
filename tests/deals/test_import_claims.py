"""claims.csv: each source's value of a figure, keyed by record, field and source URL; the
record then holds the accepted claim's value and names its disputed figures."""

import datetime as dt
from decimal import Decimal

import pytest

from deals.claim_models import Claim
from deals.importing import import_paths
from deals.models import ComputeDeal, FundingRound, Participation, ValuationMark
from tests.deals.claim_files import (
    CLAIM_HEADER,
    CLAIMS,
    COMPUTE_CLAIM,
    COPY,
    FILING,
    ROUND_CLAIM,
    STAKE_CLAIM,
    VALUATION_CLAIM,
    claims_stored,
    import_records,
    refused,
)
from tests.deals.import_files import write

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(tmp_path):
    import_records(tmp_path / "records")
    return tmp_path


def test_claims_of_every_record_kind_are_stored_and_their_records_follow(records):
    report = import_paths([write(records / "claims", {"claims.csv": CLAIMS})])

    assert report.ok, report.problems
    assert report.files["claims.csv"].created == 4
    funding_round = FundingRound.objects.get()
    assert (funding_round.amount, funding_round.amount_qualifier) == (Decimal("380000000"), "exact")
    assert funding_round.amount_usd == Decimal("380000000.00")
    assert funding_round.disputed == ["amount"]  # "≥ $400M" and "$380M" cannot both be true
    claim = funding_round.claims.get(source__url=FILING)
    assert (claim.as_of, claim.reported_on, claim.confidence, claim.notes) == (
        dt.date(2024, 5, 1),
        dt.date(2025, 12, 30),
        "confirmed",
        "Table of the prospectus",
    )
    stake = Participation.objects.get()
    assert (stake.stake_percent, stake.disputed) == (Decimal("4.8"), ["stake_percent"])
    mark = ValuationMark.objects.get()
    assert (mark.value, mark.disputed) == (Decimal("24400000000"), [])  # resolved by staff
    deal = ComputeDeal.objects.get()
    assert (deal.quantity, deal.quantity_qualifier, deal.disputed) == (12000, "exact", ["quantity"])


def test_importing_the_same_claims_again_updates_and_never_duplicates(records):
    folder = write(records / "claims", {"claims.csv": CLAIMS})
    assert import_paths([folder]).ok
    first = claims_stored()

    again = import_paths([folder])
    changed = import_paths(
        [
            write(
                records / "changed",
                {"claims.csv": CLAIM_HEADER + ROUND_CLAIM.replace("380", "390")},
            )
        ]
    )

    assert again.files["claims.csv"].unchanged == 4 and again.files["claims.csv"].created == 0
    assert (changed.files["claims.csv"].updated, Claim.objects.count()) == (1, len(first))
    assert FundingRound.objects.get().claims.get(source__url=FILING).value == Decimal("390000000")
    assert FundingRound.objects.get().amount == Decimal("390000000")


def test_accepting_a_claim_in_the_file_withdraws_the_acceptance_of_its_rival(records):
    assert import_paths([write(records / "claims", {"claims.csv": CLAIMS})]).ok
    copy_accepted = (
        f"valuation,zhipu,,,,2024-05,press_report,,,,value,40000000000,CNY,,,,{COPY},,true,"
        "The company confirmed the magazine's figure\n"
    )

    assert import_paths([write(records / "copy", {"claims.csv": CLAIM_HEADER + copy_accepted})]).ok

    mark = ValuationMark.objects.get()
    assert mark.value == Decimal("40000000000")
    assert list(mark.claims.filter(accepted=True).values_list("source__url", flat=True)) == [COPY]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ROUND_CLAIM.replace("Series B", "Series C"),
            "line 2, column record: names no known round (startup_slug, announced_on, round_label)",
        ),
        (
            ROUND_CLAIM.replace("round,", "deal,", 1),
            "line 2, column record: must be one of round, participation, valuation, compute "
            "(got 'deal')",
        ),
        (
            ROUND_CLAIM.replace(",amount,", ",value,"),
            "line 2, column field: must be one of amount, post_money_valuation, "
            "compute_credit_amount for a round (got 'value')",
        ),
        (
            ROUND_CLAIM.replace(",USD,", ",,"),
            "line 2, column currency: is required: amount is money",
        ),
        (
            STAKE_CLAIM.replace(",4.8,,", ",4.8,USD,"),
            "line 2, column currency: must be blank: stake_percent is not money",
        ),
        (
            ROUND_CLAIM.replace(",exact,", ",roughly,"),
            "line 2, column qualifier: must be one of exact, approx, at_least, at_most "
            "(got 'roughly')",
        ),
        (
            ROUND_CLAIM.replace(",2025-12-30,", ",2025-02-30,"),
            "line 2, column reported_on: is not a real date (got '2025-02-30')",
        ),
        (
            ROUND_CLAIM.replace(",380000000,", ",3.8e8,"),
            "line 2, column value: is written with an exponent (got '3.8e8')",
        ),
        (
            ROUND_CLAIM.replace(",380000000,", ",-5,"),
            "line 2, column value: must not be negative (got -5)",
        ),
        (
            VALUATION_CLAIM.replace("The prospectus states it", ""),
            "line 2, column notes: is required for an accepted claim: say why it is accepted",
        ),
        (
            ROUND_CLAIM.replace(f",{FILING},", ",ftp://filing.example/x,"),
            "line 2, column source_url: ",
        ),
        (
            ROUND_CLAIM.replace("Series B,,,", "Series B,,2024-05,"),
            "line 2, column valued_on: is not a key of a round: leave it blank",
        ),
        (
            COMPUTE_CLAIM.replace(",quantity,", ",amount,"),
            "line 2, column currency: is required: amount is money",
        ),
    ],
)
def test_a_bad_claim_is_named_by_line_and_column_and_nothing_is_written(records, row, expected):
    folder = write(records / "bad", {"claims.csv": CLAIM_HEADER + row})

    problems = refused(folder)

    assert len(problems) == 1
    assert problems[0].startswith(f"claims.csv {expected}")


def test_two_accepted_claims_of_one_figure_are_refused_at_the_second(records):
    other = VALUATION_CLAIM.replace(FILING, COPY).replace(",24400000000,", ",40000000000,")

    problems = refused(
        write(records / "bad", {"claims.csv": CLAIM_HEADER + VALUATION_CLAIM + other})
    )

    assert problems == [
        "claims.csv line 3, column accepted: line 2 accepts another claim of this figure"
    ]


def test_a_repeated_claim_is_refused(records):
    problems = refused(write(records / "bad", {"claims.csv": CLAIM_HEADER + ROUND_CLAIM * 2}))

    assert problems == [
        "claims.csv line 3: repeats the key (record, the record's key, field, source_url) of line 2"
    ]


def test_claims_are_imported_after_the_records_they_name_in_the_same_run(tmp_path):
    from tests.deals.claim_files import RECORD_FILES

    report = import_paths([write(tmp_path / "all", {**RECORD_FILES, "claims.csv": CLAIMS})])

    assert report.ok, report.problems
    assert FundingRound.objects.get().amount == Decimal("380000000")
