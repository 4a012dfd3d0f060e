"""docker-compose's streaming replica: the primary's init script run for real on a cluster of
the test's own, then the replica's base backup with the role it made; and the compose file
wiring the replica to the primary and the site to the replica."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import skip_or_fail
from tests.servers import PROJECT, PrivatePostgres, StreamingReplica, postgres_binaries_missing

INIT_SCRIPT = PROJECT / "docker" / "postgres" / "replication.sh"


@pytest.fixture
def fresh_primary() -> Iterator[PrivatePostgres]:
    reason = postgres_binaries_missing()
    if reason is not None:
        skip_or_fail(reason)
    primary = PrivatePostgres(Path(tempfile.mkdtemp(prefix="compose-primary-")))
    primary.init()
    primary.start()
    yield primary
    primary.stop("immediate")
    shutil.rmtree(primary.folder, ignore_errors=True)


def test_the_primarys_init_script_lets_the_replica_take_its_base_backup(
    fresh_primary: PrivatePostgres,
):
    # Given the script run as the postgres image runs it on a new data folder
    environment = {
        **os.environ,
        "POSTGRES_USER": fresh_primary.USER,
        "POSTGRES_DB": "postgres",
        "POSTGRES_REPLICATION_PASSWORD": StreamingReplica.REPLICATION_PASSWORD,
        "PGDATA": str(fresh_primary.data),
        "PGHOST": "127.0.0.1",
        "PGPORT": str(fresh_primary.port),
        "PGPASSWORD": fresh_primary.PASSWORD,
        "PATH": f"/usr/lib/postgresql/15/bin:{os.environ['PATH']}",
    }
    subprocess.run(["bash", str(INIT_SCRIPT)], env=environment, check=True, timeout=30)
    with fresh_primary.connect() as connection:
        connection.execute("SELECT pg_reload_conf()")

    # When a replica takes its base backup as the replicator role
    replica = StreamingReplica(Path(tempfile.mkdtemp(prefix="compose-standby-")), fresh_primary)
    try:
        replica.init()
        replica.start()

        # Then it streams
        replica.wait_until_streaming()
    finally:
        replica.stop("immediate")
        shutil.rmtree(replica.folder, ignore_errors=True)


def test_compose_starts_the_replica_from_the_primary_and_the_site_reads_from_it():
    compose = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
    services = compose["services"]
    replica = services["postgres-replica"]
    example = (PROJECT / ".env.example").read_text().splitlines()

    assert (
        "./docker/postgres/replication.sh:/docker-entrypoint-initdb.d/replication.sh:ro"
        in (services["postgres"]["volumes"])
    )
    start = replica["command"][-1]
    assert "pg_basebackup -h postgres -U replicator" in start
    assert " -R " in start
    assert start.endswith("exec postgres")
    assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "postgres-replica" in services["web"]["depends_on"]
    assert "DATABASE_REPLICA_URLS=postgres://tracker:change-me@postgres-replica:5432/tracker" in (
        example
    )
