"""Partial dates and money as the import format writes them and as screens show them."""

import datetime as dt
from decimal import Decimal

import pytest

from startups.vocab import (
    format_money,
    format_partial_date,
    parse_partial_date,
    period_end,
    ratio_qualifier,
    sum_qualifier,
)


@pytest.mark.parametrize(
    ("text", "precision", "expected"),
    [
        ("2024-05-17", "", (dt.date(2024, 5, 17), "day")),
        ("2024-05", "", (dt.date(2024, 5, 1), "month")),
        ("2024-Q4", "", (dt.date(2024, 10, 1), "quarter")),
        ("2021", "", (dt.date(2021, 1, 1), "year")),
        ("2024-06-30", "quarter", (dt.date(2024, 6, 30), "quarter")),
        ("2024-02", "month", (dt.date(2024, 2, 1), "month")),
    ],
)
def test_partial_dates_are_stored_as_their_first_day_with_a_precision(text, precision, expected):
    assert parse_partial_date(text, precision) == expected


@pytest.mark.parametrize(
    ("text", "precision", "message"),
    [
        ("2023-02-30", "", "is not a real date (got '2023-02-30')"),
        ("2023-13", "", "has no month 13"),
        ("30/02/2023", "", "must be a date as YYYY-MM-DD"),
        ("2024", "day", "cannot have day precision"),
        ("2024", "decade", "precision must be one of"),
    ],
)
def test_impossible_dates_are_refused_in_words(text, precision, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_partial_date(text, precision)


def test_a_date_is_shown_at_its_precision():
    assert format_partial_date(dt.date(2024, 6, 30), "quarter") == "2024-Q2"
    assert format_partial_date(dt.date(2024, 6, 30), "month") == "2024-06"
    assert format_partial_date(dt.date(2021, 1, 1), "year") == "2021"
    assert period_end(dt.date(2024, 4, 1), "quarter") == dt.date(2024, 6, 30)
    assert period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)


def test_money_is_shown_with_its_qualifier():
    assert format_money(Decimal("1000000000"), "USD", "at_least") == "≥ $1.0B"
    assert format_money(Decimal("800000000"), "USD", "approx") == "≈ $800M"
    assert format_money(Decimal("2500000000"), "CNY", "exact") == "CNY 2.5B"
    assert format_money(None) == "undisclosed"


@pytest.mark.parametrize(
    ("numerator", "denominator", "ratio"),
    [
        ("exact", "exact", "exact"),
        # A bound on the numerator bounds the ratio the same way.
        ("at_least", "exact", "at_least"),
        ("at_most", "exact", "at_most"),
        ("approx", "exact", "approx"),
        # A bound on the denominator bounds it the other way: $300M of at least $800M is at
        # most 37.5%.
        ("exact", "at_least", "at_most"),
        ("exact", "at_most", "at_least"),
        ("exact", "approx", "approx"),
        # Bounds pulling the same way keep it; an approximate part does not undo a bound.
        ("at_least", "at_most", "at_least"),
        ("at_most", "at_least", "at_most"),
        ("at_least", "approx", "at_least"),
        ("at_most", "approx", "at_most"),
        ("approx", "at_least", "at_most"),
        ("approx", "at_most", "at_least"),
        ("approx", "approx", "approx"),
        # Bounds pulling both ways leave no bound: approximately.
        ("at_least", "at_least", "approx"),
        ("at_most", "at_most", "approx"),
    ],
)
def test_a_ratio_is_bounded_as_its_numerator_and_against_its_denominator(
    numerator, denominator, ratio
):
    assert ratio_qualifier(numerator, denominator) == ratio


@pytest.mark.parametrize(
    ("at_least", "approx", "at_most", "total"),
    [
        # $100M + $200M exactly: exactly $300M
        (0, 0, 0, "exact"),
        (0, 2, 0, "approx"),
        # One part "over": the sum is at least what the parts say, whatever else it holds
        (1, 0, 0, "at_least"),
        (1, 3, 0, "at_least"),
        (0, 1, 2, "at_most"),
        # "Over" one part, "up to" another: bounded neither way, so about that much
        (1, 0, 1, "approx"),
        (2, 1, 1, "approx"),
    ],
)
def test_a_sum_is_bounded_as_the_bounds_of_its_parts(at_least, approx, at_most, total):
    assert sum_qualifier(at_least, approx, at_most) == total
