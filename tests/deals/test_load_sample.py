"""`make run` loads the sample data into an empty database only: it never overwrites what a
user entered since. `make sample` (--reload) imports it again on purpose."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from deals.claim_models import Claim
from deals.models import FundingRound
from startups.models import Startup
from tests.deals.claim_files import CLAIMS, FILING, RECORD_FILES
from tests.deals.import_files import write
from tests.factories import StartupFactory

pytestmark = pytest.mark.django_db

SAMPLE = str(Path(__file__).resolve().parents[2] / "data" / "sample")


def load_sample(*options: str) -> str:
    out = StringIO()
    call_command("load_sample_data", SAMPLE, *options, stdout=out, verbosity=0)
    return out.getvalue()


def test_an_empty_database_gets_the_sample_data():
    load_sample()

    assert Startup.objects.get(slug="moonshot").name_en == "Moonshot AI"


def test_a_database_holding_records_is_left_alone_and_says_why():
    load_sample()
    Startup.objects.filter(slug="moonshot").update(name_en="Moonshot (edited)")

    said = load_sample()

    assert Startup.objects.get(slug="moonshot").name_en == "Moonshot (edited)"
    assert "the sample data is not loaded again" in said
    assert "make sample" in said


def test_a_single_record_entered_by_hand_is_enough_to_keep_the_sample_out():
    StartupFactory(slug="my-own")

    load_sample()

    assert list(Startup.objects.values_list("slug", flat=True)) == ["my-own"]


def test_reload_puts_the_sample_values_back_and_keeps_other_records():
    load_sample()
    Startup.objects.filter(slug="moonshot").update(name_en="Moonshot (edited)")
    StartupFactory(slug="my-own")

    load_sample("--reload")

    assert Startup.objects.get(slug="moonshot").name_en == "Moonshot AI"
    assert Startup.objects.filter(slug="my-own").exists()


def test_a_sample_folder_with_claims_csv_loads_its_claims(tmp_path):
    folder = write(tmp_path / "sample", {**RECORD_FILES, "claims.csv": CLAIMS})

    call_command("load_sample_data", str(folder), stdout=StringIO(), verbosity=0)

    assert Claim.objects.filter(source__url=FILING).count() == 4
    assert FundingRound.objects.get().amount == Decimal("380000000")
