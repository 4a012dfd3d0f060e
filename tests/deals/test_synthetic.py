"""generate_synthetic writes every column the models require, the evidence columns too."""

import pytest
from django.core.management import call_command

from deals.models import FundingRound
from startups.models import Source

pytestmark = pytest.mark.django_db


def test_synthetic_data_fills_the_source_and_record_columns_without_defaults_in_the_database():
    call_command("generate_synthetic", "--rounds", "100", "--seed", "1", verbosity=0)

    assert FundingRound.objects.count() > 0
    assert set(FundingRound.objects.values_list("disputed_fields", flat=True)) == {""}
    # The sample's sources come along with its FX rates; the invented ones have no kind.
    invented = Source.objects.filter(url__contains="example.invalid")
    assert invented.count() == 10
    assert set(invented.values_list("kind", "original_publisher")) == {("", "")}
