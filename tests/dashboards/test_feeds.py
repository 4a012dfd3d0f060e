"""Atom feeds: the newest rounds (/feeds/rounds.atom) and a follower's alerts at their secret
address (/feeds/watchlist/<secret>.atom), each valid Atom 1.0 (RFC 4287): checked element by
element with an XML parser."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import (
    AlertFactory,
    FollowerFactory,
    FundingRoundFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rfc3339(text: str | None) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text or "")
    assert moment.tzinfo is not None, text
    return moment


def atom(response) -> ET.Element:
    """The feed, after checking what RFC 4287 requires of it and of each entry."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for element in (feed, *feed.findall(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{required}")) == 1, (element.tag, required)
        rfc3339(element.findtext(f"{ATOM}updated"))
        alternates = [
            link for link in element.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        assert len(alternates) == 1, element.tag
        assert alternates[0].get("href", "").startswith("http://testserver/")
    # An author for the feed stands for every entry without one.
    assert feed.findtext(f"{ATOM}author/{ATOM}name")
    return feed


def entries(feed: ET.Element) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": next(
                link.get("href")
                for link in entry.findall(f"{ATOM}link")
                if link.get("rel") == "alternate"
            ),
            "sources": [
                link.get("href")
                for link in entry.findall(f"{ATOM}link")
                if link.get("rel") == "related"
            ],
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def zhipu_round():
    startup = StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")
    funding_round = FundingRoundFactory(
        startup=startup,
        round_label="Series B",
        amount=Decimal("300000000"),
        amount_qualifier="at_least",
    )
    funding_round.sources.add(SourceFactory(url="https://example.com/zhipu-b"))
    return funding_round


def test_the_rounds_feed_lists_the_rounds_entered_last_with_bounds_and_sources(zhipu_round):
    older = FundingRoundFactory(round_label="Seed", amount=None)
    type(older).objects.filter(pk=older.pk).update(
        created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )

    feed = atom(Client().get("/feeds/rounds.atom"))

    assert feed.findtext(f"{ATOM}title") == "New funding rounds · China AI Unicorn Tracker"
    assert entries(feed) == [
        {
            "title": "Zhipu AI · Series B · ≥ $300M",
            "link": f"http://testserver/startups/zhipu/#round-{zhipu_round.pk}",
            "sources": ["https://example.com/zhipu-b"],
        },
        {
            "title": f"{older.startup.name_en} · Seed · undisclosed",
            "link": f"http://testserver/startups/{older.startup.slug}/#round-{older.pk}",
            "sources": [],
        },
    ]
    first = feed.find(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}id") == f"tag:unicorn-tracker,2024:round/{zhipu_round.pk}"
    zhipu_round.refresh_from_db()
    assert rfc3339(first.findtext(f"{ATOM}updated")) == zhipu_round.updated_at
    older.refresh_from_db()  # written after the other: the feed's latest change
    assert rfc3339(feed.findtext(f"{ATOM}updated")) == older.updated_at


def test_the_rounds_feed_holds_the_last_fifty(zhipu_round):
    FundingRoundFactory.create_batch(50)

    feed = atom(Client().get("/feeds/rounds.atom"))

    assert len(entries(feed)) == 50
    assert zhipu_round.round_label not in [entry["title"] for entry in entries(feed)]


def test_the_rounds_feed_speaks_chinese_under_its_prefix(zhipu_round):
    feed = atom(Client().get("/zh-hans/feeds/rounds.atom"))

    assert feed.findtext(f"{ATOM}title") == "最新融资轮次 · 中国 AI 独角兽追踪"
    assert entries(feed)[0]["title"] == "智谱 · Series B · ≥ 3亿美元"
    assert entries(feed)[0]["link"].startswith("http://testserver/zh-hans/startups/zhipu/")


def test_an_empty_feed_is_still_valid():
    feed = atom(Client().get("/feeds/rounds.atom"))

    assert entries(feed) == []


def test_a_watchlist_feed_holds_its_followers_alerts_only(zhipu_round, settings):
    settings.API_REQUIRE_LOGIN_FOR_READS = True  # the secret is the credential
    follower = FollowerFactory(feed_secret="s3cret-for-zhipu")
    AlertFactory(user=follower.user, record_id=zhipu_round.pk)
    AlertFactory(user=follower.user, event="round.deleted", record_id=0)
    AlertFactory(record_id=zhipu_round.pk)  # someone else's

    feed = atom(Client().get("/feeds/watchlist/s3cret-for-zhipu.atom"))

    assert feed.findtext(f"{ATOM}title") == "Your watchlist · China AI Unicorn Tracker"
    assert entries(feed) == [
        {
            "title": "Deleted: round #0",
            "link": "http://testserver/watchlist/",
            "sources": [],
        },
        {
            "title": "New: Zhipu AI · Series B · ≥ $300M",
            "link": f"http://testserver/startups/zhipu/#round-{zhipu_round.pk}",
            "sources": ["https://example.com/zhipu-b"],
        },
    ]


def test_an_unknown_secret_is_not_found():
    FollowerFactory(feed_secret="the-real-one")

    assert Client().get("/feeds/watchlist/a-guess.atom").status_code == 404
    assert Client().get("/feeds/watchlist/the-real-on.atom").status_code == 404
