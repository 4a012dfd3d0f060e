"""A PostgreSQL 15 primary and a streaming replica of it, for the tests of read replicas.

Both start once per session (initdb and the base backup take seconds), each on a free loopback
port with its data in a temporary folder; each test starts with the replica running, replaying
and caught up, whatever the test before did to it (stopped it, paused its replay).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.servers import PrivatePostgres, StreamingReplica, postgres_binaries_missing, wait_for

CATCH_UP_SECONDS = 30


@dataclass
class Replication:
    primary: PrivatePostgres
    replica: StreamingReplica

    def restore(self) -> None:
        """The replica running, replaying and caught up with the primary."""
        if not self.replica.streaming():
            self.replica.start()
            self.replica.wait_until_streaming()
        self.replica.resume_replay()
        if not wait_for(self.replica.caught_up_with_primary, CATCH_UP_SECONDS, every=0.1):
            raise RuntimeError("the replica did not catch up with the primary")


@pytest.fixture(scope="session")
def replication_servers() -> Iterator[Replication]:
    reason = postgres_binaries_missing()
    if reason is not None:
        skip_or_fail(reason)
    # Two folders of their own: each is chowned to `postgres` when the tests run as root.
    primary = PrivatePostgres(Path(tempfile.mkdtemp(prefix="replicas-primary-")))
    replica = StreamingReplica(Path(tempfile.mkdtemp(prefix="replicas-standby-")), primary)
    try:
        primary.init()
        primary.start()
        primary.create_replication_role()
        replica.init()
        replica.start()
        replica.wait_until_streaming()
        yield Replication(primary=primary, replica=replica)
    finally:
        replica.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(replica.folder, ignore_errors=True)
        shutil.rmtree(primary.folder, ignore_errors=True)


@pytest.fixture
def replication(replication_servers: Replication) -> Replication:
    """The session's primary and replica, the replica running and caught up."""
    replication_servers.restore()
    return replication_servers
