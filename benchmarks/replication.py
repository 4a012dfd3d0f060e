"""A PostgreSQL 15 primary and a streaming replica of it, of the benchmark's own, holding a copy
of one benchmark database: for api_replica_vs_primary, which needs a replica of the server it
reads, and the server of DATABASE_URL has none.

The clusters are benchmarks/clusters.py's, which the fault tests use too: initdb on a free port,
a replication role, `pg_basebackup -R`.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from backups.dumps import backup, restore
from benchmarks.clusters import (
    PrivatePostgres,
    StreamingReplica,
    postgres_binaries_missing,
    start_streaming,
    wait_for,
)
from config.database import database_settings

CATCH_UP_SECONDS = 120
DATABASE = "bench_replicated"


@dataclass(frozen=True)
class Replicated:
    primary_url: str
    replica_url: str


@contextlib.contextmanager
def replicated_copy(source_url: str) -> Iterator[Replicated]:
    """A primary holding a copy of `source_url`'s database, and a replica that has replayed it."""
    missing = postgres_binaries_missing()
    if missing is not None:
        raise SystemExit(missing)
    primary = PrivatePostgres(Path(tempfile.mkdtemp(prefix="bench-primary-")))
    replica = StreamingReplica(Path(tempfile.mkdtemp(prefix="bench-standby-")), primary)
    dump = Path(tempfile.mkdtemp(prefix="bench-dump-")) / "source.dump"
    try:
        start_streaming(primary, replica)
        backup(database_settings(source_url), dump)
        primary_url = primary.create_database(DATABASE)
        restore(database_settings(primary_url), dump)
        if not wait_for(replica.caught_up_with_primary, CATCH_UP_SECONDS, every=0.2):
            raise SystemExit("the benchmark's replica did not catch up with its primary")
        yield Replicated(primary_url=primary_url, replica_url=replica.url(DATABASE))
    finally:
        replica.stop("immediate")
        primary.stop("immediate")
        for folder in (replica.folder, primary.folder, dump.parent):
            shutil.rmtree(folder, ignore_errors=True)
