"""The two rules of evidence, on claims held in memory: which claim is accepted, and which
figures are disputed (docs/evidence.md)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from deals.evidence import accepted_claim, agree, conflicting, in_dispute


@dataclass
class Said:
    value: Decimal
    currency: str = "USD"
    qualifier: str = "exact"
    value_usd: Decimal | None = None
    accepted: bool = False
    reported_on: dt.date | None = None
    source_kind: str = ""
    source_url: str = "https://example.com/a"

    def __post_init__(self):
        self.value = Decimal(self.value)
        if self.value_usd is None and self.currency == "USD":
            self.value_usd = self.value


def usd(value, qualifier="exact", **kw):
    return Said(Decimal(value), "USD", qualifier, **kw)


@pytest.mark.parametrize(
    ("a", "b", "agreed"),
    [
        (usd(300e6, "at_least"), usd(400e6, "at_most"), True),
        (usd(3.0e9), usd(2.8e9), False),
        (usd(3.0e9), usd(3.0e9), True),
        (usd(100, "approx"), usd(110), True),
        (usd(100, "approx"), usd(90), True),
        (usd(100, "approx"), usd(111), False),
        (usd(100, "approx"), usd(89), False),
        (usd(4.0e9, "at_least"), usd(4.0e9, "at_least"), True),
        (usd(4.0e9, "at_least"), usd(3.9e9), False),
        (usd(500, "at_most"), usd(600, "at_least"), False),
        (usd(500, "at_most"), usd(500, "at_least"), True),
    ],
)
def test_claims_agree_when_their_intervals_meet(a, b, agreed):
    assert agree(a, b) is agreed
    assert agree(b, a) is agreed


def test_claims_in_different_currencies_are_compared_in_usd():
    # Zhipu: ¥40bn (a magazine) against ¥24.4bn (the prospectus), and a US outlet's $5.6bn.
    magazine = Said(Decimal("40e9"), "CNY", value_usd=Decimal("5571030640.67"))
    prospectus = Said(Decimal("24.4e9"), "CNY", value_usd=Decimal("3398328690.81"))
    in_dollars = usd(5.6e9)
    assert not agree(magazine, prospectus)
    assert agree(magazine, in_dollars)  # 0.5% apart: within the 2% a currency conversion allows
    assert not agree(prospectus, in_dollars)


def test_claims_without_a_usd_rate_are_compared_only_in_the_same_currency():
    no_rate = Said(Decimal("1e9"), "HKD", value_usd=None)
    assert agree(no_rate, usd(5))
    assert not agree(no_rate, Said(Decimal("2e9"), "HKD"))


def test_counts_and_percentages_are_compared_as_they_are():
    assert not agree(Said(36, ""), Said(40, ""))
    assert agree(Said(36, "", "approx"), Said(38, ""))


def test_a_figure_is_disputed_until_staff_accept_one_of_its_claims():
    claims = [usd(3.0e9), usd(2.8e9), usd(3.0e9)]
    assert conflicting(claims) and in_dispute(claims)
    claims[1].accepted = True
    assert conflicting(claims) and not in_dispute(claims)


def test_a_staff_choice_wins_over_every_source_kind():
    filing = usd(1, source_kind="filing", reported_on=dt.date(2025, 1, 1))
    chosen = usd(2, source_kind="syndicated", accepted=True)
    assert accepted_claim([filing, chosen]) is chosen


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        ("filing", "company"),
        ("statistics", "company"),
        ("company", "original_report"),
        ("original_report", "syndicated"),
        ("original_report", "database"),
        ("syndicated", ""),
        ("database", ""),
    ],
)
def test_source_kinds_rank_filing_company_original_copy_unknown(better, worse):
    newer = dt.date(2026, 1, 1)
    winner = usd(1, source_kind=better, reported_on=dt.date(2020, 1, 1))
    loser = usd(2, source_kind=worse, reported_on=newer)
    assert accepted_claim([loser, winner]) is winner
    assert accepted_claim([winner, loser]) is winner


def test_between_sources_of_one_kind_the_latest_report_wins():
    old = usd(1, source_kind="original_report", reported_on=dt.date(2024, 2, 20))
    new = usd(2, source_kind="original_report", reported_on=dt.date(2024, 5, 1))
    undated = usd(3, source_kind="original_report")
    assert accepted_claim([old, new, undated]) is new
    assert accepted_claim([]) is None
