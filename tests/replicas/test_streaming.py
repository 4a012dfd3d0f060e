"""The test servers themselves: a primary whose writes a streaming replica replays."""

from __future__ import annotations

import psycopg
import pytest

from tests.servers import wait_for

from .conftest import Replication

REPLAY_SECONDS = 10


def test_a_row_written_on_the_primary_appears_on_the_replica(replication: Replication):
    with replication.primary.connect() as primary:
        primary.execute("CREATE TABLE IF NOT EXISTS greeting (word text)")
        primary.execute("INSERT INTO greeting VALUES ('ni hao')")

    def replica_has_the_row() -> bool:
        with replication.replica.connect() as replica:
            try:
                return (
                    replica.execute(
                        "SELECT count(*) FROM greeting WHERE word = 'ni hao'"
                    ).fetchone()[0]
                    == 1
                )
            except psycopg.errors.UndefinedTable:
                return False

    assert wait_for(replica_has_the_row, REPLAY_SECONDS)


def test_the_replica_is_a_read_only_hot_standby(replication: Replication):
    with replication.replica.connect() as replica:
        assert replica.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            replica.execute("CREATE TABLE refused (id int)")
