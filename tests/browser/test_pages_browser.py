"""The dashboard in Debian's Chromium: every page loads on the sample data and draws each of
its charts, logs no error and asks nothing of another host; the language switch turns it
Chinese; a chart filter changes the chart and the URL, and reloading restores the view.
Screenshots of every page go to artifacts/screenshots/ (see docs/dashboards.md)."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboards.refresh import refresh_full
from deals.importing import import_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PAGES = {
    "overview": "/",
    "startups": "/startups/",
    "startup-moonshot": "/startups/moonshot/",
    "investors": "/investors/",
    "investor-alibaba": "/investors/alibaba/",
    "rounds": "/rounds/?investor=tencent&sort=-amount",
}
TIMEOUT_MS = 20_000


@pytest.fixture
def site(live_server):
    assert import_paths([SAMPLE]).ok
    refresh_full()
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


def drawn_charts(page) -> dict[str, tuple[int, int]]:
    """Per chart on the page: (traces in its figure JSON, traces drawn in its SVG)."""
    page.wait_for_function(
        "document.querySelectorAll('[data-figure]').length ==="
        " document.querySelectorAll('[data-drawn=true]').length"
    )
    found = {}
    for chart in page.locator("[data-figure]").all():
        figure = json.loads(page.locator(f"#{chart.get_attribute('data-figure')}").text_content())
        drawn = chart.locator(".scatterlayer g.trace, .barlayer g.trace").count()
        found[chart.get_attribute("id")] = (len(figure["data"]), drawn)
    return found


def test_every_page_loads_draws_its_charts_and_stays_on_this_machine(site, watched):
    expected_charts = {"overview": 6, "startup-moonshot": 1, "investor-alibaba": 1}
    for name, path in PAGES.items():
        response = watched.goto(site + path)
        assert response.status == 200, path
        charts = drawn_charts(watched)
        assert len(charts) == expected_charts.get(name, 0), name
        for chart, (traces, drawn) in charts.items():
            assert traces >= 1 and drawn == traces, (name, chart, traces, drawn)
        watched.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    # The overview at phone width and in the dark theme.
    watched.set_viewport_size({"width": 390, "height": 844})
    watched.goto(site + "/")
    drawn_charts(watched)
    assert watched.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    watched.screenshot(path=SCREENSHOTS / "overview-phone.png", full_page=True)
    watched.set_viewport_size({"width": 1280, "height": 900})
    watched.emulate_media(color_scheme="dark")
    watched.goto(site + "/")
    drawn_charts(watched)
    watched.screenshot(path=SCREENSHOTS / "overview-dark.png", full_page=True)
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS


def test_the_language_switch_turns_the_page_chinese(site, watched):
    watched.goto(site + "/investors/alibaba/")
    assert watched.locator("html").get_attribute("lang") == "en"
    with watched.expect_navigation():
        watched.select_option("#language-select", "zh-hans")
    assert watched.locator("html").get_attribute("lang") == "zh-hans"
    assert urlsplit(watched.url).path == "/investors/alibaba/"  # back where the reader was
    assert "阿里巴巴" in watched.locator("h1").inner_text()
    assert watched.locator("nav a", has_text="总览").count() == 1
    drawn_charts(watched)
    watched.goto(site + "/")
    charts = drawn_charts(watched)
    assert all(drawn == traces for traces, drawn in charts.values())
    assert "科技巨头" in watched.locator("#ai-share h2").inner_text()
    watched.screenshot(path=SCREENSHOTS / "overview-zh.png", full_page=True)
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS


def test_a_filter_changes_the_chart_and_the_url_and_reloading_restores_it(site, watched):
    watched.goto(site + "/")
    before = drawn_charts(watched)["chart-ai-share"]
    legend = watched.locator("#chart-ai-share .legendtext").all_text_contents()
    assert "Meituan" not in legend
    watched.check("#chart-filters input[value=meituan]")
    watched.select_option("#chart-filters select[name=since]", "2022")
    with watched.expect_navigation():
        watched.click("#chart-filters button[type=submit]")
    query = parse_qs(urlsplit(watched.url).query)
    assert set(query["investor"]) == {"alibaba", "tencent", "meituan"}
    assert query["since"] == ["2022"]
    after = drawn_charts(watched)["chart-ai-share"]
    assert after[1] == before[1] + 1  # Meituan's line
    assert "Meituan" in watched.locator("#chart-ai-share .legendtext").all_text_contents()
    shared_url = watched.url
    watched.reload()
    assert watched.url == shared_url
    assert drawn_charts(watched)["chart-ai-share"] == after
    assert watched.is_checked("#chart-filters input[value=meituan]")
    assert "Meituan" in watched.locator("#chart-ai-share .legendtext").all_text_contents()
    # A share point opens the rounds behind it.
    point = (
        watched.locator("#chart-ai-share .scatterlayer g.trace").first.locator("path.point").first
    )
    with watched.expect_navigation():
        point.click(force=True)
    assert urlsplit(watched.url).path == "/rounds/"
    assert "investor" in parse_qs(urlsplit(watched.url).query)
    watched.screenshot(path=SCREENSHOTS / "rounds-from-a-share-point.png", full_page=True)
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS
