"""The qualifier of a ratio from the qualifiers of its numerator and denominator."""

import pytest

from startups.vocab import ratio_qualifier


@pytest.mark.parametrize(
    ("numerator", "denominator", "ratio"),
    [
        ("exact", "exact", "exact"),
        # A numerator of at least X, or a denominator of at most Y: at least X / Y.
        ("at_least", "exact", "at_least"),
        ("exact", "at_most", "at_least"),
        ("at_least", "at_most", "at_least"),
        # The reverse: at most.
        ("at_most", "exact", "at_most"),
        ("exact", "at_least", "at_most"),
        ("at_most", "at_least", "at_most"),
        # Bounds pulling both ways: the ratio could be either side.
        ("at_least", "at_least", "approx"),
        ("at_most", "at_most", "approx"),
        # An approximate term makes the ratio approximate, whatever the other.
        ("approx", "exact", "approx"),
        ("exact", "approx", "approx"),
        ("at_least", "approx", "approx"),  # the overview's >= $300M of ~ $800M
        ("approx", "at_most", "approx"),
    ],
)
def test_a_ratio_is_bounded_the_way_its_terms_pull_it(numerator, denominator, ratio):
    assert ratio_qualifier(numerator, denominator) == ratio


def test_an_unset_qualifier_is_exact():
    assert ratio_qualifier("", "") == "exact"
    assert ratio_qualifier("", "at_least") == "at_most"
