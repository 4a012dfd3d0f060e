"""The services CI starts are the ones the suite really uses (skipped locally without them)."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from config.celery import app as celery_app

WORKER_START_TIMEOUT_SECONDS = 60


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_is_postgresql_15_or_newer():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000


@pytest.mark.redis
def test_redis_answers(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=1)
    try:
        assert client.ping() is True
    finally:
        client.close()


@pytest.mark.worker
def test_a_celery_worker_starts_and_answers_ping(redis_url):
    hostname = f"test-{os.getpid()}@localhost"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--hostname",
            hostname,
            "-l",
            "warning",
        ],
        env={**os.environ, "REDIS_URL": redis_url},
    )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT_SECONDS
        replies: list[dict] = []
        while not replies and time.monotonic() < deadline and worker.poll() is None:
            replies = celery_app.control.ping(destination=[hostname], timeout=1)
        assert replies == [{hostname: {"ok": "pong"}}]
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.mark.browser
def test_chromium_renders_the_admin_login_page(live_server, page):
    page.goto(f"{live_server.url}/admin/login/")

    assert page.title().startswith("Log in")
    assert page.locator("input[name=username]").count() == 1
