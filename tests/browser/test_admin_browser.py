"""The admin's funding-round pages in Chromium, on the sample data, at 1280 px with the
navigation sidebar open and at 390 px: the page never scrolls sideways, nothing spills out of
the content area, and at 1280 px the round list and a round's participants table fit whole
(on a phone they scroll inside their own box). Screenshots: artifacts/screenshots/admin-*."""

import pytest
from django.db.models import Count

from deals.models import FundingRound
from tests.factories import StaffFactory

from .pages import LOCAL_HOSTS, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

MEASURE_ADMIN = """() => {
  const root = document.documentElement;
  const main = document.querySelector("#content-main");
  const sidebar = document.querySelector("#nav-sidebar");
  const boxes = Array.from(document.querySelectorAll("#changelist-form .results, .inline-group"))
    .map((box) => ({name: box.className, scrollWidth: box.scrollWidth,
                    clientWidth: box.clientWidth, overflowX: getComputedStyle(box).overflowX}));
  return {page: [root.scrollWidth, root.clientWidth], main: [main.scrollWidth, main.clientWidth],
          sidebarOpen: Boolean(sidebar && sidebar.getBoundingClientRect().width > 0),
          boxes: boxes};
}"""


@pytest.fixture
def round_pages(site) -> dict[str, str]:
    """The round list, the form of the round with the most participants (13 in the sample),
    and the empty form, on the live site, for a staff member who can sign in."""
    StaffFactory(username="editor")
    busiest = FundingRound.objects.annotate(joined=Count("participations")).latest("joined")
    return {
        "round-list": f"{site}/admin/deals/fundinground/",
        "round-form": f"{site}/admin/deals/fundinground/{busiest.pk}/change/",
        "round-add": f"{site}/admin/deals/fundinground/add/",
    }


def sign_in(page, login_url: str) -> None:
    page.goto(login_url)
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_round_list_and_form_fit_the_content_area(site, round_pages, watched, screen):
    watched.set_viewport_size(WIDTHS[screen])
    sign_in(watched, f"{site}/admin/login/")
    for name, url in round_pages.items():
        watched.goto(url)

        layout = watched.evaluate(MEASURE_ADMIN)
        assert layout["page"][0] <= layout["page"][1], (name, layout)
        assert layout["main"][0] <= layout["main"][1], (name, layout)
        assert layout["boxes"], name
        for box in layout["boxes"]:
            fits = box["scrollWidth"] <= box["clientWidth"]
            if screen == "desktop":
                assert layout["sidebarOpen"]
                assert fits, (name, box)
            else:
                assert fits or box["overflowX"] in ("auto", "scroll"), (name, box)
        watched.screenshot(path=SCREENSHOTS / f"admin-{name}-{screen}.png", full_page=True)
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS
