"""Reads on the replica, writes on the primary, on real streaming replication: the site runs on
gunicorn with DATABASE_REPLICA_URLS naming a hot standby of its database (conftest.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from tests.faults.traffic import a_round, call
from tests.servers import PrivatePostgres, wait_for

from .conftest import ReplicatedDatabase, Replication

READS = 30
READ_PATHS = ("/api/v1/rounds/?page_size=20", "/rounds/", "/")
# Backends report their statistics when idle, within about 10 s (PostgreSQL 15's
# PGSTAT_IDLE_INTERVAL); the ones of a closed connection at once.
STATISTICS_SECONDS = 20
# A REPLICA_MAX_LAG_SECONDS that no test exceeds, for the tests where the replica is meant to
# be used while behind.
PATIENT_LAG_SECONDS = "3600"


def transactions(server: PrivatePostgres, database: str) -> int:
    """The transactions the server has counted for `database` (read from another database,
    so that reading it counts none)."""
    with server.connect("postgres") as connection:
        return connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            [database],
        ).fetchone()[0]


def rows_on(server: PrivatePostgres, database: str, label: str) -> int:
    with server.connect(database) as connection:
        return connection.execute(
            "SELECT count(*) FROM deals_fundinground WHERE round_label = %s", [label]
        ).fetchone()[0]


def test_reads_land_on_the_replica_and_not_on_the_primary(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    # A primary idle for longer than the lag limit: the replica has replayed all it received,
    # so it counts as 0 s behind although its last replayed commit is older than the limit.
    base_url = replicated_site(REPLICA_MAX_LAG_SECONDS="1", CONN_MAX_AGE="0")
    time.sleep(2)
    name = replicated_database.name
    primary_before = transactions(replication.primary, name)
    replica_before = transactions(replication.replica, name)

    answers = [call(base_url, "GET", READ_PATHS[n % len(READ_PATHS)]) for n in range(READS)]

    assert {answer.status for answer in answers} == {200}
    assert wait_for(
        lambda: transactions(replication.replica, name) - replica_before >= READS,
        STATISTICS_SECONDS,
        every=0.5,
    )
    primary_delta = transactions(replication.primary, name) - primary_before
    print(
        f"\n{READS} reads: replica +{transactions(replication.replica, name) - replica_before} "
        f"transactions, primary +{primary_delta}"
    )
    assert primary_delta == 0


def test_a_client_reads_its_own_write_at_once_while_the_replica_is_behind(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    base_url = replicated_site(REPLICA_MAX_LAG_SECONDS=PATIENT_LAG_SECONDS)
    token = replicated_database.token
    # Given a replica that receives the primary's WAL but replays none of it
    replication.replica.pause_replay()

    # When a client writes a round and reads it back at once
    created = call(base_url, "POST", "/api/v1/rounds/", a_round("Pinned A"), token)
    assert created.status == 201
    path = f"/api/v1/rounds/{json.loads(created.body)['id']}/"
    own_read = call(base_url, "GET", path, token=token)
    own_list = call(base_url, "GET", "/api/v1/rounds/?search=Pinned", token=token)
    stranger_read = call(base_url, "GET", path)

    # Then the writer sees its round; another client, reading the replica, does not yet
    assert own_read.status == 200
    assert json.loads(own_read.body)["round_label"] == "Pinned A"
    assert [r["round_label"] for r in json.loads(own_list.body)["results"]] == ["Pinned A"]
    assert rows_on(replication.replica, replicated_database.name, "Pinned A") == 0
    assert stranger_read.status == 404


def test_after_the_pin_window_the_writer_reads_a_replica_once_it_has_replayed_the_write(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    base_url = replicated_site(REPLICA_MAX_LAG_SECONDS=PATIENT_LAG_SECONDS, REPLICA_PIN_SECONDS="1")
    token = replicated_database.token
    replication.replica.pause_replay()
    created = call(base_url, "POST", "/api/v1/rounds/", a_round("Pinned B"), token)
    round_id = json.loads(created.body)["id"]
    path = f"/api/v1/rounds/{round_id}/"

    # Past REPLICA_PIN_SECONDS, with the replica still short of the write: the primary.
    time.sleep(1.5)
    assert call(base_url, "GET", path, token=token).status == 200
    assert call(base_url, "GET", path).status == 404

    # Once the replica has replayed the write, the writer reads the replica again: a change
    # made on the primary alone, while replay is paused anew, is not in what it reads.
    replication.restore()
    replication.replica.pause_replay()
    with replication.primary.connect(replicated_database.name) as primary:
        primary.execute(
            "UPDATE deals_fundinground SET notes = 'on the primary only' WHERE id = %s",
            [round_id],
        )
    time.sleep(1.5)  # the processes' health checks see how far the replica has replayed
    read = call(base_url, "GET", path, token=token)
    assert read.status == 200
    assert json.loads(read.body)["notes"] == ""


def test_a_stopped_replica_sends_reads_to_the_primary_without_an_error(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    base_url = replicated_site()
    assert call(base_url, "GET", READ_PATHS[0]).status == 200
    replication.replica.stop("fast")

    answers = [call(base_url, "GET", READ_PATHS[n % len(READ_PATHS)]) for n in range(READS)]

    assert [answer.status for answer in answers] == [200] * READS


def test_a_replica_paused_past_the_lag_limit_sends_reads_to_the_primary(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    base_url = replicated_site(REPLICA_MAX_LAG_SECONDS="1")
    replication.replica.pause_replay()
    created = call(
        base_url, "POST", "/api/v1/rounds/", a_round("Behind"), replicated_database.token
    )
    path = f"/api/v1/rounds/{json.loads(created.body)['id']}/"

    # Longer than the lag limit, and than the time a process trusts its last health check.
    time.sleep(2.5)
    answers = [call(base_url, "GET", path) for _ in range(10)]

    assert rows_on(replication.replica, replicated_database.name, "Behind") == 0
    assert [answer.status for answer in answers] == [200] * 10


def test_the_replica_is_read_again_once_it_has_caught_up(
    replication: Replication,
    replicated_database: ReplicatedDatabase,
    replicated_site: Callable[..., str],
):
    base_url = replicated_site(REPLICA_MAX_LAG_SECONDS="1", CONN_MAX_AGE="0")
    replication.replica.pause_replay()
    call(base_url, "POST", "/api/v1/rounds/", a_round("Caught up"), replicated_database.token)
    time.sleep(2.5)
    replication.restore()
    time.sleep(1.5)
    name = replicated_database.name
    replica_before = transactions(replication.replica, name)

    answers = [call(base_url, "GET", READ_PATHS[0]) for _ in range(READS)]

    assert {answer.status for answer in answers} == {200}
    assert wait_for(
        lambda: transactions(replication.replica, name) - replica_before >= READS,
        STATISTICS_SECONDS,
        every=0.5,
    )
