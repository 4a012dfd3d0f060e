"""The live site on the sample data, and a browser page that records console errors and
refuses every host but this machine."""

from urllib.parse import urlsplit

import pytest

from tests.dashboards.data import load_sample

from .pages import LOCAL_HOSTS, SCREENSHOTS, TIMEOUT_MS


@pytest.fixture
def site(live_server):
    # With its statistics taken: a test database's tables hold the rolled-back rows of earlier
    # tests, and without them /rounds/?investor= ran past the 10 s statement timeout in CI.
    load_sample()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


@pytest.fixture
def watched(page):
    """The page, recording console errors and every host it asks; other hosts are refused."""
    page.errors, page.hosts = [], set()
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def guard(route):
        host = urlsplit(route.request.url).hostname
        page.hosts.add(host)
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", guard)
    page.set_default_timeout(TIMEOUT_MS)
    return page
