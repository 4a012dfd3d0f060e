"""The import's field cleaning: each distinct value of a field cleaned once per batch, with the
outcome `Model.clean_fields` gives for every row."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db.models import DecimalField

from deals.importing.cleaning import FieldCleaner
from deals.models import FundingRound

ONLY_FIGURES = {f.name for f in FundingRound._meta.fields} - {"amount", "confidence"}


def a_round(**fields) -> FundingRound:
    given = {"announced_on": dt.date(2024, 5, 1), "round_label": "B", "confidence": "reported"}
    return FundingRound(**{**given, **fields})


def errors_of(clean, instance) -> dict | None:
    try:
        clean(instance)
    except ValidationError as error:
        return error.message_dict
    return None


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("100.00")},
        {"amount": Decimal("100.001")},  # three decimal places where two fit
        {"amount": Decimal("1E+30")},
        {"confidence": "certain"},
        {"amount": Decimal("-5"), "confidence": "rumour"},
    ],
)
def test_it_says_what_clean_fields_says_of_the_same_values(fields):
    cleaner = FieldCleaner()
    expected = errors_of(lambda r: r.clean_fields(exclude=ONLY_FIGURES), a_round(**fields))

    # Twice: the second answer comes from what the first one learnt.
    for _ in range(2):
        assert errors_of(lambda r: cleaner(r, ONLY_FIGURES), a_round(**fields)) == expected


def test_equal_decimals_of_different_places_are_cleaned_apart():
    cleaner = FieldCleaner()

    assert errors_of(lambda r: cleaner(r, ONLY_FIGURES), a_round(amount=Decimal("1.00"))) is None
    refused = errors_of(lambda r: cleaner(r, ONLY_FIGURES), a_round(amount=Decimal("1.000")))

    assert refused == {"amount": ["Ensure that there are no more than 2 decimal places."]}


def test_a_value_repeated_down_a_column_is_cleaned_once():
    cleaner = FieldCleaner()
    with mock.patch.object(DecimalField, "clean", autospec=True, side_effect=lambda f, v, i: v):
        for _ in range(5):
            cleaner(a_round(amount=Decimal("250")), ONLY_FIGURES)

        assert DecimalField.clean.call_count == 1
