"""An analyst in Chromium: signs in on /login/, follows a startup from its page, saves a
search on /rounds/, and reads /watchlist/ in English and Chinese, at a phone's width (390 px)
without sideways scrolling. (The layout test draws anonymous pages only: this one signs in.)"""

from decimal import Decimal

import pytest

from tests.factories import AlertFactory, FundingRoundFactory, StartupFactory, UserFactory

from .pages import LOCAL_HOSTS, SCREENSHOTS
from .test_layout_browser import PHONE, layout_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def analyst_site(live_server):
    analyst = UserFactory(username="analyst")
    startup = StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱", is_ai=True)
    funding_round = FundingRoundFactory(
        startup=startup,
        round_label="Series B",
        amount=Decimal("300000000"),
        amount_qualifier="at_least",
    )
    AlertFactory(user=analyst, record_id=funding_round.pk)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


def test_an_analyst_signs_in_follows_saves_a_search_and_reads_the_watchlist(analyst_site, watched):
    watched.set_viewport_size(PHONE)
    watched.goto(analyst_site + "/startups/zhipu/")
    with watched.expect_navigation():
        watched.click("#follow")  # "Sign in to follow"
    assert watched.url == f"{analyst_site}/login/?next=/startups/zhipu/"
    assert layout_problems(watched) == []

    watched.fill("#id_username", "analyst")
    watched.fill("#id_password", PASSWORD)
    with watched.expect_navigation():
        watched.click("#sign-in-form button[type=submit]")
    assert watched.url == f"{analyst_site}/startups/zhipu/"
    with watched.expect_navigation():
        watched.click("#follow")
    assert watched.locator(".message").inner_text() == "Added to your watchlist: Zhipu AI (智谱)."
    assert watched.locator("#unfollow").is_visible()

    watched.goto(analyst_site + "/rounds/?ai=1&sort=-amount")
    with watched.expect_navigation():
        watched.click("#save-search button")
    assert watched.locator(".message").inner_text() == "Added to your watchlist: ai=1."

    watched.goto(analyst_site + "/watchlist/")
    assert watched.locator("#following li").all_inner_texts() == [
        "search\nai=1\nRemove",  # a row of flex items: one line each in inner_text
        "startup\nZhipu AI\nRemove",
    ]
    alert = watched.locator(".alerts li").first
    assert "Zhipu AI · 2024-02-01 · Series B · ≥ $300M" in alert.inner_text()
    assert alert.locator(".badge").inner_text() == "new"
    assert layout_problems(watched) == []
    watched.screenshot(path=SCREENSHOTS / "watchlist-phone.png", full_page=True)

    watched.goto(analyst_site + "/zh-hans/watchlist/")
    assert watched.locator("h1").inner_text() == "你的关注列表"
    assert "智谱 · 2024-02-01 · Series B · ≥ 3亿美元" in watched.locator(".alerts li").inner_text()
    assert watched.locator(".alerts .badge").count() == 0  # seen on the visit before
    assert layout_problems(watched) == []
    watched.screenshot(path=SCREENSHOTS / "watchlist-zh-phone.png", full_page=True)

    with watched.expect_navigation():
        watched.click("#sign-out")
    assert watched.locator("#sign-in").inner_text() == "登录"
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS
