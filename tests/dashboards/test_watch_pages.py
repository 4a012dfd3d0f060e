"""The analysts' sign-in and their watchlist pages: follow and unfollow buttons on startup and
investor pages, "save this search" on /rounds/, and /watchlist/ with its alerts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from dashboards.models import Follower, WatchItem
from tests.factories import (
    AlertFactory,
    ClaimFactory,
    ComputeDealFactory,
    FollowerFactory,
    FundingRoundFactory,
    InvestorFactory,
    SourceFactory,
    StartupFactory,
    UserFactory,
    ValuationMarkFactory,
    WatchItemFactory,
)

# ruff: noqa: RUF001 (the Chinese strings use full-width punctuation)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def analyst():
    return UserFactory(username="analyst")


@pytest.fixture
def signed_in(analyst) -> Client:
    client = Client()
    client.force_login(analyst)
    return client


def text(response) -> str:
    """The page's words, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Sign-in --------------------------------------------------------------------------------


def test_an_analyst_who_is_not_staff_signs_in_and_is_sent_back(analyst):
    client = Client()

    response = client.post(
        "/login/", {"username": "analyst", "password": PASSWORD, "next": "/startups/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/startups/"
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_without_next_the_sign_in_leads_to_the_watchlist(analyst):
    response = Client().post("/login/", {"username": "analyst", "password": PASSWORD})

    assert response["Location"] == "/watchlist/"


def test_a_wrong_password_shows_the_form_again_with_its_error(analyst):
    response = Client().post("/zh-hans/login/", {"username": "analyst", "password": "wrong"})

    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码。注意，两者都区分大小写。" in text(response)


def test_the_sign_in_page_is_translated_and_the_nav_offers_it():
    english, chinese = Client().get("/login/"), Client().get("/zh-hans/login/")

    assert 'action="/login/"' in english.content.decode()
    assert 'action="/zh-hans/login/"' in chinese.content.decode()
    assert "<h1>登录</h1>" in chinese.content.decode()
    page = Client().get("/rounds/").content.decode()
    assert 'href="/login/?next=/rounds/" id="sign-in"' in page


def test_a_signed_in_analyst_sees_the_watchlist_and_signs_out(signed_in):
    page = signed_in.get("/rounds/").content.decode()
    assert 'href="/watchlist/" id="nav-watchlist"' in page
    assert 'action="/logout/"' in page

    response = signed_in.post("/logout/")

    assert response["Location"] == "/"
    assert "_auth_user_id" not in signed_in.session


# --- Follow buttons ---------------------------------------------------------------------------


def test_an_anonymous_visitor_is_asked_to_sign_in_to_follow():
    StartupFactory(slug="zhipu")

    page = Client().get("/startups/zhipu/").content.decode()

    assert '<a href="/login/?next=/startups/zhipu/" id="follow">Sign in to follow</a>' in page


def test_following_and_unfollowing_a_startup_from_its_page(signed_in, analyst):
    startup = StartupFactory(slug="zhipu", name_en="Zhipu AI")
    assert 'name="startup" value="zhipu"' in signed_in.get("/startups/zhipu/").content.decode()

    response = signed_in.post(
        "/watchlist/add/", {"startup": "zhipu", "next": "/startups/zhipu/"}, follow=True
    )

    item = WatchItem.objects.get(user=analyst)
    assert item.startup == startup
    assert response.redirect_chain == [("/startups/zhipu/", 302)]
    assert flashed(response) == [f"Added to your watchlist: {startup}."]
    assert f'action="/watchlist/items/{item.pk}/delete/"' in response.content.decode()

    response = signed_in.post(
        f"/watchlist/items/{item.pk}/delete/", {"next": "/startups/zhipu/"}, follow=True
    )

    assert not WatchItem.objects.exists()
    assert response.redirect_chain == [("/startups/zhipu/", 302)]
    assert 'id="follow">Follow</button>' in response.content.decode()


def test_following_an_investor_in_chinese_keeps_the_language(signed_in, analyst):
    InvestorFactory(slug="tencent")

    response = signed_in.post(
        "/zh-hans/watchlist/add/", {"investor": "tencent", "next": "/zh-hans/investors/tencent/"}
    )

    assert response["Location"] == "/zh-hans/investors/tencent/"
    assert WatchItem.objects.get().investor.slug == "tencent"
    assert Follower.objects.get().language == "zh-hans"
    page = signed_in.get("/zh-hans/investors/tencent/").content.decode()
    assert "在你的关注列表中" in page


def test_following_twice_says_so_and_a_foreign_next_is_ignored(signed_in):
    StartupFactory(slug="zhipu")
    signed_in.post("/watchlist/add/", {"startup": "zhipu"}, follow=True)

    response = signed_in.post(
        "/watchlist/add/", {"startup": "zhipu", "next": "https://evil.example/"}, follow=True
    )

    assert response.redirect_chain == [("/watchlist/", 302)]
    assert flashed(response) == ["You already follow this startup."]
    assert WatchItem.objects.count() == 1


def test_an_unknown_slug_is_not_found(signed_in):
    assert signed_in.post("/watchlist/add/", {"startup": "nobody"}).status_code == 404


def test_anonymous_writes_go_to_the_sign_in_page():
    StartupFactory(slug="zhipu")

    response = Client().post("/watchlist/add/", {"startup": "zhipu"})

    assert response["Location"] == "/login/?next=/watchlist/add/"
    assert not WatchItem.objects.exists()


def test_nobody_removes_another_users_item(signed_in):
    theirs = WatchItemFactory()

    assert signed_in.post(f"/watchlist/items/{theirs.pk}/delete/").status_code == 404
    assert WatchItem.objects.get() == theirs


# --- Save this search --------------------------------------------------------------------------


def test_save_this_search_is_offered_only_when_the_rounds_are_filtered(signed_in):
    InvestorFactory(slug="tencent")

    filtered = signed_in.get("/rounds/?investor=tencent&investor=nobody&sort=-amount")
    unfiltered = signed_in.get("/rounds/?sort=-amount")

    assert 'name="search" value="investor=tencent&amp;sort=-amount"' in filtered.content.decode()
    assert 'id="save-search"' not in unfiltered.content.decode()
    assert 'href="/login/?next=/rounds/%3Fai%3D1" id="save-search"' in (
        Client().get("/rounds/?ai=1").content.decode()
    )


def test_saving_a_search_stores_it_normalised(signed_in, analyst):
    response = signed_in.post(
        "/watchlist/add/", {"search": "ai=1&sort=-amount", "next": "/rounds/?ai=1&sort=-amount"}
    )

    assert response["Location"] == "/rounds/?ai=1&sort=-amount"
    assert WatchItem.objects.get(user=analyst).search == "ai=1"


def test_a_search_that_cannot_be_saved_says_why(signed_in):
    response = signed_in.post("/watchlist/add/", {"search": "startup=nobody"}, follow=True)

    assert flashed(response) == ["Startups: nobody is unknown."]
    assert not WatchItem.objects.exists()


# --- /watchlist/ ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in():
    assert Client().get("/watchlist/")["Location"] == "/login/?next=/watchlist/"
    assert Client().get("/zh-hans/watchlist/")["Location"] == (
        "/zh-hans/login/?next=/zh-hans/watchlist/"
    )


def test_the_watchlist_lists_the_items_with_remove_buttons_and_the_settings(signed_in, analyst):
    zhipu = WatchItemFactory(user=analyst, startup=StartupFactory(slug="zhipu", name_en="Zhipu"))
    tencent = WatchItemFactory(
        user=analyst, startup=None, investor=InvestorFactory(slug="tencent", name_en="Tencent")
    )
    search = WatchItemFactory(user=analyst, startup=None, search="ai=1")
    WatchItemFactory()  # someone else's

    response = signed_in.get("/watchlist/")

    page = response.content.decode()
    assert [item.pk for item in response.context["items"]] == [search.pk, tencent.pk, zhipu.pk]
    for item in (zhipu, tencent, search):
        assert f'action="/watchlist/items/{item.pk}/delete/"' in page
    assert 'href="/startups/zhipu/">Zhipu</a>' in page
    assert 'href="/investors/tencent/">Tencent</a>' in page
    assert 'href="/rounds/?ai=1">ai=1</a>' in page
    assert 'value="immediate" checked' in page
    secret = Follower.objects.get(user=analyst).feed_secret
    assert f'href="http://testserver/feeds/watchlist/{secret}.atom" id="feed-url"' in page


def test_the_email_mode_is_set_from_the_page(signed_in, analyst):
    response = signed_in.post("/zh-hans/watchlist/settings/", {"email_mode": "digest"}, follow=True)

    follower = Follower.objects.get(user=analyst)
    assert (follower.email_mode, follower.language) == ("digest", "zh-hans")
    assert 'value="digest" checked' in response.content.decode()

    response = signed_in.post("/watchlist/settings/", {"email_mode": "hourly"}, follow=True)
    assert flashed(response) == ["Choose one of immediate, digest, off."]
    assert Follower.objects.get(user=analyst).email_mode == "digest"


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


def test_alerts_are_newest_first_and_those_since_the_visit_before_are_new(signed_in, analyst):
    FollowerFactory(user=analyst, last_visit_at=at(10), previous_visit_at=at(5))
    old = AlertFactory(user=analyst, raised_at=at(8))
    new = AlertFactory(user=analyst, raised_at=at(11))
    newest = AlertFactory(user=analyst, raised_at=at(12))
    AlertFactory(raised_at=at(12))  # someone else's

    response = signed_in.get("/watchlist/")

    alerts = response.context["alerts"]
    assert [(alert.pk, alert.is_new) for alert in alerts] == [
        (newest.pk, True),
        (new.pk, True),
        (old.pk, False),
    ]
    assert "2 new since your last visit (2026-03-10 12:00 UTC)" in text(response)
    follower = Follower.objects.get(user=analyst)
    assert follower.previous_visit_at == at(10)

    again = signed_in.get("/watchlist/")

    assert [alert.is_new for alert in again.context["alerts"]] == [False, False, False]


def test_each_alert_shows_its_record_with_its_bound_link_and_source(signed_in, analyst):
    startup = StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")
    source = SourceFactory(url="https://example.com/zhipu-b")
    funding_round = FundingRoundFactory(
        startup=startup,
        round_label="Series B",
        announced_on=dt.date(2024, 6, 1),
        amount=Decimal("300000000"),
        amount_qualifier="at_least",
    )
    funding_round.sources.add(source)
    mark = ValuationMarkFactory(
        startup=startup, value=Decimal("3000000000"), value_qualifier="approx"
    )
    deal = ComputeDealFactory(startup=startup, quantity=10000, quantity_qualifier="at_least")
    claim = ClaimFactory(round=funding_round, value=Decimal("280000000"), qualifier="approx")
    AlertFactory(user=analyst, record_id=funding_round.pk, raised_at=at(1))
    AlertFactory(
        user=analyst,
        kind="valuation",
        event="valuation.created",
        record_id=mark.pk,
        raised_at=at(2),
    )
    AlertFactory(
        user=analyst,
        kind="compute_deal",
        event="compute_deal.created",
        record_id=deal.pk,
        raised_at=at(3),
    )
    AlertFactory(
        user=analyst, kind="claim", event="claim.created", record_id=claim.pk, raised_at=at(4)
    )
    AlertFactory(user=analyst, kind="round", event="round.deleted", record_id=0, raised_at=at(5))

    english, chinese = signed_in.get("/watchlist/"), signed_in.get("/zh-hans/watchlist/")

    assert [alert.summary and alert.summary.title for alert in english.context["alerts"]] == [
        None,
        "Zhipu AI · Series B, amount claimed · ≈ $280M",
        "Zhipu AI · chip purchase H100 · ≥ 10,000",
        "Zhipu AI · valuation (press report) · ≈ $3.0B",
        "Zhipu AI · Series B · ≥ $300M",
    ]
    page = english.content.decode()
    assert f'<a href="/startups/zhipu/#round-{funding_round.pk}">Zhipu AI</a> · 2024-06-01' in page
    assert 'href="https://example.com/zhipu-b" rel="noopener external"' in page
    assert f'href="{claim.source.url}" rel="noopener external"' in page
    assert "round.deleted #0 (deleted since)" in text(english)
    assert [alert.summary and alert.summary.figure for alert in chinese.context["alerts"]] == [
        None,
        "≈ 2.8亿美元",
        "≥ 1万",
        "≈ 30亿美元",
        "≥ 3亿美元",
    ]
    assert f'<a href="/zh-hans/startups/zhipu/#round-{funding_round.pk}">智谱</a>' in (
        chinese.content.decode()
    )


def test_the_watchlist_reads_a_fixed_number_of_queries(
    signed_in, analyst, django_assert_num_queries
):
    def alerts_of_every_kind(count: int) -> None:
        for _ in range(count):
            funding_round = FundingRoundFactory()
            funding_round.sources.add(SourceFactory())
            AlertFactory(user=analyst, record_id=funding_round.pk)
            AlertFactory(user=analyst, kind="valuation", record_id=ValuationMarkFactory().pk)
            AlertFactory(user=analyst, kind="compute_deal", record_id=ComputeDealFactory().pk)
            AlertFactory(user=analyst, kind="claim", record_id=ClaimFactory().pk)
            WatchItemFactory(user=analyst)

    alerts_of_every_kind(1)
    signed_in.get("/watchlist/")  # the follower exists from here on
    with django_assert_num_queries(16) as first:
        signed_in.get("/watchlist/")
    alerts_of_every_kind(5)

    with django_assert_num_queries(len(first.captured_queries)):
        response = signed_in.get("/watchlist/")

    assert len(response.context["alerts"]) == 24
