"""A worker killed (SIGKILL) in the middle of a full refresh: the old figures stay whole, the
task is delivered again to the next worker, and the figures end equal to a fresh full refresh."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest

from dashboards.refresh import REFRESH_LOCK_KEY
from tests.servers import (
    PrivatePostgres,
    PrivateRedis,
    app_environment,
    celery_worker,
    manage,
    wait_for,
)

from .conftest import SampleDatabase
from .figures import aggregate_figures, pending_refreshes

# Enough synthetic rounds for a full refresh of seconds: long enough to kill it mid-way.
# Enough for a full refresh of a second or two, so that the kill lands in the middle of it.
SYNTHETIC_ROUNDS = 30000
# Redis hands an unacknowledged task to another worker after this long (3600 s in production).
VISIBILITY_TIMEOUT_SECONDS = 10
REDELIVERY_WAIT_SECONDS = 90
QUEUE_FULL_REFRESH = "from dashboards.tasks import refresh_full_task; refresh_full_task.delay()"

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


def refresh_running(connection) -> bool:
    """A refresh holds its advisory lock for the length of its transaction."""
    return connection.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND classid = 0 AND objid = %s)",
        [REFRESH_LOCK_KEY],
    ).fetchone()[0]


def full_refreshes_received(log: Path) -> list[str]:
    """The ids of the full refresh tasks a worker's log says it received."""
    return re.findall(r"refresh_full_task\[([0-9a-f-]+)\] received", log.read_text())


def generation(connection) -> int:
    return connection.execute("SELECT generation FROM dashboards_aggregatestate").fetchone()[0]


def test_a_full_refresh_killed_with_its_worker_is_delivered_again_and_ends_consistent(
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
    )
    # Written while the broker is down, so that the only task queued is the full refresh below
    # (the synthetic data's outbox row waits, as after any outage).
    own_redis.stop()
    manage(environment, "generate_synthetic", "--rounds", str(SYNTHETIC_ROUNDS), "--seed", "1")
    own_redis.start()
    watch = private_postgres.connect(sample_database.name)
    old_figures = aggregate_figures(watch)
    generation_before = generation(watch)

    first = celery_worker(environment, tmp_path / "worker-1.log", "--concurrency", "1")
    second = None
    try:
        manage(environment, "shell", "-c", QUEUE_FULL_REFRESH)
        assert wait_for(lambda: refresh_running(watch), 60, every=0.02), "no refresh started"
        time.sleep(0.5)
        first.kill()
        killed_at = time.monotonic()

        # PostgreSQL rolls the refresh back when its connection drops: the old figures, whole.
        assert wait_for(lambda: not refresh_running(watch), 10)
        assert generation(watch) == generation_before
        assert aggregate_figures(watch) == old_figures
        assert pending_refreshes(watch) == 1

        second = celery_worker(environment, tmp_path / "worker-2.log", "--concurrency", "1")
        assert wait_for(
            lambda: generation(watch) > generation_before, REDELIVERY_WAIT_SECONDS, every=0.5
        ), "the killed refresh was not delivered again"
        seconds = time.monotonic() - killed_at
        print(f"\nthe killed full refresh was delivered again and done {seconds:.1f} s later")
        redelivered = aggregate_figures(watch)
    finally:
        first.stop()
        if second is not None:
            second.stop()

    assert full_refreshes_received(tmp_path / "worker-1.log") == full_refreshes_received(
        tmp_path / "worker-2.log"
    ), "the second worker did not get the same task"
    assert redelivered != old_figures  # the synthetic rounds are counted now
    assert pending_refreshes(watch) == 0
    manage(environment, "refresh_aggregates", "--full")
    assert aggregate_figures(watch) == redelivered
    watch.close()
