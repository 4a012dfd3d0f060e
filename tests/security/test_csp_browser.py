"""The pages under production's Content-Security-Policy, in Chromium: the dashboards draw their
charts and Swagger UI renders with only our own scripts and styles, and the browser reports no
violation of the policy (no inline script or style, no eval)."""

from collections.abc import Iterator

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.browser.pages import TIMEOUT_MS, drawn_charts
from tests.dashboards.data import load_sample

from . import plotly_styles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
# Collects every violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    [event.violatedDirective, event.blockedURI, event.sourceFile, event.sample].join(" ")
  );
});
"""


@pytest.fixture
def production_site(settings) -> Iterator[str]:
    """A live server of its own, started after the CSP middleware is in place as in production
    (the shared live_server built its middleware chain before this test could change it)."""
    settings.MIDDLEWARE = [CSP_MIDDLEWARE, *settings.MIDDLEWARE]
    load_sample()
    server = LiveServer("127.0.0.1")
    yield server.url
    server.stop()


@pytest.fixture
def csp_page(page):
    """The page, recording policy violations and console errors."""
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_default_timeout(TIMEOUT_MS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations")


@pytest.mark.parametrize(
    ("path", "charts"),
    [("/", 6), ("/investors/alibaba/", 1), ("/startups/moonshot/", 1)],
    ids=["overview", "investor", "startup"],
)
def test_dashboards_draw_their_charts_under_the_policy(production_site, csp_page, path, charts):
    response = csp_page.goto(production_site + path)

    assert "script-src 'self'" in response.headers["content-security-policy"]
    drawn = drawn_charts(csp_page)
    assert len(drawn) == charts
    assert all(traces >= 1 and traces == shown for traces, shown in drawn.values()), drawn
    assert violations(csp_page) == [], "\n".join(violations(csp_page))
    assert csp_page.errors == []


def test_swagger_ui_renders_under_the_policy(production_site, csp_page):
    response = csp_page.goto(production_site + "/api/v1/docs/")

    assert "style-src 'self'" in response.headers["content-security-policy"]
    csp_page.wait_for_selector(".opblock-tag-section")
    assert csp_page.locator(".opblock").count() > 20
    assert violations(csp_page) == [], "\n".join(violations(csp_page))
    assert csp_page.errors == []


def test_our_copy_of_plotlys_stylesheet_matches_the_bundle(chromium):
    injected = plotly_styles.injected_styles(chromium)

    assert plotly_styles.vendored_rules(chromium) == injected.pop(plotly_styles.GLOBAL_ID)
    include = plotly_styles.INCLUDE.read_text()
    assert [element_id for element_id in injected if element_id not in include] == []
