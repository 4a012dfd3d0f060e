"""POST /api/v1/{startups,investors}/<a>/merge/ {"from": "<b>"}, and the 308 of B's addresses."""

import datetime as dt

import pytest

from deals.merging import merge_investors, merge_startups
from deals.models import Investor
from startups.models import Merge, Startup
from tests.api.conftest import grant, token_for, with_token
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    StaffFactory,
    StartupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return (
        StartupFactory(slug="moonshot", name_en="Moonshot AI"),
        StartupFactory(slug="beijing-moonshot", name_en="Beijing Moonshot Technology"),
    )


def staff_token(*actions: str, model=Startup):
    user = StaffFactory(is_superuser=False)
    grant(user, model, *actions)
    return with_token(token_for(user))


def test_staff_merge_a_startup_into_another(pair):
    _survivor, merged = pair
    FundingRoundFactory(startup=merged)

    response = staff_token("change", "delete").post(
        "/api/v1/startups/moonshot/merge/", {"from": "beijing-moonshot"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["survivor"], body["merged"]) == (
        "startup",
        "moonshot",
        "beijing-moonshot",
    )
    assert body["moved"]["deals.FundingRound.startup"] == 1
    assert body["id"] == Merge.objects.get().pk
    assert not Startup.objects.filter(slug="beijing-moonshot").exists()


def test_investors_merge_the_same_way():
    InvestorFactory(slug="alibaba")
    InvestorFactory(slug="alibaba-holding")

    response = staff_token("change", "delete", model=Investor).post(
        "/api/v1/investors/alibaba/merge/", {"from": "alibaba-holding"}
    )

    assert response.status_code == 200, response.content
    assert list(Investor.objects.values_list("slug", flat=True)) == ["alibaba"]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (lambda: None, 401),
        (lambda: with_token(token_for(UserFactory())), 403),
        (lambda: staff_token(), 403),
        (lambda: staff_token("change"), 403),
    ],
)
def test_only_staff_who_may_change_and_delete_startups_merge(pair, client, caller, expected):
    who = caller()
    if who is None:
        response = client.post(
            "/api/v1/startups/moonshot/merge/",
            {"from": "beijing-moonshot"},
            content_type="application/json",
        )
    else:
        response = who.post("/api/v1/startups/moonshot/merge/", {"from": "beijing-moonshot"})
    assert response.status_code == expected
    assert Startup.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "This field is required."),
        ({"from": "nobody"}, "No record has the slug “nobody”."),
        ({"from": "moonshot"}, "A record cannot be merged into itself."),
        ({"from": "not a slug"}, 'Enter a valid "slug"'),
    ],
)
def test_a_bad_from_is_a_400(pair, body, message):
    response = staff_token("change", "delete").post("/api/v1/startups/moonshot/merge/", body)
    assert response.status_code == 400
    assert message in response.json()["from"][0]


def test_conflicting_rounds_are_a_409_naming_both(pair):
    survivor, merged = pair
    day = dt.date(2024, 2, 1)
    FundingRoundFactory(startup=survivor, announced_on=day, round_label="Series B")
    FundingRoundFactory(startup=merged, announced_on=day, round_label="Series B")

    response = staff_token("change", "delete").post(
        "/api/v1/startups/moonshot/merge/", {"from": "beijing-moonshot"}
    )

    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "Beijing Moonshot Technology Series B (2024-02-01)" in detail
    assert "Moonshot AI Series B (2024-02-01)" in detail
    assert Startup.objects.count() == 2


def test_a_merged_record_answers_308_to_the_survivor(pair, client):
    survivor, merged = pair
    merge_startups(survivor, merged)

    response = client.get("/api/v1/startups/beijing-moonshot/?format=json")

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/startups/moonshot/?format=json"
    assert client.get("/api/v1/startups/nobody/").status_code == 404


def test_a_chain_of_merges_leads_to_the_last_survivor(client):
    a, b, c = (InvestorFactory(slug=slug) for slug in ("a", "b", "c"))
    merge_investors(b, c)
    merge_investors(a, b)

    response = client.get("/api/v1/investors/c/")

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/investors/a/"
    assert client.get(response["Location"]).status_code == 200


def test_a_write_to_a_merged_address_is_redirected_with_its_method(pair, writer):
    merge_startups(*pair)

    response = writer.patch("/api/v1/startups/beijing-moonshot/", {"city": "Shanghai"})

    assert (response.status_code, response["Location"]) == (308, "/api/v1/startups/moonshot/")
    assert Startup.objects.get(slug="moonshot").city == "Beijing"  # nothing written at B's
