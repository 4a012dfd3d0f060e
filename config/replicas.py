"""Reads of a web request on a streaming replica; everything else on the primary.

With DATABASE_REPLICA_URLS set (config/databases.py), `ReplicaMiddleware` picks, for each
GET, HEAD or OPTIONS request, one replica that answers and is at most REPLICA_MAX_LAG_SECONDS
behind, at random so that requests spread over them; `ReplicaRouter` sends that request's reads
there. Everything else reads and writes the primary:

- requests that may write (POST, PUT, PATCH, DELETE), and the rest of a request once it wrote
  or while it is inside a transaction: a transaction must read what it writes;
- anything outside a web request: migrations, the refresh, the import, the outbox, Celery
  tasks, management commands (no replica is chosen for them);
- who the client is (sessions, users, API tokens, login lockouts): a token revoked or a
  password changed takes effect at once, not after the replica's lag;
- a client that wrote (a cookie, and for API tokens an entry in the cache, holding the
  primary's WAL position after the write): for REPLICA_PIN_SECONDS, and after that until the
  replica has replayed past that position, so that it reads its own writes and a POST followed
  by a GET never 404s, however far behind (within REPLICA_MAX_LAG_SECONDS) the replica is;
- a request whose replica failed mid-way: the retry of DatabaseUnavailableMiddleware reads the
  primary.

A replica's health (reachable, lag) is checked at most every HEALTH_CHECK_SECONDS per process.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

from config.databases import PRIMARY, replica_aliases

logger = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The apps whose rows say who the client is and what it may do: always read on the primary.
IDENTITY_APPS = frozenset({"auth", "sessions", "knox", "axes"})
PIN_COOKIE = "replica_pin"
PIN_CACHE_PREFIX = "replica-pin:"
# The position of a write whose WAL position is unknown: no replica has replayed past it, so
# the client reads the primary for as long as the pin lasts.
UNKNOWN_POSITION = 2**64
# What the Redis cache raises while Redis is down (dashboards.selectors does the same).
CACHE_ERRORS = (RedisError, OSError)
# How long one process trusts a replica's health before asking it again: short enough that a
# stopped or lagging replica is left within about a second, long enough that the check is one
# query a second per process, not one per request.
HEALTH_CHECK_SECONDS = 1.0
# 0 when the replica has replayed all it received: pg_last_xact_replay_timestamp() stands
# still while the primary is idle, and an idle primary leaves nothing to lag behind. With
# WAL received but not replayed (replay paused, or slow), the age of the last replayed commit.
# No replayed commit yet and WAL waiting: infinitely behind.
LAG_QUERY = """
    SELECT pg_last_wal_replay_lsn()::text, CASE
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE coalesce(
            extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8,
            'Infinity'::float8
        )
    END
"""


@dataclass
class RequestRouting:
    """Where the reads of the current request go: a replica's alias, or None (the primary)."""

    replica: str | None = None
    wrote: bool = False


_routing: ContextVar[RequestRouting | None] = ContextVar("replica_routing", default=None)


class ReplicaRouter:
    """Django's database router: reads on the request's replica, when it has one."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        routing = _routing.get()
        if routing is None or routing.replica is None:
            return PRIMARY
        if model._meta.app_label in IDENTITY_APPS or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return routing.replica

    def db_for_write(self, model: type, **hints: Any) -> str:
        routing = _routing.get()
        if routing is not None:
            # The rest of the request reads what it wrote, and the client is pinned.
            routing.replica = None
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replicas hold the primary's rows: an object read on one relates to any other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


@dataclass
class Health:
    checked_at: float
    usable: bool
    lag_seconds: float | None = None
    # Where its replay was (pg_last_wal_replay_lsn() as a number): the WAL before it is applied.
    replayed_position: int = 0


@dataclass
class HealthCache:
    """Each replica's last health check in this process, shared by its threads."""

    checks: dict[str, Health] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def health(self, alias: str) -> Health:
        now = time.monotonic()
        with self.lock:
            known = self.checks.get(alias)
        if known is not None and now - known.checked_at < HEALTH_CHECK_SECONDS:
            return known
        health = check_health(alias, now)
        with self.lock:
            self.checks[alias] = health
        return health

    def mark_unusable(self, alias: str) -> None:
        with self.lock:
            self.checks[alias] = Health(checked_at=time.monotonic(), usable=False)

    def clear(self) -> None:
        with self.lock:
            self.checks.clear()


health_cache = HealthCache()


