"""Atom 1.0 feeds (Django's syndication framework): the newest rounds, for anyone who may read
the pages, and each follower's alerts at a secret address, for a feed reader that cannot sign
in. Entries link to the startup's page and, as `related` links, to their sources."""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from deals.models import FundingRound

from .models import Alert, Follower
from .watch_records import RecordSummary, round_summary
from .watch_selectors import follower_by_secret, newest_rounds, recent_alerts

SITE_NAME = gettext_lazy("China AI Unicorn Tracker")


class SourcedAtomFeed(Atom1Feed):
    """Atom, each entry with a `related` link per source of its figure."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        for url in item.get("source_urls", []):
            handler.addQuickElement("link", "", {"href": url, "rel": "related"})


class TrackerFeed(Feed):
    """An entry per record (a round, an alert), named for good by its kind and id."""

    feed_type = SourcedAtomFeed
    author_name = SITE_NAME
    entry_kind: str
    item_guid_is_permalink = False

    def item_guid(self, item) -> str:
        return f"tag:unicorn-tracker,2024:{self.entry_kind}/{item.pk}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        # An alert is never updated: its time is when it was raised.
        return getattr(item, "updated_at", item.created_at)

    def language(self) -> str:
        return get_language()

    def item_link(self, item) -> str:
        summary = self.summary_of(item)
        return summary.url if summary else reverse("dashboards:watchlist")

    def item_extra_kwargs(self, item) -> dict:
        summary = self.summary_of(item)
        return {"source_urls": summary.source_urls if summary else []}

    def summary_of(self, item) -> RecordSummary | None:
        raise NotImplementedError


class RoundsFeed(TrackerFeed):
    """The rounds entered last, newest first; behind the sign-in when the pages are."""

    entry_kind = "round"

    def title(self) -> str:
        return _("New funding rounds · %(site)s") % {"site": SITE_NAME}

    def subtitle(self) -> str:
        return _("Every round as it is entered, with its amount as the source gives it.")

    def link(self) -> str:
        return reverse("dashboards:rounds")

    def items(self) -> list[FundingRound]:
        rounds = newest_rounds()
        for funding_round in rounds:
            funding_round.summary = round_summary(funding_round)
        return rounds

    def summary_of(self, item: FundingRound) -> RecordSummary:
        return item.summary

    def item_title(self, item: FundingRound) -> str:
        return item.summary.title

    def item_description(self, item: FundingRound) -> str:
        return _("%(startup)s announced %(round)s on %(date)s: %(amount)s.") % {
            "startup": item.summary.name,
            "round": item.round_label,
            "date": item.summary.date,
            "amount": item.summary.figure,
        }


EVENT_TITLES = {
    "created": gettext_lazy("New"),
    "updated": gettext_lazy("Changed"),
    "deleted": gettext_lazy("Deleted"),
}


class WatchlistFeed(TrackerFeed):
    """One follower's alerts, newest first, at /feeds/watchlist/<feed secret>.atom."""

    entry_kind = "alert"

    def get_object(self, request: HttpRequest, secret: str) -> Follower:
        follower = follower_by_secret(secret)
        if follower is None:
            raise Http404
        return follower

    def title(self, follower: Follower) -> str:
        return _("Your watchlist · %(site)s") % {"site": SITE_NAME}

    def link(self) -> str:
        return reverse("dashboards:watchlist")

    def items(self, follower: Follower) -> list[Alert]:
        return recent_alerts(follower.user)

    def summary_of(self, item: Alert) -> RecordSummary | None:
        return item.summary

    def item_title(self, item: Alert) -> str:
        action = EVENT_TITLES.get(item.event.rpartition(".")[2], item.event)
        about = item.summary.title if item.summary else f"{item.kind} #{item.record_id}"
        return f"{action}: {about}"

    def item_description(self, item: Alert) -> str:
        if item.summary is None:
            return _("This record has since been deleted.")
        return f"{item.summary.date} · {item.summary.title}"
