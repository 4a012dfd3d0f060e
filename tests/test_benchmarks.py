"""`make bench SCALE=small` runs end to end, once, so that the benchmark scripts keep working.

It checks that every figure is printed, never how fast anything was: timings belong to the
benchmark's output (docs/benchmarks.md), not to assertions on a shared, noisy machine.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.run import RATIOS
from config.database import database_url

from .conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
BENCH_MINUTES = 5


@pytest.fixture
def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        skip_or_fail("the benchmarks need PostgreSQL: DATABASE_URL names none")
    if shutil.which("wrk") is None:
        skip_or_fail("the benchmarks need wrk (apt-get install wrk)")
    return url


def run_bench(url: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if url:
        env["DATABASE_URL"] = url
    return subprocess.run(
        ["make", "--no-print-directory", "bench", "SCALE=small"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BENCH_MINUTES * 60,
    )


@pytest.mark.postgres
@pytest.mark.redis
def test_the_small_benchmark_prints_every_figure(server_url):
    done = run_bench(server_url)

    assert done.returncode == 0, done.stdout + done.stderr
    printed = dict(re.findall(r"^ratio (\w+) ([\d.]+)", done.stdout, re.MULTILINE))
    assert set(printed) == set(RATIOS)
    assert all(float(value) > 0 for value in printed.values()), done.stdout
    raw = dict(re.findall(r"^raw (\w+) ([\d.e+-]+)", done.stdout, re.MULTILINE))
    assert float(raw["refresh_worker_peak_mib"]) > 0
    assert float(raw["import_peak_mib"]) > 0
    assert float(raw["bundled_import_s"]) > 0


def test_the_benchmark_refuses_sqlite_and_says_what_to_set():
    done = run_bench("sqlite:///benchmark.sqlite3")

    assert done.returncode != 0
    assert "set DATABASE_URL to a PostgreSQL server" in done.stderr


# Every column but the ids, timestamps and who-made-it, which differ between any two runs;
# foreign keys are compared through the natural keys they link (LINKS).
RUN_COLUMNS = {
    "id",
    "created_at",
    "updated_at",
    "history_id",
    "history_date",
    "history_user_id",
    "history_change_reason",
}
WRITTEN_TABLES = [
    "startups_source",
    "deals_fxrate",
    "deals_investor",
    "deals_historicalinvestor",
    "startups_startup",
    "startups_historicalstartup",
    "deals_fundinground",
    "deals_historicalfundinground",
    "deals_participation",
    "deals_historicalparticipation",
]
# What the ids link, read through the natural keys.
LINKS = [
    """SELECT i.slug, p.slug FROM deals_investor i
       LEFT JOIN deals_investor p ON p.id = i.parent_id""",
    """SELECT s.slug, r.announced_on, r.round_label, i.slug, pa.is_lead
       FROM deals_participation pa JOIN deals_fundinground r ON r.id = pa.round_id
       JOIN startups_startup s ON s.id = r.startup_id
       JOIN deals_investor i ON i.id = pa.investor_id""",
    """SELECT s.slug, r.round_label, so.url FROM deals_fundinground_sources x
       JOIN deals_fundinground r ON r.id = x.fundinground_id
       JOIN startups_startup s ON s.id = r.startup_id
       JOIN startups_source so ON so.id = x.source_id""",
    """SELECT s.slug, so.url FROM startups_startup_sources x
       JOIN startups_startup s ON s.id = x.startup_id
       JOIN startups_source so ON so.id = x.source_id""",
    """SELECT i.slug, so.url FROM deals_investor_sources x
       JOIN deals_investor i ON i.id = x.investor_id
       JOIN startups_source so ON so.id = x.source_id""",
    "SELECT f.month, so.url FROM deals_fxrate f JOIN startups_source so ON so.id = f.source_id",
]


def written_rows() -> dict[str, list[tuple]]:
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for table in WRITTEN_TABLES:
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
                if column.name not in RUN_COLUMNS and not column.name.endswith("_id")
            ]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
            found[table] = sorted(cursor.fetchall(), key=repr)
        for sql in LINKS:
            cursor.execute(sql)
            found[sql] = sorted(cursor.fetchall(), key=repr)
    return found


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_import_floor_writes_exactly_what_the_import_writes(tmp_path):
    """The floor is only a floor if it does the import's whole job: same rows, same links."""
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import import_files, import_floor
    from deals.importing import import_paths

    import_files.write(tmp_path, rounds=300, seed=3)
    shutil.copy(ROOT / "data/sample/fx_rates.csv", tmp_path)
    assert import_paths([tmp_path]).ok
    imported = written_rows()
    call_command("flush", interactive=False, verbosity=0)

    import_floor.run(database_url(connection.settings_dict), tmp_path)

    assert written_rows() == imported
    assert len(imported["deals_participation"]) == 900
