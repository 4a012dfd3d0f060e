"""A PostgreSQL 15 primary and a streaming replica of it, for the tests of read replicas.

Both start once per session (initdb and the base backup take seconds), each on a free loopback
port with its data in a temporary folder; each test starts with the replica running, replaying
and caught up, whatever the test before did to it (stopped it, paused its replay).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.clusters import start_streaming
from tests.conftest import skip_or_fail
from tests.faults.conftest import create_sample_template
from tests.faults.traffic import call
from tests.servers import (
    AppProcess,
    PrivatePostgres,
    PrivateRedis,
    StreamingReplica,
    app_environment,
    gunicorn,
    postgres_binaries_missing,
    wait_for,
)

CATCH_UP_SECONDS = 30
TEMPLATE = "replicas_template"
# The sites of these tests do nothing but what each test asks: no throttling in the way.
UNTHROTTLED = "1000000/minute"
READY_PATH = "/api/v1/rounds/?page_size=1"


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
        start_streaming(primary, replica)
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


@dataclass
class ReplicatedDatabase:
    name: str
    primary_url: str
    replica_url: str
    token: str  # an API token of a superuser


@pytest.fixture(scope="session")
def replicated_template(replication_servers: Replication) -> str:
    """A migrated database with the sample data on the primary; returns an API token."""
    return create_sample_template(replication_servers.primary, TEMPLATE)


@pytest.fixture
def replicated_database(replication: Replication, replicated_template: str) -> ReplicatedDatabase:
    """This test's own copy of the sample database, created on the primary and replayed on
    the replica before the test starts."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    primary_url = replication.primary.create_database(name, template=TEMPLATE)
    replication.restore()
    return ReplicatedDatabase(
        name=name,
        primary_url=primary_url,
        replica_url=replication.replica.url(name),
        token=replicated_template,
    )


@pytest.fixture
def site_redis() -> Iterator[PrivateRedis]:
    """The sites' cache: a client pinned by one gunicorn worker is pinned in the other too."""
    if shutil.which("redis-server") is None:
        skip_or_fail("needs redis-server (apt-get install redis-server)")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def replicated_environment(
    database: ReplicatedDatabase, redis_url: str, **settings: str
) -> dict[str, str]:
    """The environment of the site's processes: the primary, reads on the replica, unthrottled."""
    return app_environment(
        database.primary_url,
        redis_url,
        DATABASE_REPLICA_URLS=database.replica_url,
        API_THROTTLE_ANON=UNTHROTTLED,
        API_THROTTLE_USER=UNTHROTTLED,
        **settings,
    )


@pytest.fixture
def replicated_site(
    replicated_database: ReplicatedDatabase, site_redis: PrivateRedis, tmp_path: Path
) -> Iterator[Callable[..., str]]:
    """Starts the site on gunicorn (two workers) reading from the replica, with the settings
    given; returns its base URL. Stopped after the test."""
    started: list[AppProcess] = []

    def start(**settings: str) -> str:
        environment = replicated_environment(replicated_database, site_redis.url, **settings)
        site, base_url = gunicorn(environment, tmp_path / f"web-{len(started)}.log")
        started.append(site)
        if not wait_for(lambda: call(base_url, "GET", READY_PATH).status == 200, 30):
            raise RuntimeError(f"the site did not answer:\n{site.log.read_text()}")
        return base_url

    yield start
    for site in started:
        site.stop()
