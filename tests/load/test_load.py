"""Load: concurrent API reads, page views and writes against gunicorn, with PostgreSQL, Redis
and a Celery worker refreshing the aggregates all along.

For LOAD_SECONDS (60 by default) LOAD_THREADS clients (8) send the mix of tests/load/traffic.py
to the site on 127.0.0.1, loaded with the sample data. Then: no 5xx, no connection error, every
answer the one expected; every acknowledged write is in the database whole (counted and
compared by id), nothing that was not acknowledged exists even in part; the aggregates the
worker kept up to date equal a full recomputation. The figures (requests per second, p50, p99
and max latency per kind of request) are printed and saved to artifacts/load/latest.json.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from knox.models import AuthToken

from dashboards.refresh import refresh_full
from deals.models import FundingRound, ValuationMark
from startups.models import PendingRefresh, Startup
from tests.dashboards.test_incremental import snapshot
from tests.load.report import Report, Write
from tests.load.traffic import run
from tests.servers import (
    PROJECT,
    AppProcess,
    app_environment,
    celery_worker,
    gunicorn,
    postgres_url,
    wait_for,
)

LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
LOAD_THREADS = int(os.environ.get("LOAD_THREADS", "8"))
# Two processes of four threads: a small production box on this 2-core machine.
WEB_WORKERS, WEB_THREADS = 2, 4
# How long the worker may take to apply the last outbox rows once the traffic stops.
DRAIN_SECONDS = 60
RESULTS = PROJECT / "artifacts" / "load" / "latest.json"
UNTHROTTLED = "1000000/minute"

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


@dataclass
class Site:
    url: str
    token: str
    web: AppProcess
    worker: AppProcess


def writer_token() -> str:
    """An API token whose user may add and change every kind of record."""
    user = User.objects.create_user("load-writer")
    models = [
        *apps.get_app_config("startups").get_models(),
        *apps.get_app_config("deals").get_models(),
    ]
    codenames = [f"{action}_{m._meta.model_name}" for m in models for action in ("add", "change")]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["startups", "deals"], codename__in=codenames
        )
    )
    return AuthToken.objects.create(user=user)[1]


@pytest.fixture
def site(transactional_db, redis_url: str, tmp_path: Path) -> Iterator[Site]:
    """The sample data with its aggregates, committed to the test database, served by gunicorn
    with a Celery worker on a queue of its own."""
    call_command("import_data", "data/sample", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("refresh_aggregates", "--full", stdout=io.StringIO())
    token = writer_token()
    environment = app_environment(
        postgres_url(connection.settings_dict),
        redis_url,
        CELERY_QUEUE=f"load-{os.getpid()}-{time.monotonic_ns()}",
        API_THROTTLE_ANON=UNTHROTTLED,
        API_THROTTLE_USER=UNTHROTTLED,
    )
    worker = celery_worker(environment, tmp_path / "worker.log", "--pool", "solo")
    try:
        web, url = gunicorn(
            environment, tmp_path / "web.log", workers=WEB_WORKERS, threads=WEB_THREADS
        )
    except RuntimeError:
        worker.stop()
        raise
    yield Site(url, token, web, worker)
    web.stop()
    worker.stop()


def last_acknowledged_patches(writes: list[Write]) -> dict[int, Write]:
    """Per round, the last PATCH that was acknowledged: what the round must hold now."""
    patches: dict[int, Write] = {}
    for write in writes:  # in the order each round's one client sent them
        if write.method == "PATCH" and write.acknowledged:
            patches[write.id] = write
    return patches


def acknowledged_creations(report: Report, resource: str) -> dict[int, Write]:
    return {w.id: w for w in report.acknowledged if w.method == "POST" and w.resource == resource}


def assert_every_acknowledged_write_is_stored_whole(report: Report) -> int:
    """Compare the database with the writes; how many acknowledged writes it holds."""
    run_id = report.run
    startups = acknowledged_creations(report, "startups")
    rounds = acknowledged_creations(report, "rounds")
    marks = acknowledged_creations(report, "valuation-marks")

    stored_startups = Startup.objects.filter(slug__startswith=f"load-{run_id}-")
    assert sorted(stored_startups.values_list("pk", flat=True)) == sorted(startups)

    stored_rounds = FundingRound.objects.filter(round_label__startswith=f"Load {run_id} ")
    assert sorted(stored_rounds.values_list("pk", flat=True)) == sorted(rounds)
    patches = last_acknowledged_patches(report.writes)
    for stored in stored_rounds.prefetch_related("participations__investor", "sources"):
        sent = rounds[stored.pk].payload
        assert stored.startup.slug == sent["startup"]
        assert sorted((p.investor.slug, p.is_lead) for p in stored.participations.all()) == sorted(
            (p["investor"], p["is_lead"]) for p in sent["participants"]
        )
        assert sorted(s.url for s in stored.sources.all()) == sorted(sent["source_urls"])
        patch = patches.get(stored.pk)
        expected = patch.payload if patch else {"notes": "", "amount": sent["amount"]}
        assert (stored.notes, stored.amount) == (expected["notes"], Decimal(expected["amount"]))

    stored_marks = ValuationMark.objects.filter(notes__startswith=f"load {run_id} ")
    assert sorted(stored_marks.values_list("pk", flat=True)) == sorted(marks)
    for stored in stored_marks.prefetch_related("sources"):
        sent = marks[stored.pk].payload
        assert (stored.startup.slug, stored.value) == (sent["startup"], Decimal(sent["value"]))
        assert sorted(s.url for s in stored.sources.all()) == sorted(sent["source_urls"])

    # Each acknowledged PATCH of a round was applied, the later ones over the earlier.
    updates = [w for w in report.acknowledged if w.method == "PATCH" and w.id in rounds]
    return len(stored_startups) + len(stored_rounds) + len(stored_marks) + len(updates)


def test_concurrent_reads_pages_and_writes_lose_nothing_and_never_fail(site: Site, capsys):
    started = time.monotonic()

    # When the clients send their mix for LOAD_SECONDS,
    report = run(site.url, seconds=LOAD_SECONDS, threads=LOAD_THREADS, token=site.token)
    site.web.stop()

    # then no request failed: no 5xx, no lost connection, every answer the one expected,
    assert report.server_errors == []
    assert report.connection_errors == []
    assert report.unexpected == []
    assert report.acknowledged, "no write went through: the mix did not write"
    # every acknowledged write is stored, whole, and nothing else,
    found = assert_every_acknowledged_write_is_stored_whole(report)
    assert found == len(report.acknowledged)
    # and the worker has brought the aggregates to what a full recomputation gives.
    assert wait_for(lambda: not PendingRefresh.objects.exists(), DRAIN_SECONDS, every=0.5)
    site.worker.stop()
    kept_up_to_date = snapshot()
    refresh_full()
    assert kept_up_to_date == snapshot()

    report.save(
        RESULTS,
        acknowledged_writes_found=found,
        web=f"gunicorn, {WEB_WORKERS} workers x {WEB_THREADS} threads",
        cpus=os.cpu_count(),
        load_average=[round(load, 2) for load in os.getloadavg()],
        test_seconds=round(time.monotonic() - started, 1),
        measured_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    with capsys.disabled():
        print("\n" + "\n".join(report.lines()))
        print(f"  acknowledged writes found afterwards: {found} of {len(report.acknowledged)}")
        print(f"  figures saved to {RESULTS.relative_to(PROJECT)}")
