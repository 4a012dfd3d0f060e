"""The replica router and its middleware, in process: which database each kind of query goes
to, and when a client is pinned to the primary. The same rules on real streaming replication:
tests/replicas/test_routing.py."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from knox.models import AuthToken

from config import replicas
from config.replicas import (
    PIN_COOKIE,
    Pin,
    ReplicaMiddleware,
    ReplicaRouter,
    pin_cache_key,
    wal_position,
)
from deals.models import FundingRound
from startups.models import Startup

REPLICA = "replica_1"
TOKEN_HEADER = "Token cait_0123"
# The primary's WAL position after a write, as the tests' primary would give it.
WRITE_POSITION = wal_position("0/3000148")


@pytest.fixture(autouse=True)
def primary_position(monkeypatch: pytest.MonkeyPatch) -> None:
    """No query for the primary's WAL position: these tests have no primary to ask."""
    monkeypatch.setattr(replicas, "current_wal_position", lambda: WRITE_POSITION)


@pytest.fixture
def replica_chosen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every request that may read a replica gets REPLICA; returns, for each request that
    asked for one, the WAL position the replica had to have replayed."""
    asked: list[int] = []

    def choose(replayed_at_least: int = 0) -> str:
        asked.append(replayed_at_least)
        return REPLICA

    monkeypatch.setattr(replicas, "choose_replica", choose)
    return asked


def read_database_of(request, model=FundingRound) -> tuple[str, HttpResponse]:
    """Where `model` is read during `request`, and the middleware's response."""
    seen: list[str] = []

    def view(request):
        seen.append(ReplicaRouter().db_for_read(model))
        return HttpResponse()

    response = ReplicaMiddleware(view)(request)
    return seen[0], response


def test_outside_a_request_everything_reads_and_writes_the_primary():
    router = ReplicaRouter()

    assert router.db_for_read(FundingRound) == "default"
    assert router.db_for_write(FundingRound) == "default"


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()

    assert router.allow_migrate("default", "deals") is True
    assert router.allow_migrate(REPLICA, "deals") is False


def test_a_read_request_reads_the_replica(replica_chosen):
    database, _ = read_database_of(RequestFactory().get("/rounds/"))

    assert database == REPLICA


@pytest.mark.parametrize("model", [User, Session, AuthToken])
def test_who_the_client_is_is_always_read_on_the_primary(replica_chosen, model):
    database, _ = read_database_of(RequestFactory().get("/rounds/"), model)

    assert database == "default"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_request_that_may_write_reads_the_primary(replica_chosen, method):
    database, _ = read_database_of(getattr(RequestFactory(), method)("/api/v1/rounds/"))

    assert database == "default"
    assert replica_chosen == []


def test_the_rest_of_a_request_that_wrote_reads_the_primary(replica_chosen):
    router = ReplicaRouter()
    seen: list[str] = []

    def view(request):
        seen.append(router.db_for_read(Startup))
        router.db_for_write(Startup)
        seen.append(router.db_for_read(Startup))
        return HttpResponse()

    ReplicaMiddleware(view)(RequestFactory().get("/"))

    assert seen == [REPLICA, "default"]


def test_a_transaction_reads_the_primary(replica_chosen, monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)

    database, _ = read_database_of(RequestFactory().get("/rounds/"))

    assert database == "default"


def test_a_write_pins_the_client_by_cookie_and_by_its_api_token(replica_chosen):
    def view(request):
        ReplicaRouter().db_for_write(FundingRound)
        return HttpResponse(status=201)

    request = RequestFactory().post("/api/v1/rounds/", HTTP_AUTHORIZATION=TOKEN_HEADER)
    response = ReplicaMiddleware(view)(request)

    cookie = response.cookies[PIN_COOKIE]
    # As long as a replica in use may still lag behind the write: the lag limit (30 s) and
    # the health check's second.
    assert cookie["max-age"] == 31
    assert cookie["httponly"] is True
    pin = Pin.parse(cookie.value)
    assert pin.position == WRITE_POSITION
    assert Pin.parse(cache.get(pin_cache_key(TOKEN_HEADER))) == pin
    cache.delete(pin_cache_key(TOKEN_HEADER))


def test_a_request_that_wrote_nothing_pins_nobody(replica_chosen):
    request = RequestFactory().post("/api/v1/rounds/", HTTP_AUTHORIZATION=TOKEN_HEADER)

    _, response = read_database_of(request)

    assert PIN_COOKIE not in response.cookies
    assert cache.get(pin_cache_key(TOKEN_HEADER)) is None


def test_a_client_that_just_wrote_reads_the_primary(replica_chosen):
    just_now = str(Pin(WRITE_POSITION, time.time()))
    by_cookie = RequestFactory().get("/rounds/")
    by_cookie.COOKIES[PIN_COOKIE] = just_now
    cache.set(pin_cache_key(TOKEN_HEADER), just_now, timeout=5)
    by_token = RequestFactory().get("/api/v1/rounds/", HTTP_AUTHORIZATION=TOKEN_HEADER)
    try:
        assert read_database_of(by_cookie)[0] == "default"
        assert read_database_of(by_token)[0] == "default"
    finally:
        cache.delete(pin_cache_key(TOKEN_HEADER))
    assert replica_chosen == []


def test_after_the_pin_window_a_client_reads_only_a_replica_that_has_replayed_its_write(
    replica_chosen,
):
    request = RequestFactory().get("/rounds/")
    written_before_the_window = time.time() - settings.REPLICA_PIN_SECONDS - 1
    request.COOKIES[PIN_COOKIE] = str(Pin(WRITE_POSITION, written_before_the_window))

    database, _ = read_database_of(request)

    assert database == REPLICA
    assert replica_chosen == [WRITE_POSITION]


@pytest.mark.parametrize("text", ["1", "", "x:y", "12", "1:2:3"])
def test_a_pin_cookie_that_is_no_pin_leaves_the_client_unpinned(replica_chosen, text):
    request = RequestFactory().get("/rounds/")
    request.COOKIES[PIN_COOKIE] = text

    assert read_database_of(request)[0] == REPLICA
    assert replica_chosen == [0]


def test_wal_positions_compare_as_postgresql_orders_them():
    assert wal_position("0/3000148") == 0x3000148
    assert wal_position("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert wal_position("1/0") > wal_position("0/FFFFFFFF")


def test_the_pin_is_kept_under_a_digest_of_the_token_never_the_token():
    assert TOKEN_HEADER not in pin_cache_key(TOKEN_HEADER)


def test_without_replica_urls_there_is_no_router_and_no_middleware():
    assert settings.DATABASE_REPLICA_URLS == []
    assert settings.DATABASE_ROUTERS == []
    assert "config.replicas.ReplicaMiddleware" not in settings.MIDDLEWARE
