"""Private Redis servers and app processes, for tests that stop and restart them; the private
PostgreSQL clusters are the benchmarks' (benchmarks/clusters.py), imported here for the tests.

Each runs on a free loopback port, so that a test can kill or restart it without touching the
database and broker the rest of the suite uses.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from benchmarks.clusters import (
    START_SECONDS,
    PrivatePostgres,
    StreamingReplica,
    free_port,
    port_open,
    postgres_binaries_missing,
    wait_for,
)
from config.database import database_url

# Re-exported: the tests take every server from this module.
__all__ = [
    "PrivatePostgres",
    "StreamingReplica",
    "free_port",
    "port_open",
    "postgres_binaries_missing",
    "wait_for",
]

PROJECT = Path(__file__).resolve().parents[1]


class PrivateRedis:
    """A redis-server of the test's own, on a free loopback port, to stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        if not wait_for(lambda: port_open(self.port), 10, every=0.05):
            raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def postgres_url(db: dict) -> str:
    """The URL of a Django database from its settings (`connection.settings_dict`), for
    another process: under pytest-django, the URL of the test database."""
    return database_url(db)


def app_environment(database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of an app process: development settings with DEBUG off."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    environment.pop("REDIS_URL", None)
    if redis_url:
        environment["REDIS_URL"] = redis_url
    return environment


def manage(environment: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run `manage.py` with the environment; its output, or an error with it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class AppProcess:
    """A process of the app (gunicorn, a Celery worker), stopped for sure at the end."""

    def __init__(self, command: list[str], environment: dict[str, str], log: Path) -> None:
        self.command, self.environment, self.log = command, environment, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT,
                env=self.environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL to the process and its children (a Celery pool, gunicorn workers)."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None


def gunicorn(
    environment: dict[str, str], log: Path, workers: int = 2, threads: int = 1
) -> tuple[AppProcess, str]:
    """The site on gunicorn on a free loopback port, started; returns it and its base URL.

    More than one thread per worker runs gunicorn's threaded worker (gthread).
    """
    port = free_port()
    app = AppProcess(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ],
        environment,
        log,
    )
    app.start()
    if not wait_for(lambda: port_open(port), START_SECONDS):
        app.stop()
        raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
    return app, f"http://127.0.0.1:{port}"


def celery_worker(environment: dict[str, str], log: Path, *options: str) -> AppProcess:
    """A Celery worker of the app, started (it reads the queue of CELERY_QUEUE)."""
    worker = AppProcess(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            *options,
        ],
        environment,
        log,
    )
    worker.start()
    return worker
