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


def test_the_benchmark_refuses_sqlite_and_says_what_to_set():
    done = run_bench("sqlite:///benchmark.sqlite3")

    assert done.returncode != 0
    assert "set DATABASE_URL to a PostgreSQL server" in done.stderr
