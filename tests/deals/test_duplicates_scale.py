"""benchmarks/duplicates_scale.py keeps working: at a tiny size it writes its data, times the
report, finds the duplicates it planted and leaves the database as it was."""

import pytest

from benchmarks.duplicates_scale import measure
from startups.models import Startup

pytestmark = pytest.mark.django_db


def test_the_scale_benchmark_finds_what_it_planted_and_leaves_nothing():
    result = measure(100)

    assert result["startups"] >= 90
    assert result["planted"] >= 1
    assert result["planted_found"] >= result["planted"] // 2
    assert {"startup_s", "investor_s", "startup_pairs", "investor_pairs"} <= set(result)
    assert not Startup.objects.exists()
