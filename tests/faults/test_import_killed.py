"""An import killed half-way (SIGKILL) leaves every table exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import PROJECT, PrivatePostgres, app_environment, wait_for

from .conftest import SampleDatabase
from .figures import table_checksums

# Enough rows for an import of several seconds (about 1,000 rounds/s), in batches of 2,000.
IMPORT_ROUNDS = 6000
WRITING_SINCE_SECONDS = 1.5

pytestmark = [pytest.mark.postgres]


def import_writing(connection) -> bool:
    """The import's transaction has written rows (it holds a transaction id)."""
    return connection.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL)"
    ).fetchone()[0]


def import_connected(connection) -> bool:
    return connection.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid())"
    ).fetchone()[0]


def test_an_import_killed_half_way_leaves_the_database_as_it_was(
    private_postgres: PrivatePostgres, sample_database: SampleDatabase, tmp_path: Path
):
    files = tmp_path / "synthetic"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.import_files",
            str(files),
            "--rounds",
            str(IMPORT_ROUNDS),
        ],
        cwd=PROJECT,
        check=True,
        capture_output=True,
    )
    watch = private_postgres.connect(sample_database.name)
    before = table_checksums(watch)

    importing = subprocess.Popen(
        [sys.executable, "manage.py", "import_data", str(files)],
        cwd=PROJECT,
        env=app_environment(sample_database.url, None),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: import_writing(watch), 60, every=0.05), "the import never wrote"
        time.sleep(WRITING_SINCE_SECONDS)
        assert importing.poll() is None, "the import finished before it could be killed"
        os.kill(importing.pid, signal.SIGKILL)
        importing.wait(10)
    finally:
        if importing.poll() is None:
            importing.kill()

    # PostgreSQL aborts the transaction once the dead client's connection is gone.
    assert wait_for(lambda: not import_connected(watch), 30)
    after = table_checksums(watch)
    watch.close()
    assert after == before
    assert after["deals_fundinground"][0] == before["deals_fundinground"][0] > 0
