"""Redis (the broker) stopped while a round that someone follows is saved: the save succeeds,
and once Redis is back the run beat queues every minute matches it and emails the alert, once."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from tests.mail_server import LocalSmtpServer, subject, text_and_html
from tests.servers import PrivateRedis, app_environment, celery_worker, manage, wait_for

from .conftest import SampleDatabase

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]

EMAIL_WAIT_SECONDS = 60
SITE = "https://tracker.example.org"
# The analyst follows Zhipu. The matcher first reads the sample data's own changes, so that
# only what is saved afterwards is news.
FOLLOW_ZHIPU = """
from django.contrib.auth import get_user_model
from dashboards.alert_matching import alerts_match
from dashboards.models import Follower, WatchItem
from startups.models import Startup
alerts_match()
analyst = get_user_model().objects.create_user("analyst", "analyst@example.com", "x")
Follower.objects.create(user=analyst, feed_secret="fault-test-secret")
WatchItem.objects.create(user=analyst, startup=Startup.objects.get(slug="zhipu"))
"""
# A round saved by the service, as the API saves it; the feed's row is the database trigger's,
# written in the same transaction.
SAVE_A_ROUND = """
import datetime as dt, time
from deals.services import funding_round_create
from startups.models import Startup
started = time.monotonic()
new = funding_round_create(
    startup_id=Startup.objects.get(slug="zhipu").pk,
    announced_on=dt.date(2024, 6, 1),
    round_label="Fault round",
    amount=1000000,
    amount_currency="USD",
    source_urls=["https://example.com/fault-round"],
)
print(f"saved {new.pk} in {time.monotonic() - started:.2f}")
"""
ALERTS = """
from dashboards.models import Alert
print([(a.event, a.record_id, a.emailed_at is not None) for a in Alert.objects.all()])
"""
QUEUE_MATCHING = "from dashboards.alert_tasks import match_alerts_task; match_alerts_task.delay()"
MATCH_AGAIN = "from dashboards.alert_tasks import match_alerts_task; print(match_alerts_task())"


def shell(environment: dict[str, str], code: str) -> str:
    return manage(environment, "shell", "-c", code).strip().splitlines()[-1]


def test_an_alert_saved_while_redis_is_down_is_emailed_once_when_it_is_back(
    sample_database: SampleDatabase, own_redis: PrivateRedis, tmp_path: Path
):
    smtp = LocalSmtpServer()
    smtp.start()
    environment = app_environment(
        sample_database.url,
        own_redis.url,
        CELERY_QUEUE=f"faults-{uuid.uuid4().hex[:8]}",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        SITE_URL=SITE,
    )
    manage(environment, "shell", "-c", FOLLOW_ZHIPU)
    worker = celery_worker(environment, tmp_path / "worker.log", "--pool", "solo")
    try:
        own_redis.stop()
        saved = shell(environment, SAVE_A_ROUND)
        round_id, seconds = int(saved.split()[1]), float(saved.split()[3])
        while_down = shell(environment, ALERTS)
        time.sleep(1)
        emailed_while_down = len(smtp.messages)

        own_redis.start()
        manage(environment, "shell", "-c", QUEUE_MATCHING)  # what beat does every minute
        emailed = wait_for(lambda: smtp.messages, EMAIL_WAIT_SECONDS, every=0.5)
        again = shell(environment, MATCH_AGAIN)
        time.sleep(1)
    finally:
        worker.stop()
        smtp.stop()

    print(f"\nround saved in {seconds:.2f} s with Redis down")
    assert seconds < 10
    assert (while_down, emailed_while_down) == ("[]", 0)
    assert emailed, "no alert email after Redis came back"
    assert again == "0"
    [message] = smtp.messages
    assert smtp.inbox.recipients == [["analyst@example.com"]]
    assert subject(message) == "1 new alert · China AI Unicorn Tracker"
    text, _ = text_and_html(message)
    assert "Fault round" in text
    assert f"{SITE}/startups/zhipu/" in text
    assert "https://example.com/fault-round" in text
    assert shell(environment, ALERTS) == f"[('round.created', {round_id}, True)]"
