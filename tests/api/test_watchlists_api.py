"""/api/v1/watchlists/: a signed-in user's own watchlist, by token or session, with no model
permission; another user's items are not found; every refusal a 400 naming the field."""

import pytest
from django.test import Client

from dashboards.models import Follower, WatchItem
from tests.factories import (
    FollowerFactory,
    InvestorFactory,
    StartupFactory,
    UserFactory,
    WatchItemFactory,
)

from .conftest import Caller, token_for, with_token

pytestmark = pytest.mark.django_db
LIST = "/api/v1/watchlists/"
SETTINGS = "/api/v1/watchlists/settings/"


@pytest.fixture
def analyst():
    return UserFactory(username="analyst")


@pytest.fixture
def api(analyst) -> Caller:
    """The analyst's token: no permission of any model."""
    return with_token(token_for(analyst))


def test_a_user_without_any_permission_follows_a_startup_and_reads_it_back(api, analyst):
    StartupFactory(slug="zhipu")

    response = api.post(LIST, {"startup": "zhipu"})

    assert response.status_code == 201
    item = WatchItem.objects.get(user=analyst)
    body = response.json()
    assert body == {
        "id": item.pk,
        "kind": "startup",
        "startup": "zhipu",
        "investor": None,
        "search": "",
        "link": "http://testserver/startups/zhipu/",
        "created": item.created_at.isoformat().replace("+00:00", "Z"),
    }
    assert api.get(f"{LIST}{item.pk}/").json() == body
    assert Follower.objects.get(user=analyst).language == "en"


def test_an_investor_and_a_search_are_followed_and_listed_newest_first(api):
    InvestorFactory(slug="tencent")
    investor = api.post(LIST, {"investor": "tencent"}).json()

    search = api.post(LIST, {"search": "?sort=-amount&investor=tencent&ai=1"}).json()

    assert (investor["kind"], investor["link"]) == (
        "investor",
        "http://testserver/investors/tencent/",
    )
    assert (search["kind"], search["search"], search["link"]) == (
        "search",
        "investor=tencent&ai=1",
        "http://testserver/rounds/?investor=tencent&ai=1",
    )
    listed = api.get(LIST).json()
    assert [item["id"] for item in listed["results"]] == [search["id"], investor["id"]]
    assert listed["next"] is None


def test_a_session_works_as_well_as_a_token(analyst):
    StartupFactory(slug="zhipu")
    client = Client()
    client.force_login(analyst)

    response = client.post(LIST, {"startup": "zhipu"}, content_type="application/json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"non_field_errors": [
            "Follow exactly one thing: a startup, an investor or a search (0 given)."
        ]}),
        ({"startup": "zhipu", "investor": "tencent"}, {"non_field_errors": [
            "Follow exactly one thing: a startup, an investor or a search (2 given)."
        ]}),
        ({"startup": "nobody"}, {"startup": ["No startup has the slug nobody."]}),
        ({"investor": "nobody"}, {"investor": ["No investor has the slug nobody."]}),
        ({"search": "investor=nobody"}, {"search": ["Investors: nobody is unknown."]}),
        ({"search": "sort=-amount"}, {"search": [
            "This search has no filter: choose at least one on the rounds page."
        ]}),
        ({"search": "since=soon"}, {"search": ["From: Enter a valid date."]}),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field(api, body, errors):
    StartupFactory(slug="zhipu")
    InvestorFactory(slug="tencent")

    response = api.post(LIST, body)

    assert (response.status_code, response.json()) == (400, errors)
    assert not WatchItem.objects.exists()


def test_a_duplicate_is_a_400(api):
    StartupFactory(slug="zhipu")
    api.post(LIST, {"startup": "zhipu"})
    api.post(LIST, {"search": "ai=1&city=Beijing"})

    assert api.post(LIST, {"startup": "zhipu"}).json() == {
        "startup": ["You already follow this startup."]
    }
    assert api.post(LIST, {"search": "city=Beijing&ai=1"}).json() == {
        "search": ["You already saved this search."]
    }
    assert WatchItem.objects.count() == 2


def test_errors_follow_the_language_of_the_request(api):
    response = api.post(LIST, {"search": "page=2"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.json() == {"search": ["这个搜索没有筛选条件：请在融资轮次页面至少选择一项。"]}  # noqa: RUF001


def test_nobody_sees_or_deletes_another_users_items(api, analyst):
    mine = WatchItemFactory(user=analyst)
    theirs = WatchItemFactory()

    assert [item["id"] for item in api.get(LIST).json()["results"]] == [mine.pk]
    assert api.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert api.delete(f"{LIST}{theirs.pk}/").status_code == 404
    assert api.delete(f"{LIST}{mine.pk}/").status_code == 204
    assert list(WatchItem.objects.all()) == [theirs]


def test_an_item_is_not_changed_in_place(api, analyst):
    item = WatchItemFactory(user=analyst)

    assert api.patch(f"{LIST}{item.pk}/", {"startup": None}).status_code == 405


def test_anonymous_callers_are_refused():
    anonymous = Caller(Client())

    assert anonymous.get(LIST).status_code == 401
    assert anonymous.post(LIST, {"search": "ai=1"}).status_code == 401
    assert anonymous.get(SETTINGS).status_code == 401


def test_the_settings_are_read_and_changed(api, analyst):
    FollowerFactory(user=analyst, feed_secret="abc")

    assert api.get(SETTINGS).json() == {
        "email_mode": "immediate",
        "language": "en",
        "feed_url": "http://testserver/feeds/watchlist/abc.atom",
    }
    response = api.patch(SETTINGS, {"email_mode": "digest", "language": "zh-hans"})

    assert response.json()["email_mode"] == "digest"
    assert Follower.objects.filter(email_mode="digest", language="zh-hans").count() == 1
    assert api.patch(SETTINGS, {"language": "en"}).json()["email_mode"] == "digest"
    refused = api.patch(SETTINGS, {"email_mode": "weekly"})
    assert (refused.status_code, refused.json()) == (
        400,
        {"email_mode": ['"weekly" is not a valid choice.']},
    )


def test_the_settings_of_a_new_user_start_with_a_feed_secret(api, analyst):
    settings = api.get(SETTINGS).json()

    secret = Follower.objects.get(user=analyst).feed_secret
    assert settings["feed_url"] == f"http://testserver/feeds/watchlist/{secret}.atom"
    assert len(secret) == 43
