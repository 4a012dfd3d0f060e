"""Watchlists, followers and change-feed rows for the alert tests.

`changed(record)` writes the Change row that the database triggers write in the record's
transaction (kind, record id, action, figures_changed; txid 0 as on SQLite), so that the
matcher's tests do not depend on the triggers."""

import uuid

import factory
from django.utils import timezone

from dashboards.models import Follower, WatchItem
from deals.models import Claim, ComputeDeal, FundingRound, Participation, ValuationMark
from startups.models import Change
from tests.factories import UserFactory

KINDS = {
    FundingRound: "round",
    Participation: "participation",
    ValuationMark: "valuation",
    ComputeDeal: "compute_deal",
    Claim: "claim",
}


class WatchItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchItem

    user = factory.SubFactory(UserFactory)


class FollowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follower
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    feed_secret = factory.LazyFunction(lambda: uuid.uuid4().hex)


def changed(record, action: str = "created", *, figures_changed: bool | None = None) -> Change:
    """The feed's row for a create (figures_changed), an update or a deletion of `record`."""
    if figures_changed is None:
        figures_changed = action == "created"
    return Change.objects.create(
        kind=KINDS[type(record)],
        record_id=record.pk,
        action=action,
        figures_changed=figures_changed,
        occurred_at=timezone.now(),
    )


def follows(user, **thing) -> WatchItem:
    """`user` follows a startup, an investor or a search (`startup=`, `investor=`, `search=`)."""
    return WatchItemFactory(user=user, **thing)
