"""PostgreSQL restarted under traffic: clean 503s while it is down, then the same processes
answer again, with no restart of the app."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.servers import PrivatePostgres, app_environment, gunicorn, wait_for

from .conftest import SampleDatabase
from .traffic import ReadTraffic, a_round, call

OUTAGE_SECONDS = 3
# connect_timeout (5 s) bounds a request that waits on an unreachable server; loopback
# refuses at once, so an outage answer should take well under a second.
MAX_OUTAGE_ANSWER_SECONDS = 6
RECOVERY_SECONDS = 3

pytestmark = [pytest.mark.postgres]


def count_rounds(server: PrivatePostgres, database: SampleDatabase) -> int:
    with server.connect(database.name) as connection:
        return connection.execute("SELECT count(*) FROM deals_fundinground").fetchone()[0]


def worker_pids(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    return {int(pid) for pid in children.split()}


def test_the_app_answers_503_while_postgres_is_down_and_recovers_on_its_own(
    private_postgres: PrivatePostgres, sample_database: SampleDatabase, tmp_path: Path
):
    # Throttling would answer 429 to this many anonymous reads; the outage is what is tested.
    environment = app_environment(
        sample_database.url,
        None,
        API_THROTTLE_ANON="100000/minute",
        API_THROTTLE_USER="100000/minute",
    )
    site, base_url = gunicorn(environment, tmp_path / "web.log")
    try:
        assert wait_for(lambda: call(base_url, "GET", "/").status == 200, 30)
        workers_before = worker_pids(site.process.pid)
        rounds_before = count_rounds(private_postgres, sample_database)
        with ReadTraffic(base_url) as traffic:
            time.sleep(1)
            stopped_at = time.monotonic()
            private_postgres.stop()
            time.sleep(OUTAGE_SECONDS)
            write_while_down = call(
                base_url, "POST", "/api/v1/rounds/", a_round("Fault A"), sample_database.token
            )
            private_postgres.start()
            restarted_at = time.monotonic()
            time.sleep(RECOVERY_SECONDS + 2)
        write_after = call(
            base_url, "POST", "/api/v1/rounds/", a_round("Fault B"), sample_database.token
        )

        before = [a for a in traffic.between(0, stopped_at) if a.at + a.seconds < stopped_at]
        during = traffic.between(stopped_at, restarted_at)
        after = traffic.between(restarted_at + RECOVERY_SECONDS, time.monotonic())
        print(
            f"\nPostgreSQL outage: {len(during)} reads answered "
            f"{sorted({a.status for a in during})}, slowest "
            f"{max(a.seconds for a in during):.3f} s; write {write_while_down.status} in "
            f"{write_while_down.seconds:.3f} s; {len(after)} reads after recovery"
        )
        assert {a.status for a in before} == {200}
        assert during, "no request was made during the outage"
        assert {a.status for a in during} <= {200, 503}
        assert 503 in {a.status for a in during}
        assert all(a.headers.get("Retry-After") == "5" for a in during if a.status == 503)
        assert max(a.seconds for a in during) < MAX_OUTAGE_ANSWER_SECONDS
        api_outage = next(a for a in during if a.status == 503 and a.path.startswith("/api/"))
        assert api_outage.headers["Content-Type"] == "application/json"
        page_outage = next(a for a in during if a.status == 503 and a.path == "/")
        assert b"Temporarily unavailable" in page_outage.body

        assert write_while_down.status == 503
        assert write_while_down.seconds < MAX_OUTAGE_ANSWER_SECONDS
        assert after and {a.status for a in after} == {200}
        assert write_after.status == 201
        # The refused write left nothing behind.
        assert count_rounds(private_postgres, sample_database) == rounds_before + 1
        assert worker_pids(site.process.pid) == workers_before
    finally:
        site.stop()
