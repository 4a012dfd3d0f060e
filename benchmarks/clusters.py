"""PostgreSQL 15 clusters of a process's own, for the fault tests and the benchmarks: a primary
(initdb in a temporary folder, a free loopback port) and a streaming replica of it
(pg_basebackup -R), each started, stopped, paused and killed at will without touching the
database the rest of the project uses."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from config.database import database_url

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition: Callable[[], object], seconds: float, every: float = 0.1) -> bool:
    """Poll `condition` until it is true or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def postgres_binaries_missing() -> str | None:
    for name in ("initdb", "pg_ctl", "postgres", "pg_basebackup"):
        if not (POSTGRES_BIN / name).exists():
            return f"needs PostgreSQL 15 server binaries ({POSTGRES_BIN / name} is missing)"
    return None


class PrivatePostgres:
    """A PostgreSQL 15 cluster of the test's own: initdb in a temporary folder, a free port.

    PostgreSQL refuses to run as root, so as root (CI) the server runs as the `postgres` user,
    which then owns the folder.
    """

    USER = "tracker"
    PASSWORD = "tracker"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(POSTGRES_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, cwd="/", check=check, capture_output=True, text=True, timeout=60
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        password_file = self.folder / "password"
        password_file.write_text(self.PASSWORD)
        if os.geteuid() == 0:
            shutil.chown(password_file, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.USER,
            "--auth=scram-sha-256",
            f"--pwfile={password_file}",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off "
            f"-c unix_socket_directories={self.folder} -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str) -> str:
        return f"postgres://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str) -> str:
        """The same database over the Unix socket in the cluster's folder."""
        return database_url(
            {
                "USER": self.USER,
                "PASSWORD": self.PASSWORD,
                "HOST": str(self.folder),
                "PORT": self.port,
                "NAME": database,
            }
        )

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); returns its URL."""
        with self.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            suffix = f' TEMPLATE "{template}"' if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def create_replication_role(self) -> None:
        """A role that may stream the WAL to a replica and nothing else: initdb's pg_hba.conf
        already lets `replication` connections from 127.0.0.1 in with a password."""
        with self.connect() as connection:
            connection.execute(
                f"CREATE ROLE {StreamingReplica.REPLICATION_USER} WITH REPLICATION LOGIN "
                f"PASSWORD '{StreamingReplica.REPLICATION_PASSWORD}'"
            )


class StreamingReplica(PrivatePostgres):
    """A hot standby of a `PrivatePostgres`, on a free port of its own: a base backup taken
    with `pg_basebackup -R`, which writes the primary_conninfo and standby.signal that make
    the copy start as a replica streaming the primary's WAL."""

    REPLICATION_USER = "replicator"
    REPLICATION_PASSWORD = "replicator"

    def __init__(self, folder: Path, primary: PrivatePostgres) -> None:
        super().__init__(folder)
        self.primary = primary

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        conninfo = (
            f"host=127.0.0.1 port={self.primary.port} user={self.REPLICATION_USER} "
            f"password={self.REPLICATION_PASSWORD}"
        )
        # --checkpoint=fast: the primary is idle, a spread checkpoint would take minutes.
        self._run(
            "pg_basebackup",
            "-D",
            str(self.data),
            "-d",
            conninfo,
            "-R",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        )

    def streaming(self) -> bool:
        """Whether the replica's WAL receiver is connected to the primary and streaming."""
        try:
            with self.connect() as connection:
                row = connection.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
        except psycopg.OperationalError:
            return False
        return row is not None and row[0] == "streaming"

    def wait_until_streaming(self, seconds: float = START_SECONDS) -> None:
        if not wait_for(self.streaming, seconds, every=0.2):
            raise RuntimeError(f"the replica is not streaming:\n{self.log.read_text()}")

    def caught_up_with_primary(self) -> bool:
        """Whether the replica has replayed everything the primary has written so far."""
        with self.primary.connect() as connection:
            primary_lsn = connection.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with self.connect() as connection:
            return connection.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [primary_lsn]
            ).fetchone()[0]

    def pause_replay(self) -> None:
        with self.connect() as connection:
            connection.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.connect() as connection:
            connection.execute("SELECT pg_wal_replay_resume()")


def start_streaming(primary: PrivatePostgres, replica: StreamingReplica) -> None:
    """Start a new primary and a replica of it, and wait until the replica streams."""
    primary.init()
    primary.start()
    primary.create_replication_role()
    replica.init()
    replica.start()
    replica.wait_until_streaming()
