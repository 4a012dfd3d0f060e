"""psycopg's connection pool (DATABASE_POOL_MAX_SIZE) on real servers: the site on gunicorn (two
worker processes) serves every request from the connections its pools keep, to the primary and
to the replica, where without a pool each request opens a connection of its own."""

from __future__ import annotations

from collections.abc import Callable

from tests.faults.traffic import a_round, call
from tests.servers import PrivatePostgres, wait_for

from .conftest import ReplicatedDatabase, Replication
from .test_routing import PATIENT_LAG_SECONDS, READ_PATHS, STATISTICS_SECONDS

READS = 30
WRITES = 5
WORKERS = 2  # gunicorn's, as the replicated_site fixture starts it
POOL_SIZE = 2


def sessions(server: PrivatePostgres, database: str) -> int:
    """The sessions the server has counted as opened on `database` (pg_stat_database, read
    from another database so that reading it opens none there)."""
    with server.connect("postgres") as connection:
        return connection.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", [database]
        ).fetchone()[0]


def open_connections(server: PrivatePostgres, database: str) -> int:
    with server.connect("postgres") as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND backend_type = 'client backend'",
            [database],
        ).fetchone()[0]


def serve_reads_and_writes(base_url: str, token: str) -> None:
    for n in range(WRITES):
        answer = call(base_url, "POST", "/api/v1/rounds/", a_round(f"Pool {n}"), token)
        assert answer.status == 201, answer
    for n in range(READS):
        assert call(base_url, "GET", READ_PATHS[n % len(READ_PATHS)]).status == 200


def sessions_opened_while_serving(
    replication: Replication, database: ReplicatedDatabase, start_site: Callable[[], str]
) -> tuple[int, int]:
    """Sessions opened on the primary and on the replica by a site from its start (a pool
    opens its connections when its first request comes) through WRITES writes and READS
    reads, once the servers have counted them."""
    servers = (replication.primary, replication.replica)
    before = [sessions(server, database.name) for server in servers]
    serve_reads_and_writes(start_site(), database.token)
    # Counted when a backend reports, within about 10 s of going idle; the last count is
    # taken once it has stopped moving.
    counts: list[list[int]] = []

    def settled() -> bool:
        counts.append([sessions(server, database.name) for server in servers])
        return len(counts) >= 3 and counts[-1] == counts[-3]

    wait_for(settled, STATISTICS_SECONDS, every=2)
    return counts[-1][0] - before[0], counts[-1][1] - before[1]


def test_a_pool_serves_every_request_from_the_connections_it_keeps(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    def start_site() -> str:
        return replicated_site(
            DATABASE_POOL_MAX_SIZE=str(POOL_SIZE),
            DATABASE_POOL_MIN_SIZE="1",
            REPLICA_MAX_LAG_SECONDS=PATIENT_LAG_SECONDS,
        )

    primary, replica = sessions_opened_while_serving(replication, replicated_database, start_site)

    # At most a pool's worth per worker process and database, for 35 requests.
    assert 1 <= replica <= WORKERS * POOL_SIZE
    assert 1 <= primary <= WORKERS * POOL_SIZE
    name = replicated_database.name
    assert open_connections(replication.replica, name) <= WORKERS * POOL_SIZE
    assert open_connections(replication.primary, name) <= WORKERS * POOL_SIZE


def test_without_a_pool_each_request_opens_its_own_connection(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    """What the pool saves, measured the same way: the count above is not blind."""

    def start_site() -> str:
        return replicated_site(CONN_MAX_AGE="0", REPLICA_MAX_LAG_SECONDS=PATIENT_LAG_SECONDS)

    primary, replica = sessions_opened_while_serving(replication, replicated_database, start_site)

    assert replica >= READS
    assert primary >= WRITES
