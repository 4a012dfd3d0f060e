"""DATABASES from the environment: DATABASE_REPLICA_URLS adds one alias per replica with the
primary's connection handling; psycopg's pool is sized by DATABASE_POOL_*; the combinations
that cannot work are refused when the settings load, saying what to change."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import databases as database_module
from config.databases import ConnectionSettings, databases
from tests.servers import PROJECT, app_environment

PRIMARY = "postgres://tracker:secret@db.example:5432/tracker"
REPLICA_1 = "postgres://tracker:secret@replica1.example:5432/tracker"
REPLICA_2 = "postgres://tracker:secret@replica2.example:5433/tracker?sslmode=require"
STATEMENT_TIMEOUT_OPTION = "-c statement_timeout=10000"


@pytest.fixture
def psycopg_pool_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's settings are tested whether or not psycopg_pool is installed here."""
    monkeypatch.setattr(database_module, "psycopg_pool_installed", lambda: True)


def test_without_replica_urls_there_is_only_the_primary_as_before():
    result = databases(PRIMARY, [], ConnectionSettings())

    assert list(result) == ["default"]
    primary = result["default"]
    assert primary["HOST"] == "db.example"
    assert primary["CONN_MAX_AGE"] == 60
    assert primary["CONN_HEALTH_CHECKS"] is True
    assert primary["OPTIONS"] == {"connect_timeout": 5, "options": STATEMENT_TIMEOUT_OPTION}
    assert "DISABLE_SERVER_SIDE_CURSORS" not in primary


def test_each_replica_url_is_an_alias_with_the_primarys_connection_handling():
    result = databases(PRIMARY, [REPLICA_1, REPLICA_2], ConnectionSettings(conn_max_age=30))

    assert list(result) == ["default", "replica_1", "replica_2"]
    assert (result["replica_1"]["HOST"], result["replica_1"]["PORT"]) == ("replica1.example", 5432)
    assert (result["replica_2"]["HOST"], result["replica_2"]["PORT"]) == ("replica2.example", 5433)
    assert result["replica_1"]["OPTIONS"] == result["default"]["OPTIONS"]
    # A replica's own URL options are kept beside the primary's.
    assert result["replica_2"]["OPTIONS"] == {
        "sslmode": "require",
        "connect_timeout": 5,
        "options": STATEMENT_TIMEOUT_OPTION,
    }
    for alias in ("replica_1", "replica_2"):
        assert result[alias]["CONN_MAX_AGE"] == 30
        assert result[alias]["CONN_HEALTH_CHECKS"] is True
        # Tests read the primary's test database through it; none is created for a replica.
        assert result[alias]["TEST"] == {"MIRROR": "default"}


def test_blank_entries_of_the_replica_list_are_no_replicas():
    result = databases(PRIMARY, ["", f" {REPLICA_1} ", ""], ConnectionSettings())

    assert list(result) == ["default", "replica_1"]
    assert result["replica_1"]["HOST"] == "replica1.example"


def test_the_pool_is_sized_from_the_environment_on_the_primary_and_every_replica(
    psycopg_pool_installed,
):
    connections = ConnectionSettings(pool_max_size=8, pool_min_size=2, pool_timeout=3)

    result = databases(PRIMARY, [REPLICA_1], connections)

    for alias in ("default", "replica_1"):
        assert result[alias]["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 3}
        # The pool keeps the connections: Django must close (return) them after each request.
        assert result[alias]["CONN_MAX_AGE"] == 0


def test_pgbouncer_in_transaction_mode_disables_server_side_cursors_everywhere():
    connections = ConnectionSettings(disable_server_side_cursors=True, conn_max_age=60)

    result = databases(PRIMARY, [REPLICA_1], connections)

    for alias in ("default", "replica_1"):
        assert result[alias]["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert "pool" not in result[alias]["OPTIONS"]
        assert result[alias]["CONN_MAX_AGE"] == 60


REFUSED = [
    pytest.param(
        PRIMARY,
        [],
        ConnectionSettings(pool_max_size=4, conn_max_age=60),
        "CONN_MAX_AGE=60 with DATABASE_POOL_MAX_SIZE=4: the pool keeps the connections, so "
        "CONN_MAX_AGE must be 0 (or unset). Choose one: the pool, or persistent connections.",
        id="pool and persistent connections",
    ),
    pytest.param(
        PRIMARY,
        [],
        ConnectionSettings(pool_max_size=4, disable_server_side_cursors=True),
        "DATABASE_POOL_MAX_SIZE with DATABASE_DISABLE_SERVER_SIDE_CURSORS (PgBouncer in "
        "transaction mode): PgBouncer is the pool then. Set DATABASE_POOL_MAX_SIZE=0 behind "
        "PgBouncer, or drop PgBouncer and DATABASE_DISABLE_SERVER_SIDE_CURSORS.",
        id="pool behind PgBouncer",
    ),
    pytest.param(
        PRIMARY,
        [],
        ConnectionSettings(pool_max_size=2, pool_min_size=3),
        "DATABASE_POOL_MIN_SIZE (3) is more than DATABASE_POOL_MAX_SIZE (2).",
        id="pool smaller than its minimum",
    ),
    pytest.param(
        PRIMARY,
        [],
        ConnectionSettings(pool_max_size=-1),
        "DATABASE_POOL_MAX_SIZE and DATABASE_POOL_MIN_SIZE count connections: 0 or more.",
        id="negative pool size",
    ),
    pytest.param(
        "sqlite:////tmp/tracker.sqlite3",
        [],
        ConnectionSettings(pool_max_size=4),
        "DATABASE_POOL_MAX_SIZE needs PostgreSQL: the pool is psycopg's, and DATABASE_URL "
        "names django.db.backends.sqlite3. Leave DATABASE_POOL_MAX_SIZE at 0.",
        id="pool on SQLite",
    ),
    pytest.param(
        "sqlite:////tmp/tracker.sqlite3",
        [REPLICA_1],
        ConnectionSettings(),
        "DATABASE_REPLICA_URLS needs a PostgreSQL primary: replicas stream its WAL, and "
        "DATABASE_URL names django.db.backends.sqlite3.",
        id="replicas of SQLite",
    ),
    pytest.param(
        PRIMARY,
        ["sqlite:////tmp/copy.sqlite3"],
        ConnectionSettings(),
        "DATABASE_REPLICA_URLS: replica 1 is not a PostgreSQL URL ('sqlite:////tmp/copy.sqlite3').",
        id="a replica that is not PostgreSQL",
    ),
]


@pytest.mark.parametrize(("primary", "replicas", "connections", "message"), REFUSED)
def test_combinations_that_cannot_work_are_refused_saying_what_to_change(
    psycopg_pool_installed, primary, replicas, connections, message
):
    with pytest.raises(ImproperlyConfigured) as refused:
        databases(primary, replicas, connections)

    assert str(refused.value) == message


def test_a_pool_without_psycopg_pool_installed_is_refused_with_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(database_module, "psycopg_pool_installed", lambda: False)

    with pytest.raises(ImproperlyConfigured) as refused:
        databases(PRIMARY, [], ConnectionSettings(pool_max_size=4))

    assert str(refused.value) == (
        "DATABASE_POOL_MAX_SIZE needs the psycopg_pool package: pip install 'psycopg[pool]'."
    )


def test_the_site_refuses_to_start_with_a_pool_and_persistent_connections():
    environment = app_environment(PRIMARY, None, DATABASE_POOL_MAX_SIZE="4", CONN_MAX_AGE="60")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured: CONN_MAX_AGE=60 with DATABASE_POOL_MAX_SIZE=4" in result.stderr


def test_the_site_reads_the_replica_urls_from_the_environment():
    environment = app_environment(PRIMARY, None, DATABASE_REPLICA_URLS=f"{REPLICA_1},{REPLICA_2}")
    show_aliases = "from django.conf import settings; print(*settings.DATABASES)"

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show_aliases],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip().splitlines()[-1] == "default replica_1 replica_2"
