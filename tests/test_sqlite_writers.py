"""Two processes writing one SQLite file, as `make run` with REDIS_URL has them (the server and
a Celery worker): each transaction reads, then writes, at the same moment as the other. Both
succeed; one waits for the other instead of failing with "database is locked"."""

import os
import subprocess
import sys

from tests.servers import PROJECT, wait_for

# Each writer says it is ready, waits for the go file, reads, pauses so that the other has read
# too, then writes.
WRITER = """
import pathlib, time
from django.db import transaction
from startups.models import Startup
pathlib.Path({ready!r}).touch()
go = pathlib.Path({go!r})
while not go.exists():
    time.sleep(0.01)
with transaction.atomic():
    seen = Startup.objects.count()
    time.sleep(0.5)
    Startup.objects.create(slug={slug!r}, name_en={slug!r})
print("wrote after seeing", seen)
"""
SLUGS = ("first-writer", "second-writer")


def test_two_processes_read_then_write_one_sqlite_file_and_both_succeed(tmp_path, migrated_sqlite):
    environment = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": f"sqlite:///{migrated_sqlite(tmp_path / 'db.sqlite3')}",
        "DEBUG": "1",
    }
    manage = [sys.executable, "manage.py"]
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [
                *manage,
                "shell",
                "-c",
                WRITER.format(ready=str(tmp_path / slug), go=str(go), slug=slug),
            ],
            cwd=PROJECT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for slug in SLUGS
    ]
    assert wait_for(lambda: all((tmp_path / slug).exists() for slug in SLUGS), 120)
    go.touch()

    results = [writer.communicate(timeout=120) for writer in writers]

    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "wrote after seeing" in out
