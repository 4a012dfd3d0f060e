"""Chip generations: the chip a deal names, as its source words it, put in its family; the
ledger's SQL filter puts every chip where the Python function does."""

import pytest

from dashboards.chips import chip_generation, generation_filter, generation_label
from deals.models import ComputeDeal
from tests.factories import ComputeDealFactory

# Every chip of the sample data (data/sample/compute.csv), and a few more.
CHIPS = {
    "H100": "hopper",
    "H800": "hopper",
    "H20": "hopper",
    "H200": "hopper",
    "H800; H100; H20 (Hopper)": "hopper",
    "Hopper (incl. H20)": "hopper",
    "A100": "ampere",
    "A800": "ampere",
    "Ascend (910 series); reverted to Nvidia": "ascend",
    "Ascend 910 (Atlas 800T A2 servers)": "ascend",
    "Huawei 910C": "ascend",
    "B20": "blackwell",
    "GB200 NVL72": "blackwell",
    "Nvidia GPUs (model not disclosed)": "other",
    "GPUs (model not disclosed)": "other",
    "": "other",
    "h100 sxm": "hopper",
}


def test_each_chip_as_a_source_names_it_is_put_in_its_generation():
    assert {chip: chip_generation(chip) for chip in CHIPS} == CHIPS


def test_a_generation_reads_as_its_label():
    assert generation_label("hopper") == "Nvidia Hopper (H100, H800, H20, H200)"
    assert generation_label("ascend") == "Huawei Ascend"
    assert generation_label("other") == "other or not disclosed"


@pytest.mark.django_db
def test_the_ledger_filter_finds_in_sql_the_chips_the_function_puts_in_each_generation():
    for index, chip in enumerate(CHIPS):
        ComputeDealFactory(startup=None, buyer=f"Buyer {index}", chip=chip)

    found = {
        generation: sorted(
            ComputeDeal.objects.filter(generation_filter(generation)).values_list("chip", flat=True)
        )
        for generation in ("hopper", "ampere", "ascend", "blackwell", "other")
    }

    assert found == {
        generation: sorted(chip for chip, family in CHIPS.items() if family == generation)
        for generation in found
    }
    assert sum(len(chips) for chips in found.values()) == len(CHIPS)
