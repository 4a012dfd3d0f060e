"""Watchlist services: following startups and investors, saving /rounds/ searches (validated
and normalised by the rounds page's own form), the Follower row and its settings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dashboards.models import Follower, WatchItem
from dashboards.watch_services import (
    follower_get_or_create,
    follower_settings_update,
    follower_visit,
    normalised_search,
    watch_item_create,
    watch_item_delete,
)
from tests.factories import InvestorFactory, StartupFactory, UserFactory, WatchItemFactory

# ruff: noqa: RUF001 (the Chinese strings use full-width punctuation)

pytestmark = pytest.mark.django_db


def refusal(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict


def test_the_first_follow_creates_the_follower_with_a_random_secret_and_the_language():
    user = UserFactory()
    startup = StartupFactory()

    item = watch_item_create(user=user, startup=startup, language="zh-hans")

    follower = Follower.objects.get(user=user)
    assert (item.startup, item.investor, item.search) == (startup, None, "")
    assert follower.language == "zh-hans"
    assert follower.email_mode == "immediate"
    assert len(follower.feed_secret) == 43
    assert follower_get_or_create(user=UserFactory()).feed_secret != follower.feed_secret


def test_a_second_follow_keeps_the_follower():
    user = UserFactory()
    watch_item_create(user=user, startup=StartupFactory(), language="zh-hans")
    secret = Follower.objects.get(user=user).feed_secret

    watch_item_create(user=user, investor=InvestorFactory(), language="en")

    assert list(Follower.objects.values_list("feed_secret", "language")) == [(secret, "zh-hans")]


def test_following_the_same_startup_or_investor_twice_is_refused_with_a_message():
    user = UserFactory()
    startup, investor = StartupFactory(), InvestorFactory()
    watch_item_create(user=user, startup=startup)
    watch_item_create(user=user, investor=investor)

    assert refusal(watch_item_create, user=user, startup=startup) == {
        "startup": ["You already follow this startup."]
    }
    assert refusal(watch_item_create, user=user, investor=investor) == {
        "investor": ["You already follow this investor."]
    }
    assert WatchItem.objects.count() == 2


def test_a_follow_racing_an_identical_one_is_refused_with_the_same_message(monkeypatch):
    """Two identical requests at once: both checks see nothing, the database refuses the
    second save, and the second request still gets the message, not a server error."""
    user, startup = UserFactory(), StartupFactory()
    watch_item_create(user=user, startup=startup)
    validate = WatchItem.validate_constraints
    calls = []

    def check_that_misses_the_other_save(item, *args, **kwargs):
        calls.append(item)
        if len(calls) > 1:
            validate(item, *args, **kwargs)

    monkeypatch.setattr(WatchItem, "validate_constraints", check_that_misses_the_other_save)

    assert refusal(watch_item_create, user=user, startup=startup) == {
        "startup": ["You already follow this startup."]
    }
    assert WatchItem.objects.count() == 1


def test_another_user_may_follow_the_same_startup():
    startup = StartupFactory()
    watch_item_create(user=UserFactory(), startup=startup)

    watch_item_create(user=UserFactory(), startup=startup)

    assert WatchItem.objects.filter(startup=startup).count() == 2


def test_exactly_one_thing_is_followed():
    user = UserFactory()

    assert refusal(watch_item_create, user=user) == {
        "__all__": ["Follow exactly one thing: a startup, an investor or a search (0 given)."]
    }
    assert refusal(watch_item_create, user=user, startup=StartupFactory(), search="ai=1") == {
        "__all__": ["Follow exactly one thing: a startup, an investor or a search (2 given)."]
    }
    assert not WatchItem.objects.exists()


def test_a_search_is_saved_as_the_rounds_page_reads_it():
    StartupFactory(slug="zhipu")
    StartupFactory(slug="moonshot")
    InvestorFactory(slug="tencent")
    query = (
        "?sort=-amount&startup=zhipu&page=3&until=2024-12-31&startup=moonshot&ai=1"
        "&currency=usd&credits=on&investor=tencent&match=any"
    )

    item = watch_item_create(user=UserFactory(), search=query)

    assert item.search == (
        "startup=moonshot&startup=zhipu&investor=tencent&ai=1&currency=USD&until=2024-12-31"
        "&credits=1"
    )


def test_two_spellings_of_one_search_are_one_saved_search():
    user = UserFactory()
    InvestorFactory(slug="alibaba")
    InvestorFactory(slug="tencent")
    watch_item_create(user=user, search="investor=tencent&investor=alibaba&match=all")

    assert refusal(
        watch_item_create, user=user, search="match=all&investor=alibaba&investor=tencent&sort=date"
    ) == {"search": ["You already saved this search."]}


def test_a_search_the_page_would_not_apply_is_refused_naming_the_problem():
    StartupFactory(slug="zhipu")

    assert refusal(normalised_search, query="startup=zhipu&startup=nobody") == {
        "search": ["Startups: nobody is unknown."]
    }
    assert refusal(normalised_search, query="since=yesterday&confidence=sure") == {
        "search": [
            "Confidence: Select a valid choice. sure is not one of the available choices.",
            "From: Enter a valid date.",
        ]
    }


def test_a_search_without_a_filter_is_refused():
    message = {"search": ["This search has no filter: choose at least one on the rounds page."]}

    for query in ("", "sort=-amount&page=2", "match=all", "q=&city="):
        assert refusal(normalised_search, query=query) == message, query


def test_the_refusal_speaks_the_active_language():
    with translation.override("zh-hans"):
        found = refusal(normalised_search, query="sort=date")

    assert found == {"search": ["这个搜索没有筛选条件：请在融资轮次页面至少选择一项。"]}


def test_a_user_deletes_only_their_own_items():
    mine, theirs = WatchItemFactory(), WatchItemFactory()

    deleted = watch_item_delete(user=mine.user, item_id=mine.pk)

    assert deleted.startup == mine.startup
    with pytest.raises(WatchItem.DoesNotExist):
        watch_item_delete(user=mine.user, item_id=theirs.pk)

    assert list(WatchItem.objects.all()) == [theirs]


def test_the_email_mode_is_one_of_three():
    user = UserFactory()

    follower = follower_settings_update(user=user, email_mode="digest", language="zh-hans")

    assert (follower.email_mode, follower.language) == ("digest", "zh-hans")
    assert refusal(follower_settings_update, user=user, email_mode="weekly") == {
        "email_mode": ["Choose one of immediate, digest, off."]
    }
    assert Follower.objects.get().email_mode == "digest"


def test_a_visit_moves_the_last_visit_to_the_previous_one():
    user = UserFactory()
    first, second = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 2, tzinfo=dt.UTC)

    follower_visit(user=user, now=first)
    follower = follower_visit(user=user, now=second)

    assert (follower.previous_visit_at, follower.last_visit_at) == (first, second)
