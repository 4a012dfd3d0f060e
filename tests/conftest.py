"""Markers for tests that need a service, and the fixtures that reach those services.

A test marked ``postgres``, ``redis``, ``worker`` or ``browser`` is skipped when its service is
missing, so that `make test` passes on a bare machine with SQLite. With ``REQUIRE_SERVICES=1``
(set by .ci/run) a missing service fails the test instead: CI never skips one silently.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
# Flags for headless Chromium on a machine without network or sandbox support: without the
# background-networking ones it keeps trying (and failing) to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REDIS_PING_TIMEOUT_SECONDS = 1


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def postgres_missing() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"needs PostgreSQL, the database is {connection.vendor} (set DATABASE_URL)"
    return None


@functools.cache
def redis_missing() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "needs Redis: REDIS_URL is not set"
    import redis

    client = redis.Redis.from_url(
        url,
        socket_timeout=REDIS_PING_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_PING_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return f"needs Redis: {url} did not answer PING within 1s ({error})"
    finally:
        client.close()
    return None


def browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "needs the playwright package (make install)"
    return None


# A worker test needs the broker the worker listens on.
MISSING_SERVICE: dict[str, Callable[[], str | None]] = {
    "postgres": postgres_missing,
    "redis": redis_missing,
    "worker": redis_missing,
    "browser": browser_missing,
}


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason}; REQUIRE_SERVICES=1 forbids skipping it", pytrace=False)
    pytest.skip(reason)


# The Celery workers these tests start consume the default queue of the Redis of REDIS_URL; the
# fault tests share a private PostgreSQL cluster and its sample template, and others a migrated
# SQLite file, each built once per process: under `make test`'s several processes (--dist
# loadgroup) they run in one, one at a time. The replica tests share a primary and its streaming
# replica, also built once per process: a group of their own, which xdist may give the other
# process. First among the hooks: pytest-xdist names the groups from these markers in its own.
SHARED_REDIS_MARKERS = ("redis", "worker")
SHARED_FIXTURES = {"migrated_sqlite"}
FAULTS = Path(__file__).parent / "faults"
REPLICAS = Path(__file__).parent / "replicas"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        shares_redis = any(item.get_closest_marker(marker) for marker in SHARED_REDIS_MARKERS)
        shares_fixture = not SHARED_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
        if shares_redis or shares_fixture or item.path.is_relative_to(FAULTS):
            item.add_marker(pytest.mark.xdist_group("shared-services"))
        elif item.path.is_relative_to(REPLICAS):
            item.add_marker(pytest.mark.xdist_group("replication"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, missing in MISSING_SERVICE.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing()
        if reason is not None:
            skip_or_fail(reason)


@pytest.fixture
def redis_url() -> str:
    """The URL of a Redis server that answers; skips (or fails in CI) when there is none."""
    reason = redis_missing()
    if reason is not None:
        skip_or_fail(reason)
    return os.environ["REDIS_URL"]


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """A headless Debian Chromium driven by Playwright, for one test."""
    reason = browser_missing()
    if reason is not None:
        skip_or_fail(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API runs, this thread has a running event loop, and Django's ORM
    # refuses to run in it unless allowed. Scoped to one test: a session-wide Playwright would
    # leave the loop, and the need for this flag, over every later test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        # Under a running event loop, asgiref keeps Django's connections apart per context, so
        # the ORM calls of the test's body opened their own, which nothing else closes: closed
        # here, while the loop runs, or the test database keeps their sessions to the end.
        connections.close_all()
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser page, closed with its context after the test."""
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Puts a copy of a migrated, empty SQLite database at the path given. The migrations run
    once per session (15-20 s of CPU each time here), for the tests whose subject is what
    happens after them; `make run`'s own test still migrates a new file as a newcomer does."""
    import shutil

    from tests.servers import app_environment, manage

    template = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    manage(app_environment(f"sqlite:///{template}", None), "migrate", "--noinput")

    def copy_to(path: Path) -> Path:
        shutil.copyfile(template, path)
        return path

    return copy_to


@pytest.fixture(autouse=True, scope="session")
def _sql_logged_as_under_debug() -> None:
    """Every query of the suite goes through Django's SQL log, as it does under DEBUG, the
    configuration `make run` serves: raw SQL that the log cannot format (a bare `%` that is
    not a placeholder) fails the test that runs it instead of only the newcomer's first save."""
    from django.db import connections

    for connection in connections.all():
        connection.force_debug_cursor = True


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """Each test starts in the default language: a request through the locale middleware
    activates its language for the rest of the thread, which would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def empty_feed(transactional_db: None) -> None:
    """The change feed as a new database has it, for a test that commits and reads the feed:
    on SQLite, the flush after an earlier committing test deletes rows one by one, and the
    feed's triggers leave their tombstones."""
    from startups.change_models import Change

    Change.objects.all().delete()
