"""Redis (cache and broker) stopped during reads and writes: pages and the API keep answering,
writes succeed quickly, and every pending refresh is applied once Redis is back."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from tests.servers import (
    PrivatePostgres,
    PrivateRedis,
    app_environment,
    celery_worker,
    gunicorn,
    manage,
    wait_for,
)

from .conftest import SampleDatabase
from .figures import aggregate_figures, pending_refreshes
from .traffic import ReadTraffic, call

API_WRITES = 10
# A save publishes once per outbox row (a round and its participant: two). Against a stopped
# Redis each publish fails at once; the settings bound it at two connects of
# CELERY_BROKER_CONNECTION_TIMEOUT (2 s) whatever happens. A write past that bound waited on the
# broker (an endless retry): not a speed figure, which this shared machine could not hold.
PUBLISHES_PER_WRITE = 2
REFRESH_WAIT_SECONDS = 60
INVESTOR = "fault-investor"
IMPORT_CSV = (
    "startup_slug,announced_on,round_label,participants,source_url\n"
    f"moonshot,2024-03,Fault import 1,{INVESTOR},https://example.com/fault-import\n"
    f"deepseek,2024-04,Fault import 2,{INVESTOR},https://example.com/fault-import\n"
)
IMPORTED_ROUNDS = 2
QUEUE_REFRESHED = "from dashboards.tasks import reconcile_task; reconcile_task.delay()"

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


def broker_bound_seconds(publishes: int) -> float:
    """The longest the settings let `publishes` publishes wait on a broker that is down."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    tries = options["max_retries"] + 1
    return publishes * tries * settings.CELERY_BROKER_CONNECTION_TIMEOUT


def a_round(number: int) -> dict:
    return {
        "startup": "zhipu",
        "announced_on": "2024-06",
        "round_label": f"Fault round {number}",
        "amount": "1000000",
        "amount_currency": "USD",
        "source_urls": ["https://example.com/fault"],
        "participants": [{"investor": INVESTOR, "is_lead": True}],
    }


def deals_of_the_investor_in_2024(server: PrivatePostgres, database: SampleDatabase) -> int:
    with server.connect(database.name) as connection:
        row = connection.execute(
            "SELECT s.deals_total FROM dashboards_investorperiodstat s "
            "JOIN deals_investor i ON i.id = s.investor_id "
            "WHERE i.slug = %s AND s.period_kind = 'year' AND s.period_start = '2024-01-01'",
            [INVESTOR],
        ).fetchone()
    return row[0] if row else 0


def test_a_redis_outage_loses_no_write_and_breaks_no_page(
    private_postgres: PrivatePostgres,
    sample_database: SampleDatabase,
    own_redis: PrivateRedis,
    tmp_path: Path,
):
    environment = app_environment(
        sample_database.url,
        own_redis.url,
        CELERY_QUEUE=f"faults-{uuid.uuid4().hex[:8]}",
        # Many anonymous reads in a few seconds: throttling (429) is not what is tested here.
        API_THROTTLE_ANON="100000/minute",
        API_THROTTLE_USER="100000/minute",
    )
    site, base_url = gunicorn(environment, tmp_path / "web.log")
    worker = celery_worker(environment, tmp_path / "worker.log", "--pool", "solo")
    token = sample_database.token
    try:
        created = call(
            base_url,
            "POST",
            "/api/v1/investors/",
            {"slug": INVESTOR, "name_en": "Fault Investor", "kind": "vc"},
            token,
        )
        assert created.status == 201, created.body
        assert wait_for(lambda: pending_refreshes_in(private_postgres, sample_database) == 0, 30)

        with ReadTraffic(base_url) as traffic:
            time.sleep(1)
            down_at = time.monotonic()
            own_redis.stop()
            writes = [
                call(base_url, "POST", "/api/v1/rounds/", a_round(n), token)
                for n in range(API_WRITES)
            ]
            csv_file = tmp_path / "rounds.csv"
            csv_file.write_text(IMPORT_CSV)
            import_started = time.monotonic()
            manage(environment, "import_data", str(csv_file))
            import_seconds = time.monotonic() - import_started
            time.sleep(1)
            up_at = time.monotonic()
        kept = pending_refreshes_in(private_postgres, sample_database)
        figures_while_down = deals_of_the_investor_in_2024(private_postgres, sample_database)

        own_redis.start()
        # What beat does every minute: the reconcile task, through the broker, to the worker.
        manage(environment, "shell", "-c", QUEUE_REFRESHED)
        refreshed = wait_for(
            lambda: pending_refreshes_in(private_postgres, sample_database) == 0,
            REFRESH_WAIT_SECONDS,
            every=0.5,
        )
        refreshed_after = time.monotonic() - up_at

        reads = traffic.between(down_at, up_at)
        print(
            f"\nRedis outage: {len(reads)} reads {sorted({a.status for a in reads})}, slowest "
            f"{max(a.seconds for a in reads):.3f} s; {len(writes)} API writes, slowest "
            f"{max(w.seconds for w in writes):.3f} s; import {import_seconds:.1f} s; "
            f"{kept} outbox rows kept; applied {refreshed_after:.1f} s after Redis was back"
        )
        assert reads and {a.status for a in reads} == {200}
        assert [w.status for w in writes] == [201] * API_WRITES
        assert max(w.seconds for w in writes) < broker_bound_seconds(PUBLISHES_PER_WRITE)
        # Kept: a row for each round and each participation saved through the API, and one
        # for the whole import.
        assert kept == 2 * API_WRITES + 1
        assert figures_while_down == 0
        assert refreshed, "the pending refreshes were not applied after Redis came back"
        assert deals_of_the_investor_in_2024(private_postgres, sample_database) == (
            API_WRITES + IMPORTED_ROUNDS
        )
        with private_postgres.connect(sample_database.name) as connection:
            incremental = aggregate_figures(connection)
        manage(environment, "refresh_aggregates", "--full")
        with private_postgres.connect(sample_database.name) as connection:
            assert aggregate_figures(connection) == incremental
    finally:
        worker.stop()
        site.stop()


def pending_refreshes_in(server: PrivatePostgres, database: SampleDatabase) -> int:
    with server.connect(database.name) as connection:
        return pending_refreshes(connection)
