"""A Celery worker killed (SIGKILL) in the middle of a webhook delivery: the task goes to the
next worker, which sends the message again with the same `webhook-id` and body, and the log
says delivered, once."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest

from tests.servers import (
    PrivatePostgres,
    PrivateRedis,
    app_environment,
    celery_worker,
    manage,
    wait_for,
)
from tests.webhook_receiver import HANG, receiver

from .conftest import SampleDatabase

# Redis hands an unacknowledged task to another worker after this long (3600 s in production).
VISIBILITY_TIMEOUT_SECONDS = 10
# An attempt's claim lasts 2 x this + 5 s: over before the task is handed out again.
WEBHOOKS_TIMEOUT_SECONDS = 1
REDELIVERY_WAIT_SECONDS = 90
# What the alert matcher does, for a round of the sample data that the user follows.
RAISE_AN_ALERT = """
from django.contrib.auth import get_user_model
from django.db import transaction
from dashboards.alert_signals import alerts_raised
from dashboards.models import Alert, WatchItem
from dashboards.webhook_services import webhook_endpoint_create
from deals.models import FundingRound
funding_round = FundingRound.objects.order_by("pk").first()
user = get_user_model().objects.create_user("hooks", "hooks@example.com")
webhook_endpoint_create(user=user, url="{url}")
item = WatchItem.objects.create(user=user, startup=funding_round.startup)
with transaction.atomic():
    alert = Alert.objects.create(
        user=user, watch_item=item, event="round.created", kind="round",
        record_id=funding_round.pk,
    )
    alerts_raised.send(sender=Alert, alerts=[alert])
"""

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


def deliveries(connection) -> list[tuple]:
    return connection.execute(
        "SELECT webhook_id, status, attempts, response_code, body "
        "FROM dashboards_webhookdelivery ORDER BY id",
        [],
    ).fetchall()


def tasks_received(log: Path) -> list[str]:
    return re.findall(r"send_delivery_task\[([0-9a-f-]+)\] received", log.read_text())


def test_a_delivery_killed_with_its_worker_is_sent_again_with_the_same_id_and_logged_once(
    private_postgres: PrivatePostgres,
    sample_database: SampleDatabase,
    own_redis: PrivateRedis,
    tmp_path: Path,
):
    environment = app_environment(
        sample_database.url,
        own_redis.url,
        CELERY_QUEUE=f"faults-{uuid.uuid4().hex[:8]}",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT_SECONDS),
        WEBHOOKS_ALLOW_PRIVATE="1",
        WEBHOOKS_TIMEOUT_SECONDS=str(WEBHOOKS_TIMEOUT_SECONDS),
    )
    watch = private_postgres.connect(sample_database.name)
    workers = [celery_worker(environment, tmp_path / "worker-1.log", "--concurrency", "1")]

    def kill_the_first_worker(requests_so_far: int) -> None:
        # The first request is held unanswered until its worker is gone.
        if requests_so_far == 1:
            workers[0].kill()

    try:
        with receiver(HANG, 200, on_request=kill_the_first_worker) as running:
            manage(environment, "shell", "-c", RAISE_AN_ALERT.format(url=running.url))
            assert wait_for(lambda: len(running.received) == 1, 60), "the worker sent nothing"
            killed_at = time.monotonic()
            assert wait_for(lambda: workers[0].process is None, 10)
            [(webhook_id, status, attempts, _, body)] = deliveries(watch)
            assert (status, attempts) == ("pending", 1)

            workers.append(
                celery_worker(environment, tmp_path / "worker-2.log", "--concurrency", "1")
            )
            assert wait_for(
                lambda: deliveries(watch)[0][1] == "delivered", REDELIVERY_WAIT_SECONDS, every=0.5
            ), "the killed delivery was not sent again"
            seconds = time.monotonic() - killed_at
            print(f"\nthe killed delivery was sent again and logged {seconds:.1f} s later")
            received = list(running.received)
    finally:
        for worker in workers:
            worker.stop()

    assert deliveries(watch) == [(webhook_id, "delivered", 2, 200, body)]
    assert [request.headers["webhook-id"] for request in received] == [webhook_id] * 2
    assert [request.body for request in received] == [body.encode()] * 2
    assert tasks_received(tmp_path / "worker-1.log") == tasks_received(tmp_path / "worker-2.log"), (
        "the second worker did not get the same task"
    )
    watch.close()
