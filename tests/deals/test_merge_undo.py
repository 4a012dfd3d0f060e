"""Undoing a merge from its record."""

import datetime as dt

import pytest

from dashboards.models import Alert, WatchItem
from deals.merge_relations import MergeRefused
from deals.merge_undo import undo_merge
from deals.merging import merge_investors, merge_startups
from deals.models import FundingRound, Investor, Participation, ValuationMark
from startups.models import PendingRefresh, Startup
from tests.factories import (
    AlertFactory,
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    SourceFactory,
    StaffFactory,
    StartupFactory,
    TagFactory,
    UserFactory,
    ValuationMarkFactory,
    WatchItemFactory,
)

pytestmark = pytest.mark.django_db

COMPARED = ["slug", "name_en", "name_zh", "aliases", "city", "founders", "founded_on", "wikidata"]


def fields(record, names=COMPARED):
    record.refresh_from_db()
    return {name: getattr(record, name) for name in names}


@pytest.fixture
def pair():
    survivor = StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="", city="")
    merged = StartupFactory(
        slug="beijing-moonshot",
        name_en="Beijing Moonshot Technology",
        name_zh="月之暗面",
        aliases="Kimi",
        founders="Yang Zhilin",
        founded_on=dt.date(2023, 3, 1),
        wikidata="Q123456",
    )
    return survivor, merged


def test_undo_restores_both_records_and_every_row_exactly(pair):
    survivor, merged = pair
    merged.tags.add(TagFactory(slug="llm"))
    merged.sources.add(SourceFactory())
    round_b = FundingRoundFactory(startup=merged)
    mark = ValuationMarkFactory(startup=merged)
    round_a = FundingRoundFactory(startup=survivor)
    user, both = UserFactory(), UserFactory()
    follow = WatchItemFactory(user=user, startup=merged)
    duplicate = WatchItemFactory(user=both, startup=merged)
    WatchItemFactory(user=both, startup=survivor)
    alert = AlertFactory(user=both, watch_item=duplicate)
    before_a, before_b = fields(survivor), fields(merged)
    tags, sources = list(merged.tags.all()), list(merged.sources.all())
    merge = merge_startups(survivor, merged)
    staff = StaffFactory()

    undo_merge(merge, staff)

    restored = Startup.objects.get(pk=merged.pk)
    assert fields(restored) == before_b
    assert fields(survivor) == before_a
    assert (list(restored.tags.all()), list(restored.sources.all())) == (tags, sources)
    assert list(survivor.tags.all()) == []
    assert FundingRound.objects.get(pk=round_b.pk).startup_id == merged.pk
    assert FundingRound.objects.get(pk=round_a.pk).startup_id == survivor.pk
    assert ValuationMark.objects.get(pk=mark.pk).startup_id == merged.pk
    assert WatchItem.objects.get(pk=follow.pk).startup_id == merged.pk
    assert WatchItem.objects.get(pk=duplicate.pk).startup_id == merged.pk
    assert Alert.objects.get(pk=alert.pk).watch_item_id == duplicate.pk
    merge.refresh_from_db()
    assert merge.undone and merge.undone_by == staff
    assert PendingRefresh.objects.last().full
    assert restored.history.first().history_change_reason == (
        "undid merge of beijing-moonshot into moonshot"
    )


def test_a_field_edited_since_the_merge_keeps_its_edit(pair):
    survivor, merged = pair
    merge = merge_startups(survivor, merged)
    Startup.objects.filter(pk=survivor.pk).update(founders="Yang Zhilin, Zhou Xinyu")

    undo_merge(merge)

    assert fields(survivor, ["founders"]) == {"founders": "Yang Zhilin, Zhou Xinyu"}


def test_undo_is_refused_when_a_moved_row_changed_owner(pair):
    survivor, merged = pair
    round_b = FundingRoundFactory(startup=merged)
    merge = merge_startups(survivor, merged)
    other = StartupFactory()
    FundingRound.objects.filter(pk=round_b.pk).update(startup=other)

    with pytest.raises(MergeRefused, match="has been given to another record"):
        undo_merge(merge)
    assert not Startup.objects.filter(pk=merged.pk).exists()
    merge.refresh_from_db()
    assert not merge.undone


def test_undo_is_refused_when_the_survivor_is_gone_or_it_was_undone(pair):
    survivor, merged = pair
    merge = merge_startups(survivor, merged)
    undo_merge(merge)
    with pytest.raises(MergeRefused, match="already been undone"):
        undo_merge(merge)

    merge = merge_startups(survivor, Startup.objects.get(pk=merged.pk))
    third = StartupFactory(slug="kimi")
    merge_startups(third, survivor)
    with pytest.raises(MergeRefused, match="no longer exists"):
        undo_merge(merge)


def test_undoing_an_investor_merge_restores_the_tree():
    parent = InvestorFactory(slug="alibaba-group")
    merged = InvestorFactory(slug="alibaba-holding", parent=parent)
    survivor = InvestorFactory(slug="alibaba", parent=merged)
    cloud = InvestorFactory(slug="aliyun", parent=merged)
    stake = ParticipationFactory(investor=merged)
    merge = merge_investors(survivor, merged)
    survivor.refresh_from_db()
    assert survivor.parent_id == parent.pk

    undo_merge(merge)

    survivor.refresh_from_db()
    assert survivor.parent_id == merged.pk
    assert Investor.objects.get(pk=merged.pk).parent_id == parent.pk
    assert Investor.objects.get(pk=cloud.pk).parent_id == merged.pk
    assert Participation.objects.get(pk=stake.pk).investor_id == merged.pk