def check_health(alias: str, now: float) -> Health:
    """Whether `alias` answers and is within REPLICA_MAX_LAG_SECONDS of the primary."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_QUERY)
            replayed, lag = cursor.fetchone()
            lag = float(lag)
    except DatabaseError as error:
        logger.warning("replica %s skipped: %s", alias, error)
        # The next check connects afresh rather than reusing a broken connection.
        with contextlib.suppress(DatabaseError):
            connections[alias].close()
        return Health(checked_at=now, usable=False)
    usable = lag <= settings.REPLICA_MAX_LAG_SECONDS
    if not usable:
        logger.warning(
            "replica %s skipped: %.1f s behind (REPLICA_MAX_LAG_SECONDS=%s)",
            alias,
            lag,
            settings.REPLICA_MAX_LAG_SECONDS,
        )
    return Health(
        checked_at=now,
        usable=usable,
        lag_seconds=lag,
        replayed_position=wal_position(replayed) if replayed else 0,
    )


def wal_position(lsn: str) -> int:
    """PostgreSQL's text form of a WAL position (`16/B374D848`) as a number to compare."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def choose_replica(replayed_at_least: int = 0) -> str | None:
    """A usable replica at random, so that requests spread over them, that has replayed the
    WAL up to `replayed_at_least`; None: the primary. A health check a second old can only
    under-state how far a replica has replayed, never over-state it."""
    aliases = replica_aliases(settings.DATABASES)
    random.shuffle(aliases)
    for alias in aliases:
        health = health_cache.health(alias)
        if health.usable and health.replayed_position >= replayed_at_least:
            return alias
    return None


def pin_cache_key(authorization: str) -> str:
    """The cache key of an API client's pin: a digest, never the token itself."""
    return PIN_CACHE_PREFIX + hashlib.sha256(authorization.encode()).hexdigest()


@dataclass(frozen=True)
class Pin:
    """A client's last write: the primary's WAL position after it, and when (Unix time)."""

    position: int
    written_at: float

    def __str__(self) -> str:
        return f"{self.position}:{self.written_at:.3f}"

    @classmethod
    def parse(cls, text: str | None) -> Pin | None:
        """The pin a cookie or the cache holds; None for anything else (a client's own text
        can only send its own reads to the primary, or leave them on a replica)."""
        try:
            position, written_at = (text or "").split(":")
            return cls(int(position), float(written_at))
        except ValueError:
            return None


def pin_lifetime() -> int:
    """Seconds a pin is kept: past REPLICA_MAX_LAG_SECONDS (and a health check) every replica
    still in use has replayed the write, since it is no further behind than that."""
    lag_window = math.ceil(settings.REPLICA_MAX_LAG_SECONDS + HEALTH_CHECK_SECONDS)
    return max(settings.REPLICA_PIN_SECONDS, lag_window)


def client_pin(request: HttpRequest) -> Pin | None:
    """The client's last write, from its cookie or (API tokens) the cache; None: none."""
    pin = Pin.parse(request.COOKIES.get(PIN_COOKIE))
    authorization = request.headers.get("Authorization")
    if pin is not None or not authorization:
        return pin
    try:
        return Pin.parse(cache.get(pin_cache_key(authorization)))
    except CACHE_ERRORS:  # a cache outage: read the primary, never stale data
        return Pin(UNKNOWN_POSITION, time.time())


def current_wal_position() -> int:
    """The primary's WAL position now, past every commit of the request (one query)."""
    primary = connections[PRIMARY]
    if primary.vendor != "postgresql":
        return UNKNOWN_POSITION
    try:
        with primary.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return wal_position(cursor.fetchone()[0])
    except DatabaseError:
        return UNKNOWN_POSITION


def replica_for(request: HttpRequest) -> str | None:
    """Where a read request reads: a replica, or None for the primary."""
    pin = client_pin(request)
    if pin is None:
        return choose_replica()
    if time.time() - pin.written_at < settings.REPLICA_PIN_SECONDS:
        return None
    return choose_replica(replayed_at_least=pin.position)


def pin_client(request: HttpRequest, response: HttpResponse) -> None:
    seconds = pin_lifetime()
    pin = str(Pin(current_wal_position(), time.time()))
    response.set_cookie(
        PIN_COOKIE,
        pin,
        max_age=seconds,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    authorization = request.headers.get("Authorization")
    if authorization:
        try:
            cache.set(pin_cache_key(authorization), pin, timeout=seconds)
        except CACHE_ERRORS:  # the cookie still pins a client that keeps cookies
            logger.warning("could not pin an API client to the primary: the cache failed")


class ReplicaMiddleware:
    """Chooses where the request reads (see the module) and pins a client that wrote.

    Listed after DatabaseUnavailableMiddleware: when a replica fails mid-request, its retry
    runs through here again and reads the primary.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        routing = RequestRouting()
        if request.method in READ_METHODS and not getattr(request, "replica_failed", False):
            routing.replica = replica_for(request)
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
        if routing.wrote:
            pin_client(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        routing = _routing.get()
        replica = routing.replica if routing is not None else None
        if replica is None or not isinstance(exception, (OperationalError, InterfaceError)):
            return
        # Whatever failed (the connection, a query cancelled by a recovery conflict), the
        # retry reads the primary, and this process leaves the replica until its next check.
        request.replica_failed = True
        health_cache.mark_unusable(replica)
