"""The header's search box in Debian's Chromium: typing a product's brand, in plain or
full-width letters, suggests its startup as one types (from /api/v1/search/), and Enter on
the chosen suggestion or a click on it opens the startup's page, in English and Chinese."""

import pytest

from dashboards.refresh import refresh_full
from tests.factories import ModelProductFactory, StartupFactory

from .pages import LOCAL_HOSTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FULL_WIDTH_KIMI = "\uff2b\uff29\uff2d\uff29"
# Per language: the suggestions, the startup's first (each its name line, then its context).
SUGGESTIONS = {
    "": [
        "Moonshot AI · 月之暗面\nstartup · Beijing · products: Kimi Chat",
        "Kimi Chat\nproduct · Moonshot AI · app",
    ],
    "/zh-hans": [
        "月之暗面 · Moonshot AI\n初创公司 · Beijing · 产品\uff1aKimi Chat",
        "Kimi Chat\n产品 · 月之暗面 · 应用",
    ],
}


@pytest.fixture
def moonshot_site(live_server):
    moonshot = StartupFactory(
        slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面", city="Beijing"
    )
    ModelProductFactory(startup=moonshot, name="Kimi Chat", kind="app")
    refresh_full()
    return live_server.url


@pytest.mark.parametrize("prefix", SUGGESTIONS)
def test_typing_a_brand_suggests_its_startup_and_opens_its_page(moonshot_site, watched, prefix):
    box = watched.locator("#site-search-q")
    for query, choose in (("kimi", "keyboard"), (FULL_WIDTH_KIMI, "click")):
        watched.goto(moonshot_site + prefix + "/rounds/")
        box.press_sequentially(query)

        options = watched.locator("#site-search-suggestions [role=option]")
        options.first.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        assert options.all_inner_texts() == SUGGESTIONS[prefix], query
        with watched.expect_navigation():
            if choose == "keyboard":
                box.press("ArrowDown")
                assert box.get_attribute("aria-activedescendant") == options.first.get_attribute(
                    "id"
                )
                assert options.first.get_attribute("aria-selected") == "true"
                box.press("Enter")
            else:
                options.first.click()

        assert watched.url == f"{moonshot_site}{prefix}/startups/moonshot/", (query, choose)
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS
