"""What the import looks up before it writes: the records that have a row's key already, and
the ids of new records."""

from datetime import date
from unittest import mock

import pytest
from django.utils import timezone

from deals.claim_models import Claim
from deals.importing import engine, import_paths
from deals.importing.claim_rows import CLAIM_TARGET
from deals.importing.copying import history_copy, reserve_ids
from deals.importing.engine import fetch_existing
from deals.importing.pipeline import ROUND_TARGET
from deals.models import FundingRound
from startups.models import Tag
from tests.deals.import_files import INVESTORS, ROUND_HEADER, write
from tests.factories import ClaimFactory, FundingRoundFactory, StartupFactory

pytestmark = pytest.mark.django_db

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)


def test_records_are_found_by_their_whole_key_and_no_other():
    zhipu, moonshot = StartupFactory(), StartupFactory()
    series_a = FundingRoundFactory(startup=zhipu, announced_on=MAY, round_label="Series A")
    series_b = FundingRoundFactory(startup=moonshot, announced_on=JUNE, round_label="Series B")
    # Each part of this key is some stored round's, the whole key none's.
    crossed = (zhipu.pk, JUNE, "Series B")
    keys = [(zhipu.pk, MAY, "Series A"), crossed, (moonshot.pk, JUNE, "Series B")]

    found = fetch_existing(ROUND_TARGET, keys)

    assert found == {keys[0]: series_a, keys[2]: series_b}


def test_a_key_with_blank_parts_finds_its_record():
    claim = ClaimFactory()
    key = tuple(getattr(claim, name) for name in CLAIM_TARGET.key_fields)
    assert None in key  # a claim names one record kind; the others are blank

    assert fetch_existing(CLAIM_TARGET, [key]) == {key: claim}
    assert fetch_existing(CLAIM_TARGET, []) == {}


@pytest.mark.postgres
def test_history_rows_are_made_for_the_ids_given_whether_or_not_they_run_on():
    first, second, third = Tag.objects.bulk_create(Tag(slug=slug) for slug in "abc")
    now = timezone.now()

    history_copy(Tag, [first.pk, third.pk], user=None, reason="import tags.csv", now=now)
    history_copy(Tag, [second.pk], user=None, reason="import tags.csv", now=now)
    history_copy(Tag, [], user=None, reason="import tags.csv", now=now)

    rows = Tag.history.order_by("id").values_list("slug", "history_type", "history_date")
    assert list(rows) == [("a", "+", now), ("b", "+", now), ("c", "+", now)]
    assert set(Tag.history.values_list("history_change_reason", flat=True)) == {"import tags.csv"}


@pytest.mark.postgres
def test_reserved_ids_are_new_increasing_and_never_given_again():
    before = Tag.objects.create(slug="before")

    reserved = reserve_ids(Tag, 3)

    assert reserved == sorted(reserved) and len(set(reserved)) == 3
    assert min(reserved) > before.pk
    assert Tag.objects.create(slug="after").pk > max(reserved)
    assert reserve_ids(Claim, 1)[0] > 0


def test_the_rounds_of_a_startup_the_same_run_creates_are_not_looked_up(tmp_path):
    """Nothing stored can name a startup made a moment ago; a known startup's round may be
    stored, and is found and updated."""
    known = StartupFactory(slug="zhipu")
    FundingRoundFactory(startup=known, announced_on=MAY, round_label="Series B")
    startups = "slug,name_en,is_ai\nstepfun,StepFun,true\n"
    rounds = (
        "zhipu,2024-05-01,day,Series B,200,USD,,,,alibaba,,https://a.example/1,reported\n"
        "stepfun,2024-05-01,day,Series B,300,USD,,,,alibaba,,https://a.example/2,reported\n"
    )
    folder = write(
        tmp_path / "in",
        {"startups.csv": startups, "investors.csv": INVESTORS, "rounds.csv": ROUND_HEADER + rounds},
    )
    asked: list[tuple] = []

    def recorded(target, keys):
        asked.extend(keys)
        return fetch_existing(target, keys)

    with mock.patch.object(engine, "fetch_existing", side_effect=recorded):
        report = import_paths([folder])

    assert report.ok and report.files["rounds.csv"].updated == 1
    assert report.files["rounds.csv"].created == 1
    round_keys = [key for key in asked if len(key) == 3]
    assert round_keys == [(known.pk, MAY, "Series B")]
    assert FundingRound.objects.get(startup=known).amount == 200
