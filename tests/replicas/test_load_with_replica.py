"""The load test's mix (tests/load/traffic.py) against the site reading from a streaming
replica, with a Celery worker: no error, no unexpected answer (a client that reads back what it
just wrote gets it: read your writes under load), and every acknowledged write on the primary
and, once replayed, on the replica."""

from __future__ import annotations

import os
from pathlib import Path

from tests.load.report import Report
from tests.load.traffic import run
from tests.servers import celery_worker, gunicorn, wait_for

from .conftest import ReplicatedDatabase, Replication, replicated_environment

# Shorter than the reliability suite's 60 s by default: this test is about the routing under
# load, not the site's endurance (LOAD_SECONDS sets both).
LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
LOAD_THREADS = 8
WEB_WORKERS, WEB_THREADS = 2, 4
# The tables each kind of acknowledged creation lands in.
TABLES = {
    "rounds": "deals_fundinground",
    "startups": "startups_startup",
    "valuation-marks": "deals_valuationmark",
}


def stored_ids(server, database: str, table: str, ids: list[int]) -> list[int]:
    with server.connect(database) as connection:
        rows = connection.execute(f"SELECT id FROM {table} WHERE id = ANY(%s)", [ids]).fetchall()
    return sorted(row[0] for row in rows)


def missing_writes(server, database: str, report: Report) -> dict[str, list[int]]:
    missing = {}
    for resource, table in TABLES.items():
        ids = sorted(
            w.id for w in report.acknowledged if w.method == "POST" and w.resource == resource
        )
        stored = stored_ids(server, database, table, ids)
        missing[resource] = sorted(set(ids) - set(stored))
    return missing


def test_the_load_mix_with_a_replica_gives_no_error_and_loses_no_write(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    site_redis,
    tmp_path: Path,
):
    environment = replicated_environment(replicated_database, site_redis.url)
    worker = celery_worker(environment, tmp_path / "worker.log", "--pool", "solo")
    web = None
    try:
        web, url = gunicorn(
            environment, tmp_path / "web.log", workers=WEB_WORKERS, threads=WEB_THREADS
        )
        report = run(
            url, seconds=LOAD_SECONDS, threads=LOAD_THREADS, token=replicated_database.token
        )
    finally:
        if web is not None:
            web.stop()
        worker.stop()

    print("\n" + "\n".join(report.lines()))
    assert report.server_errors == []
    assert report.connection_errors == []
    assert report.unexpected == []
    assert report.acknowledged, "no write went through: the mix did not write"
    name = replicated_database.name
    nothing_missing = {resource: [] for resource in TABLES}
    assert missing_writes(replication.primary, name, report) == nothing_missing
    assert wait_for(replication.replica.caught_up_with_primary, 30)
    assert missing_writes(replication.replica, name, report) == nothing_missing
