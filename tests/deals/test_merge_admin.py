"""Merging in the admin: the changelists' action, the confirm page, the list of merges and
its Undo button."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from deals.merging import merge_startups
from deals.models import Investor
from startups.models import Merge, Startup
from tests.factories import FundingRoundFactory, InvestorFactory, StaffFactory, StartupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return (
        StartupFactory(slug="moonshot", name_en="Moonshot AI"),
        StartupFactory(slug="beijing-moonshot", name_en="Beijing Moonshot Technology"),
    )


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_the_action_opens_the_merge_page_for_exactly_two(staff_client, pair):
    survivor, merged = pair
    changelist = reverse("admin:startups_startup_changelist")

    response = staff_client.post(
        changelist, {"action": "merge_selected", "_selected_action": [survivor.pk, merged.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/data/merge/startups/{survivor.pk}/{merged.pk}/"
    third = StartupFactory()
    response = staff_client.post(
        changelist,
        {"action": "merge_selected", "_selected_action": [survivor.pk, merged.pk, third.pk]},
        follow=True,
    )
    assert "Select exactly two records to merge." in response.content.decode()
    assert Startup.objects.count() == 3


def test_the_investors_changelist_has_the_action_too(staff_client):
    a, b = InvestorFactory(), InvestorFactory()
    response = staff_client.post(
        reverse("admin:deals_investor_changelist"),
        {"action": "merge_selected", "_selected_action": [b.pk, a.pk]},
    )
    assert response["Location"] == f"/admin/data/merge/investors/{a.pk}/{b.pk}/"


def test_the_confirm_page_shows_what_moves_and_lets_the_other_stay(staff_client, pair):
    survivor, merged = pair
    FundingRoundFactory(startup=merged)
    FundingRoundFactory(startup=merged)
    url = reverse("data-merge", args=["startups", survivor.pk, merged.pk])

    html = staff_client.get(url).content.decode()

    assert "<td>Funding rounds</td><td>2</td>" in html
    assert "<td>Model products</td><td>0</td>" in html
    assert f'href="/admin/data/merge/startups/{merged.pk}/{survivor.pk}/"' in html
    assert Startup.objects.count() == 2


def test_posting_the_confirm_page_merges(staff_client, pair):
    survivor, merged = pair
    url = reverse("data-merge", args=["startups", survivor.pk, merged.pk])

    response = staff_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/startups/startup/{survivor.pk}/change/"
    assert list(Startup.objects.values_list("slug", flat=True)) == ["moonshot"]
    assert Merge.objects.get().merged_by is not None


def test_a_conflict_is_shown_and_nothing_is_merged(staff_client, pair):
    survivor, merged = pair
    day = dt.date(2024, 2, 1)
    FundingRoundFactory(startup=survivor, announced_on=day, round_label="Series B")
    FundingRoundFactory(startup=merged, announced_on=day, round_label="Series B")
    url = reverse("data-merge", args=["startups", survivor.pk, merged.pk])

    response = staff_client.post(url)

    assert response.status_code == 409
    assert "Beijing Moonshot Technology Series B (2024-02-01)" in response.content.decode()
    assert Startup.objects.count() == 2


def test_staff_without_change_and_delete_permission_cannot_merge(client, pair):
    survivor, merged = pair
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="change_startup"))
    client.force_login(user)
    url = reverse("data-merge", args=["startups", survivor.pk, merged.pk])

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Startup.objects.count() == 2


def test_the_list_of_merges_has_an_undo_button_that_undoes(staff_client, pair):
    merge = merge_startups(*pair)
    undo_url = reverse("data-merge-undo", args=[merge.pk])

    listing = staff_client.get(reverse("admin:startups_merge_changelist")).content.decode()
    assert f'href="{undo_url}"' in listing
    assert staff_client.get(undo_url).status_code == 200

    response = staff_client.post(undo_url)

    assert response["Location"] == reverse("admin:startups_merge_changelist")
    assert Startup.objects.filter(slug="beijing-moonshot").exists()
    merge.refresh_from_db()
    assert merge.undone
    listing = staff_client.get(reverse("admin:startups_merge_changelist")).content.decode()
    assert f'href="{undo_url}"' not in listing


def test_an_undo_that_cannot_be_done_says_why(staff_client, pair):
    merge = merge_startups(*pair)
    StartupFactory(slug="beijing-moonshot")

    response = staff_client.post(reverse("data-merge-undo", args=[merge.pk]), follow=True)

    assert "Another record now has the slug or id of beijing-moonshot" in response.content.decode()
    assert Investor.objects.count() == 0
