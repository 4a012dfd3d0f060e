"""The bundled data (the Makefile's SAMPLE_DATA, which `make run` loads) loads with no error,
and every record rests on at least one source.

The rule, record by record: a round, a valuation mark, a compute deal and a published metric
carry figures of their own and cite a source each (the format requires it, as the API and the
admin do); a startup and a model product cite the page that says they exist; a stake in a
round rests on its own sources or, citing none, on its round's; an investor cites a source
of its own or is named by a round, whose sources then name it; an FX rate cites its series.
"""

import re
from pathlib import Path

import pytest
from django.db.models import Exists, OuterRef, Q

from dashboards.coverage_selectors import source_counts
from deals.importing import import_paths
from deals.models import FxRate, Investor, Participation
from tests.dashboards.data import SAMPLE, analyze

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]


def bundled_folder() -> Path:
    """The folder the Makefile's `SAMPLE_DATA ?=` line names."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return ROOT / re.search(r"^SAMPLE_DATA \?= *(\S+)", makefile, re.MULTILINE)[1]


@pytest.fixture
def bundled():
    """Imported with its statistics taken: on the plan of a table last seen empty, the source
    coverage query ran past the statement timeout in CI (tests.dashboards.data.analyze)."""
    report = import_paths([bundled_folder()])
    analyze()
    return report


def test_the_tests_load_the_data_that_make_run_loads():
    assert bundled_folder() == SAMPLE


def test_the_bundled_data_loads_with_no_error(bundled):
    assert bundled.problems == []
    assert bundled.ok
    assert {"startups.csv", "rounds.csv", "sources.csv"} <= set(bundled.files)
    assert all(counts.errors == 0 for counts in bundled.files.values())


def test_every_record_of_the_bundled_data_rests_on_a_source(bundled):
    assert bundled.ok
    counted = {row["kind"]: row for row in source_counts()}
    # Every kind the report counts, stakes included (their own sources or their round's);
    # investors by the rule below.
    unsourced = {kind: row["unsourced"] for kind, row in counted.items() if kind != "investors"}
    assert unsourced == dict.fromkeys(unsourced, 0)
    assert all(counted[kind]["records"] > 0 for kind in ("startups", "rounds", "metrics"))

    in_a_round = Exists(Participation.objects.filter(investor=OuterRef("pk")))
    unsourced_investors = Investor.objects.filter(sources__isnull=True).filter(~Q(in_a_round))
    assert list(unsourced_investors.values_list("slug", flat=True)) == []
    assert not FxRate.objects.filter(source__isnull=True).exists()
