"""The matcher runs after the commit of every data change (in-process without a broker),
and a broker that is down neither fails the save nor loses the alert: beat's run matches it."""

import logging

import pytest
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

from dashboards.alert_tasks import match_alerts_task
from dashboards.models import Alert
from startups.changes import changes_record
from startups.touch import Touched
from tests.factories import FundingRoundFactory, StartupFactory, UserFactory

from .following import follows

pytestmark = pytest.mark.django_db(transaction=True)


def save_a_round_of(startup) -> None:
    """What a write path does: the record (its trigger writes the feed's row) and the outbox
    row, in one transaction."""
    with transaction.atomic():
        FundingRoundFactory(startup=startup)
        changes_record(Touched(startups={startup.pk}))


def test_a_committed_change_is_matched_and_emailed_in_process():
    startup = StartupFactory()
    follows(UserFactory(username="ann"), startup=startup)

    save_a_round_of(startup)

    assert list(Alert.objects.values_list("user__username", "event")) == [("ann", "round.created")]
    assert [message.to for message in mail.outbox] == [["ann@example.com"]]
    assert Alert.objects.get().emailed_at is not None


def test_a_change_rolled_back_raises_nothing():
    startup = StartupFactory()
    follows(UserFactory(), startup=startup)

    with pytest.raises(RuntimeError), transaction.atomic():
        FundingRoundFactory(startup=startup)
        changes_record(Touched(startups={startup.pk}))
        raise RuntimeError("the save fails after its change was recorded")
    match_alerts_task()

    assert Alert.objects.count() == 0
    assert mail.outbox == []


def test_a_broker_that_is_down_fails_no_save_and_beat_matches_later(monkeypatch, caplog):
    startup = StartupFactory()
    follows(UserFactory(username="ann"), startup=startup)

    def broker_down():
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(match_alerts_task, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="dashboards.signals"):
        save_a_round_of(startup)

    assert Alert.objects.count() == 0
    assert "alert matching not queued" in caplog.text
    assert match_alerts_task() == 1  # what beat runs every minute
    assert match_alerts_task() == 0
    assert [message.to for message in mail.outbox] == [["ann@example.com"]]
