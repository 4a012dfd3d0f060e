"""Reads of watchlists: a user's items and alerts, what a record page's follow button shows,
the follower behind a private feed, and the newest rounds for the public feed."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from deals.models import FundingRound, Investor
from startups.models import Startup

from .models import Alert, Follower, WatchItem
from .watch_records import attach_summaries

# The alerts /watchlist/ and the private feed show: the newest, enough for weeks of news.
ALERTS_SHOWN = 100
# The public feed's entries: the rounds entered last.
FEED_ROUNDS = 50


def watch_items(user: AbstractBaseUser) -> QuerySet[WatchItem]:
    """The user's items, newest first, with the startup or investor they follow (none for an
    anonymous visitor, who has no watchlist)."""
    if not user.is_authenticated:
        return WatchItem.objects.none()
    return WatchItem.objects.filter(user=user).select_related("startup", "investor")


def followed_item(
    user: AbstractBaseUser, *, startup: Startup | None = None, investor: Investor | None = None
) -> WatchItem | None:
    """The user's item following this startup or investor, if they follow it."""
    if not user.is_authenticated:
        return None
    if startup is not None:
        return WatchItem.objects.filter(user=user, startup=startup).first()
    return WatchItem.objects.filter(user=user, investor=investor).first()


def follower_of(user: AbstractBaseUser) -> Follower | None:
    return Follower.objects.filter(user=user).first()


def follower_by_secret(secret: str) -> Follower | None:
    return Follower.objects.filter(feed_secret=secret).select_related("user").first()


def recent_alerts(user: AbstractBaseUser, limit: int = ALERTS_SHOWN) -> list[Alert]:
    """The user's newest alerts, each with `summary`, the record it is about in words (None
    once that record is deleted), and `watch_item`, what matched it."""
    alerts = list(
        Alert.objects.filter(user=user)
        .select_related("watch_item__startup", "watch_item__investor")
        .order_by("-created_at", "-id")[:limit]
    )
    return list(attach_summaries(alerts))


def newest_rounds(limit: int = FEED_ROUNDS) -> list[FundingRound]:
    """The rounds entered last (by when they were stored, not announced), sources at hand."""
    return list(
        FundingRound.objects.select_related("startup")
        .prefetch_related("sources")
        .order_by("-created_at", "-id")[:limit]
    )
