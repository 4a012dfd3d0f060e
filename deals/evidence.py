"""Competing claims about one figure: which is accepted, and whether they can all be true.

Plain rules over anything shaped like a claim (a `Claim` row, or a row of a file being
previewed), documented in docs/evidence.md.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Protocol

from startups.vocab import Qualifier, SourceKind

# A figure's claims are compared as intervals: "≈ X" stands for anything within ±10% of X.
APPROX_TOLERANCE = Decimal("0.10")
# Two exact figures in different currencies are compared in USD; the reporter converted at a
# spot rate, we at the month's average, so they meet within 2%.
FX_TOLERANCE = Decimal("0.02")

# Whose figure wins when claims disagree and staff have not chosen: a primary filing (or
# official statistics) over the company's own statement, over the outlet that reported it
# first, over a copy or an aggregator, over a source of no known kind.
SOURCE_KIND_RANK = {
    SourceKind.FILING: 4,
    SourceKind.STATISTICS: 4,
    SourceKind.COMPANY: 3,
    SourceKind.ORIGINAL_REPORT: 2,
    SourceKind.SYNDICATED: 1,
    SourceKind.DATABASE: 1,
    "": 0,
}


@dataclass(frozen=True)
class Figure:
    """Where one figure of a record lives: its value, currency (None: not money) and bound."""

    value: str
    currency: str | None
    qualifier: str


def _money(value: str, currency: str, qualifier: str) -> Figure:
    return Figure(value, currency, qualifier)


AMOUNT = _money("amount", "amount_currency", "amount_qualifier")
CREDITS = _money("compute_credit_amount", "compute_credit_currency", "compute_credit_qualifier")

# The figures that can hold claims, by record kind (the `record` column of claims.csv); the
# names are the record's own CSV and API columns.
FIGURES: dict[str, dict[str, Figure]] = {
    "round": {
        "amount": AMOUNT,
        "post_money_valuation": _money(
            "post_money_valuation", "valuation_currency", "valuation_qualifier"
        ),
        "compute_credit_amount": CREDITS,
    },
    "participation": {
        "amount": AMOUNT,
        "stake_percent": Figure("stake_percent", None, "stake_qualifier"),
        "compute_credit_amount": CREDITS,
    },
    "valuation": {"value": _money("value", "currency", "value_qualifier")},
    "compute": {
        "quantity": Figure("quantity", None, "quantity_qualifier"),
        "amount": AMOUNT,
    },
}
FIELD_NAMES = sorted({name for figures in FIGURES.values() for name in figures})


class ClaimLike(Protocol):
    value: Decimal
    currency: str
    qualifier: str
    value_usd: Decimal | None
    accepted: bool
    reported_on: dt.date | None

    @property
    def source_kind(self) -> str: ...

    @property
    def source_url(self) -> str: ...


def bounds(value: Decimal, qualifier: str) -> tuple[Decimal, Decimal | None]:
    """The values a claim allows, as (low, high); high None is unbounded."""
    if qualifier == Qualifier.AT_LEAST:
        return value, None
    if qualifier == Qualifier.AT_MOST:
        return Decimal(0), value
    if qualifier == Qualifier.APPROX:
        return value * (1 - APPROX_TOLERANCE), value * (1 + APPROX_TOLERANCE)
    return value, value


def _compared_values(a: ClaimLike, b: ClaimLike) -> tuple[Decimal, Decimal, Decimal] | None:
    """The two values to compare and the slack between them; None when they cannot be
    compared (different currencies and no USD rate for one of them)."""
    if (a.currency or "") == (b.currency or ""):
        return Decimal(a.value), Decimal(b.value), Decimal(0)
    if a.value_usd is None or b.value_usd is None:
        return None
    return Decimal(a.value_usd), Decimal(b.value_usd), FX_TOLERANCE


def agree(a: ClaimLike, b: ClaimLike) -> bool:
    """Whether both claims can be true at once."""
    compared = _compared_values(a, b)
    if compared is None:
        return True
    value_a, value_b, slack = compared
    low_a, high_a = bounds(value_a, a.qualifier)
    low_b, high_b = bounds(value_b, b.qualifier)
    low = max(low_a * (1 - slack), low_b * (1 - slack))
    highs = [high * (1 + slack) for high in (high_a, high_b) if high is not None]
    return not highs or low <= min(highs)


def in_dispute(claims: Sequence[ClaimLike]) -> bool:
    """Two of the claims cannot both be true, and staff have not settled which is right."""
    if any(claim.accepted for claim in claims):
        return False
    return conflicting(claims)


def conflicting(claims: Sequence[ClaimLike]) -> bool:
    return any(not agree(a, b) for a, b in combinations(claims, 2))


def preference(claim: ClaimLike) -> tuple:
    """Sort key: the accepted claim sorts last (staff choice, source kind, latest report)."""
    return (
        claim.accepted,
        SOURCE_KIND_RANK.get(claim.source_kind, 0),
        claim.reported_on or dt.date.min,
        # Last, any fixed order, so that the choice between equals never flips.
        claim.source_url,
    )


def accepted_claim(claims: Iterable[ClaimLike]) -> ClaimLike | None:
    return max(claims, key=preference, default=None)
