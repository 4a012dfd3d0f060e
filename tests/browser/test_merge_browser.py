"""An editor finds a startup entered twice and merges it, in Chromium on the sample data, as
it is done by hand: the Possible duplicates page, the comparison, the confirm page; then the
duplicate's old public page leads to the survivor's, and the merge is undone from its record.
Screenshots: artifacts/screenshots/merge-*."""

import re

import pytest

from startups.models import Merge, Startup
from tests.factories import StaffFactory, StartupFactory

from .pages import LOCAL_HOSTS, SCREENSHOTS
from .test_admin_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_finds_a_duplicate_merges_it_and_undoes_the_merge(site, watched):
    StaffFactory(username="editor")
    duplicate = StartupFactory(
        slug="beijing-moonshot",
        name_en="Beijing Moonshot Technology Co., Ltd.",
        name_zh="北京月之暗面科技有限公司",
        city="Beijing",
    )
    sign_in(watched, f"{site}/admin/login/")

    watched.goto(f"{site}/admin/duplicates/")
    pair = watched.locator("#startup-duplicates tr", has_text="beijing-moonshot").filter(
        has_text="Moonshot AI"
    )
    watched.screenshot(path=SCREENSHOTS / "merge-duplicates.png", full_page=True)
    pair.get_by_role("link", name="Compare").click()
    watched.get_by_role(
        "link", name=re.compile(r"^Merge Beijing Moonshot .* into Moonshot AI")
    ).click()
    watched.screenshot(path=SCREENSHOTS / "merge-confirm.png", full_page=True)
    with watched.expect_navigation():
        watched.locator("#content-main input[type=submit]").click()

    assert "was merged into Moonshot AI" in watched.locator(".messagelist").inner_text()
    assert not Startup.objects.filter(pk=duplicate.pk).exists()
    moonshot = Startup.objects.get(slug="moonshot")
    assert "北京月之暗面科技有限公司" in moonshot.alias_list

    response = watched.goto(f"{site}/startups/beijing-moonshot/")
    assert response.status == 200
    assert watched.url == f"{site}/startups/moonshot/"

    watched.goto(f"{site}/admin/startups/merge/")
    watched.locator("a.button", has_text="Undo").first.click()
    with watched.expect_navigation():
        watched.locator("#content-main input[type=submit]").click()

    assert Startup.objects.get(pk=duplicate.pk).slug == "beijing-moonshot"
    assert Merge.objects.get().undone
    assert "北京月之暗面科技有限公司" not in Startup.objects.get(slug="moonshot").alias_list
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS
