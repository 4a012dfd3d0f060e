"""DATABASES from the environment: the primary, its streaming replicas, and how each keeps its
connections (Django's persistent connections, psycopg's pool, or PgBouncer in front).

Every replica gets the primary's treatment (connect timeout, statement timeout, pool, health
checks), so that a read behaves the same wherever the router sends it (config/replicas.py).
The combinations that cannot work are refused when the settings load, with the reason, rather
than at the first request.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.database import POSTGRESQL, database_settings, with_statement_timeout

SQLITE = "django.db.backends.sqlite3"
PRIMARY = "default"
REPLICA_PREFIX = "replica_"
# Seconds a connection lives between requests when CONN_MAX_AGE is not set and there is no pool.
DEFAULT_CONN_MAX_AGE = 60


@dataclass(frozen=True)
class ConnectionSettings:
    """What the environment says about connections, for the primary and every replica alike."""

    statement_timeout: float = 10
    connect_timeout: int = 5
    # None when CONN_MAX_AGE is not set: 60 s without a pool, 0 (what a pool needs) with one.
    conn_max_age: int | None = None
    # 0: no pool; otherwise psycopg's pool of at most this many connections per process.
    pool_max_size: int = 0
    # Connections the pool keeps open while idle; 1 fits any pool size.
    pool_min_size: int = 1
    # Seconds a request waits for a free connection of the pool before it fails.
    pool_timeout: float = 10
    # PgBouncer in transaction mode: a cursor cannot outlive its transaction's server connection.
    disable_server_side_cursors: bool = False
    sqlite_busy_timeout: int = 20


def replica_alias(number: int) -> str:
    """`replica_1`, `replica_2`...: the database alias of the nth URL of DATABASE_REPLICA_URLS."""
    return f"{REPLICA_PREFIX}{number}"


def replica_aliases(databases: dict[str, Any]) -> list[str]:
    return [alias for alias in databases if alias.startswith(REPLICA_PREFIX)]


def databases(
    primary_url: str, replica_urls: list[str], connections: ConnectionSettings
) -> dict[str, dict[str, Any]]:
    """Django's DATABASES: `default`, the primary, then one alias per replica URL."""
    check_connections(connections)
    result = {PRIMARY: configured(primary_url, connections)}
    engine = result[PRIMARY]["ENGINE"]
    if connections.pool_max_size and engine != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_POOL_MAX_SIZE needs PostgreSQL: the pool is psycopg's, and DATABASE_URL "
            f"names {engine}. Leave DATABASE_POOL_MAX_SIZE at 0."
        )
    if connections.disable_server_side_cursors and engine != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_DISABLE_SERVER_SIDE_CURSORS is for PgBouncer in front of PostgreSQL; "
            f"DATABASE_URL names {engine}."
        )
    for number, url in enumerate(filter(None, (url.strip() for url in replica_urls)), start=1):
        if engine != POSTGRESQL:
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URLS needs a PostgreSQL primary: replicas stream its WAL, "
                f"and DATABASE_URL names {engine}."
            )
        replica = configured(url, connections)
        if replica["ENGINE"] != POSTGRESQL:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: replica {number} is not a PostgreSQL URL ({url!r})."
            )
        # The test runner makes no database of its own for a replica: it reads the primary's.
        replica["TEST"] = {"MIRROR": PRIMARY}
        result[replica_alias(number)] = replica
    return result


def check_connections(connections: ConnectionSettings) -> None:
    """Refuse what cannot work together, saying which variables to change."""
    if connections.pool_max_size < 0 or connections.pool_min_size < 0:
        raise ImproperlyConfigured(
            "DATABASE_POOL_MAX_SIZE and DATABASE_POOL_MIN_SIZE count connections: 0 or more."
        )
    if not connections.pool_max_size:
        return
    if connections.pool_min_size > connections.pool_max_size:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MIN_SIZE ({connections.pool_min_size}) is more than "
            f"DATABASE_POOL_MAX_SIZE ({connections.pool_max_size})."
        )
    if connections.conn_max_age:
        # Django's pool hands a connection back at the end of each request; a persistent
        # connection would keep it out of the pool (Django refuses the pair at connect time).
        raise ImproperlyConfigured(
            f"CONN_MAX_AGE={connections.conn_max_age} with DATABASE_POOL_MAX_SIZE="
            f"{connections.pool_max_size}: the pool keeps the connections, so CONN_MAX_AGE must "
            "be 0 (or unset). Choose one: the pool, or persistent connections."
        )
    if connections.disable_server_side_cursors:
        # PgBouncer in transaction mode already pools the server connections: a pool of
        # client connections in front of it holds PgBouncer slots for nothing, and the
        # settings would hide which of the two is meant to do the pooling.
        raise ImproperlyConfigured(
            "DATABASE_POOL_MAX_SIZE with DATABASE_DISABLE_SERVER_SIDE_CURSORS (PgBouncer in "
            "transaction mode): PgBouncer is the pool then. Set DATABASE_POOL_MAX_SIZE=0 "
            "behind PgBouncer, or drop PgBouncer and DATABASE_DISABLE_SERVER_SIDE_CURSORS."
        )
    if not psycopg_pool_installed():
        raise ImproperlyConfigured(
            "DATABASE_POOL_MAX_SIZE needs the psycopg_pool package: pip install 'psycopg[pool]'."
        )


def psycopg_pool_installed() -> bool:
    return importlib.util.find_spec("psycopg_pool") is not None


def configured(url: str, connections: ConnectionSettings) -> dict[str, Any]:
    """One DATABASES entry: the URL's settings with the connection handling of `connections`."""
    database = database_settings(url)
    pooled = bool(connections.pool_max_size)
    database["CONN_MAX_AGE"] = (
        connections.conn_max_age
        if connections.conn_max_age is not None
        else (0 if pooled else DEFAULT_CONN_MAX_AGE)
    )
    database["CONN_HEALTH_CHECKS"] = True
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == POSTGRESQL:
        # An unreachable server fails a request in seconds (a 503) instead of hanging it.
        options["connect_timeout"] = connections.connect_timeout
        # No query of a web request holds a worker for longer than this (a 503 says so:
        # config/statement_timeout.py); the refresh and the import take the long one for their
        # transaction (startups/statement_timeout.py).
        with_statement_timeout(database, connections.statement_timeout)
        if pooled:
            options["pool"] = {
                "min_size": connections.pool_min_size,
                "max_size": connections.pool_max_size,
                "timeout": connections.pool_timeout,
            }
        if connections.disable_server_side_cursors:
            database["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif database["ENGINE"] == SQLITE:
        # `make run` with REDIS_URL has the server and a Celery worker writing one file. A write
        # transaction takes the write lock when it begins (IMMEDIATE) and waits for it up to the
        # timeout, instead of failing with "database is locked" when a reader upgrades mid-way;
        # WAL lets pages read while the worker refreshes.
        options.update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": connections.sqlite_busy_timeout,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            }
        )
    return database
