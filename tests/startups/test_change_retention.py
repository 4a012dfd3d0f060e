"""Retention: the feed's rows, tombstones included, are deleted once older than
CHANGES_KEEP_DAYS, by a daily task, in batches; how far it deleted is kept, so that the API can
tell a client whose cursor points into what is gone (410, tests/api/test_change_feed.py)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from startups.change_feed import changes_purge, purged_past
from startups.change_models import Change, ChangeFeedPurge
from startups.tasks import purge_old_changes_task

pytestmark = pytest.mark.django_db


def feed_rows(*ages_in_days: int) -> list[Change]:
    """One row per age, in feed order (txid 1, 2, ...)."""
    now = timezone.now()
    return Change.objects.bulk_create(
        Change(
            txid=n,
            kind="round",
            record_id=n,
            action="deleted",
            occurred_at=now - dt.timedelta(days=age),
        )
        for n, age in enumerate(ages_in_days, start=1)
    )


def test_rows_older_than_the_period_are_deleted_in_batches_and_the_horizon_kept():
    rows = feed_rows(400, 380, 366, 364, 1)

    deleted = changes_purge(keep_days=365, batch_size=2)

    assert deleted == 3
    assert list(Change.objects.values_list("txid", flat=True)) == [4, 5]
    purge = ChangeFeedPurge.objects.get()
    assert (purge.txid, purge.change_id) == (3, rows[2].pk)
    assert purged_past(2, rows[1].pk) and purged_past(3, rows[2].pk - 1)
    assert not purged_past(3, rows[2].pk) and not purged_past(4, 0)


def test_a_second_run_deletes_nothing_and_keeps_the_horizon():
    rows = feed_rows(400, 10)
    changes_purge(keep_days=365)

    assert changes_purge(keep_days=365) == 0
    assert ChangeFeedPurge.objects.values_list("txid", "change_id").get() == (1, rows[0].pk)


def test_nothing_purged_is_nothing_past():
    feed_rows(10)

    assert changes_purge(keep_days=365) == 0
    assert not ChangeFeedPurge.objects.exists()
    assert not purged_past(0, 0)


def test_the_daily_task_keeps_the_configured_days(settings):
    settings.CHANGES_KEEP_DAYS = 30
    feed_rows(31, 29)

    assert purge_old_changes_task.delay().get() == 1
    assert list(Change.objects.values_list("txid", flat=True)) == [2]


def test_beat_runs_the_task_daily():
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-old-changes-daily"]

    assert schedule["task"] == "startups.tasks.purge_old_changes_task"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({4}, {10})
