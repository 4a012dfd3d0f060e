"""The dashboard in Debian's Chromium: every page loads on the sample data and draws each of
its charts, logs no error and asks nothing of another host; the language switch turns it
Chinese; a chart filter changes the chart and the URL, and reloading restores the view.
Screenshots of every page go to artifacts/screenshots/ (see docs/dashboards.md); the site and the
page fixtures are in conftest.py."""

from urllib.parse import parse_qs, urlsplit

import pytest

from .pages import LOCAL_HOSTS, PAGES, SCREENSHOTS, drawn_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_loads_draws_its_charts_and_stays_on_this_machine(site, watched):
    expected_charts = {
        "overview": 6,
        "startups-little-ai-dragons": 1,
        "startup-moonshot": 1,
        "investor-alibaba": 1,
        "products": 1,
        "compute": 3,
    }
    for name, path in PAGES.items():
        response = watched.goto(site + path)
        assert response.status == 200, path
        charts = drawn_charts(watched)
        assert len(charts) == expected_charts.get(name, 0), name
        for chart, (traces, drawn) in charts.items():
            assert traces >= 1 and drawn == traces, (name, chart, traces, drawn)
        watched.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    # The overview in the dark theme (every page at phone width: test_layout_browser.py).
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
    # Back where the reader was, at the page's Chinese URL.
    assert urlsplit(watched.url).path == "/zh-hans/investors/alibaba/"
    assert "阿里巴巴" in watched.locator("h1").inner_text()
    assert watched.locator("nav a", has_text="总览").count() == 1
    drawn_charts(watched)
    watched.goto(site + "/")  # the choice holds: the English URL redirects to the Chinese one
    assert urlsplit(watched.url).path == "/zh-hans/"
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
