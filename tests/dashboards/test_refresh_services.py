"""Refreshes through a real broker and a real worker process, and across a broker outage."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import kombu.pools
import pytest
from django.db import connection

from config.celery import app as celery_app
from dashboards.models import InvestorPeriodStat
from dashboards.refresh import refresh_full
from dashboards.tasks import reconcile_task
from deals import services
from startups.models import PendingRefresh
from tests.factories import StartupFactory
from tests.servers import PrivateRedis, postgres_url

PROJECT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60


@pytest.fixture
def private_redis(redis_url):
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(monkeypatch):
    """Point the Celery app at a broker for one test: tasks are published, not run here."""

    def use(url: str, queue: str = "tracker") -> None:
        monkeypatch.setattr(celery_app.conf, "broker_url", url)
        monkeypatch.setattr(celery_app.conf, "task_always_eager", False)
        monkeypatch.setattr(celery_app.conf, "task_default_queue", queue)
        _fresh_connections()

    yield use
    _fresh_connections()


def _fresh_connections() -> None:
    """Drop pooled broker connections, so that the next publish connects to the new URL."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_for(condition, seconds: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def alibaba_deals_2023() -> int | None:
    stat = InvestorPeriodStat.objects.filter(
        investor__slug="alibaba", period_kind="year", period_start=dt.date(2023, 1, 1)
    ).first()
    return stat.deals_total if stat else None


def a_round(investor, on=dt.date(2023, 5, 1)):
    return services.funding_round_create(
        startup=StartupFactory(),
        announced_on=on,
        round_label=f"R-{uuid.uuid4().hex[:6]}",
        participants=[{"investor": investor, "is_lead": True}],
    )


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_consumes_a_queued_refresh(redis_url, broker):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba")
    a_round(alibaba)
    refresh_full()
    assert alibaba_deals_2023() == 1
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "-l",
            "warning",
        ],
        cwd=PROJECT,
        env={
            **os.environ,
            "DATABASE_URL": postgres_url(connection.settings_dict),
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": queue,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        },
    )
    try:
        broker(redis_url, queue)
        a_round(alibaba)  # committed: its outbox row is queued after commit

        assert wait_for(lambda: alibaba_deals_2023() == 2), "the worker did not refresh"
        assert wait_for(lambda: not PendingRefresh.objects.exists())
    finally:
        worker.terminate()
        worker.wait(20)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_change_saved_while_the_broker_is_down_is_applied_by_reconcile(private_redis, broker):
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba")
    a_round(alibaba)
    refresh_full()
    broker(private_redis.url)
    private_redis.stop()

    started = time.monotonic()
    a_round(alibaba)  # must neither fail nor hang

    assert time.monotonic() - started < 10
    assert PendingRefresh.objects.exists()  # the round and its participant, kept
    assert alibaba_deals_2023() == 1

    private_redis.start()
    reconcile_task()

    assert alibaba_deals_2023() == 2
    assert not PendingRefresh.objects.exists()
