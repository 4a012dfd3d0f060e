"""Merging a duplicate startup or investor (B) into the one that stays (A)."""

import datetime as dt

import pytest

from dashboards.models import Alert, WatchItem
from deals.merge_relations import RELATIONS, MergeRefused, unclassified_relations
from deals.merging import merge_investors, merge_preview, merge_startups
from deals.models import (
    Claim,
    ComputeDeal,
    FundingRound,
    Investor,
    InvestorAncestry,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from deals.services import investor_ancestry_rebuild
from startups.models import Merge, ModelProduct, PendingRefresh, Startup
from tests.factories import (
    AlertFactory,
    ClaimFactory,
    ComputeDealFactory,
    FundingRoundFactory,
    InvestorFactory,
    ModelProductFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    SourceFactory,
    StaffFactory,
    StartupFactory,
    TagFactory,
    UserFactory,
    ValuationMarkFactory,
    WatchItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Startup, Investor])
def test_every_relation_to_startups_and_investors_has_a_merge_policy(model):
    assert unclassified_relations(model) == []
    assert set(RELATIONS[model]) == {
        f"{rel.related_model._meta.label}.{rel.field.name}"
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and not rel.related_model._meta.model_name.startswith("historical")
    }


@pytest.fixture
def pair():
    """Moonshot (A) and its duplicate under its legal name (B), each with rows of its own."""
    survivor = StartupFactory(
        slug="moonshot", name_en="Moonshot AI", name_zh="", aliases="Kimi", city="", founders=""
    )
    merged = StartupFactory(
        slug="beijing-moonshot",
        name_en="Beijing Moonshot Technology Co., Ltd.",
        name_zh="月之暗面",
        aliases="Dark Side of the Moon",
        city="Beijing",
        founders="Yang Zhilin",
        founded_on=dt.date(2023, 3, 1),
        founded_precision="month",
        wikidata="Q123456",
        crunchbase="moonshot-ai",
    )
    return survivor, merged


def test_a_merge_repoints_every_row_and_deletes_the_merged_startup(pair):
    survivor, merged = pair
    staff = StaffFactory()
    round_b = FundingRoundFactory(startup=merged, round_label="Series B")
    stake = ParticipationFactory(round=round_b)
    claim = ClaimFactory(round=round_b, source=SourceFactory())
    mark = ValuationMarkFactory(startup=merged)
    product = ModelProductFactory(startup=merged, name="Kimi k2")
    deal = ComputeDealFactory(startup=merged)
    metric = ReportedMetricFactory(startup=merged)
    FundingRoundFactory(startup=survivor, round_label="Series A")
    merged.tags.add(TagFactory(slug="llm"))
    merged.sources.add(source := SourceFactory())
    refreshes = PendingRefresh.objects.count()

    merge = merge_startups(survivor, merged, staff)

    assert not Startup.objects.filter(pk=merged.pk).exists()
    assert FundingRound.objects.get(pk=round_b.pk).startup_id == survivor.pk
    assert Participation.objects.get(pk=stake.pk).round.startup_id == survivor.pk
    assert Claim.objects.get(pk=claim.pk).round.startup_id == survivor.pk
    for model, row in [
        (ValuationMark, mark),
        (ModelProduct, product),
        (ComputeDeal, deal),
        (ReportedMetric, metric),
    ]:
        assert model.objects.get(pk=row.pk).startup_id == survivor.pk
    assert survivor.rounds.count() == 2
    assert list(survivor.tags.values_list("slug", flat=True)) == ["llm"]
    assert list(survivor.sources.all()) == [source]
    assert merge.kind == "startup"
    assert (merge.survivor_slug, merge.merged_slug) == ("moonshot", "beijing-moonshot")
    assert merge.merged_by == staff
    assert merge.snapshot["moved"]["deals.FundingRound.startup"] == [round_b.pk]
    # The aggregates hear of it through the outbox, as every other write.
    assert PendingRefresh.objects.count() == refreshes + 1
    assert PendingRefresh.objects.last().full


def test_the_survivor_takes_names_identifiers_and_blank_fields(pair):
    survivor, merged = pair

    merge_startups(survivor, merged)

    survivor.refresh_from_db()
    assert survivor.name_en == "Moonshot AI"
    assert survivor.name_zh == "月之暗面"  # a blank filled, so not an alias too
    assert survivor.alias_list == [
        "Kimi",
        "Beijing Moonshot Technology Co., Ltd.",
        "Dark Side of the Moon",
    ]
    assert survivor.identifiers == {"wikidata": "Q123456", "crunchbase": "moonshot-ai"}
    assert (survivor.city, survivor.founders) == ("Beijing", "Yang Zhilin")
    assert (survivor.founded_on, survivor.founded_precision) == (dt.date(2023, 3, 1), "month")


def test_history_records_the_merge(pair):
    survivor, merged = pair
    round_b = FundingRoundFactory(startup=merged)
    staff = StaffFactory()

    merge_startups(survivor, merged, staff)

    reason = "merged beijing-moonshot into moonshot"
    latest = survivor.history.first()
    assert (latest.history_change_reason, latest.history_user) == (reason, staff)
    deleted = Startup.history.filter(id=merged.pk).first()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", reason)
    moved = round_b.history.first()
    assert (moved.startup_id, moved.history_change_reason) == (survivor.pk, reason)


def test_follows_and_their_alerts_move_to_the_survivor(pair):
    survivor, merged = pair
    only_b, both = UserFactory(), UserFactory()
    followed_b = WatchItemFactory(user=only_b, startup=merged)
    duplicate = WatchItemFactory(user=both, startup=merged)
    kept = WatchItemFactory(user=both, startup=survivor)
    alert = AlertFactory(user=both, watch_item=duplicate)

    merge_startups(survivor, merged)

    assert WatchItem.objects.get(pk=followed_b.pk).startup_id == survivor.pk
    assert not WatchItem.objects.filter(pk=duplicate.pk).exists()
    assert Alert.objects.get(pk=alert.pk).watch_item_id == kept.pk
    assert WatchItem.objects.filter(startup=survivor).count() == 2


def test_search_finds_the_survivor_by_the_merged_names(pair, client):
    survivor, merged = pair
    merge_startups(survivor, merged)

    response = client.get("/api/v1/startups/", {"search": "月之暗面"})
    assert [r["slug"] for r in response.json()["results"]] == ["moonshot"]
    response = client.get("/api/v1/startups/", {"search": "Dark Side of the Moon"})
    assert [r["slug"] for r in response.json()["results"]] == ["moonshot"]


def test_conflicting_rounds_refuse_the_merge_and_change_nothing(pair):
    survivor, merged = pair
    day = dt.date(2024, 2, 1)
    FundingRoundFactory(startup=survivor, announced_on=day, round_label="Series B")
    theirs = FundingRoundFactory(startup=merged, announced_on=day, round_label="Series B")
    ValuationMarkFactory(startup=merged)
    before = Startup.history.count(), PendingRefresh.objects.count()

    with pytest.raises(MergeRefused) as refused:
        merge_startups(survivor, merged)

    (message,) = refused.value.messages
    assert "Beijing Moonshot Technology Co., Ltd. Series B (2024-02-01)" in message
    assert "Moonshot AI Series B (2024-02-01)" in message
    assert Startup.objects.filter(pk=merged.pk).exists()
    assert FundingRound.objects.get(pk=theirs.pk).startup_id == merged.pk
    assert merged.valuations.count() == 1
    assert (Startup.history.count(), PendingRefresh.objects.count()) == before
    assert not Merge.objects.exists()


def test_different_identifiers_of_one_kind_refuse_the_merge(pair):
    survivor, merged = pair
    Startup.objects.filter(pk=survivor.pk).update(wikidata="Q999")
    survivor.refresh_from_db()

    with pytest.raises(MergeRefused, match="Q123456, Q999"):
        merge_startups(survivor, merged)


def test_a_record_is_not_merged_into_itself(pair):
    survivor, _ = pair
    with pytest.raises(MergeRefused, match="itself"):
        merge_startups(survivor, survivor)


def test_merging_investors_moves_stakes_affiliates_and_deals():
    parent = InvestorFactory(slug="alibaba-group")
    survivor = InvestorFactory(slug="alibaba", name_en="Alibaba", hq_city="")
    merged = InvestorFactory(
        slug="alibaba-holding", name_en="Alibaba Group Holding", parent=parent, hq_city="Hangzhou"
    )
    cloud = InvestorFactory(slug="aliyun", parent=merged)
    stake = ParticipationFactory(investor=merged)
    deal = ComputeDealFactory(provider_investor=merged)
    metric = ReportedMetricFactory(investor=merged)
    investor_ancestry_rebuild()
    preview = dict(merge_preview(survivor, merged))
    assert (preview["participations"], preview["affiliates"]) == (1, 1)

    merge = merge_investors(survivor, merged)

    assert not Investor.objects.filter(pk=merged.pk).exists()
    assert Participation.objects.get(pk=stake.pk).investor_id == survivor.pk
    assert ComputeDeal.objects.get(pk=deal.pk).provider_investor_id == survivor.pk
    assert ReportedMetric.objects.get(pk=metric.pk).investor_id == survivor.pk
    assert Investor.objects.get(pk=cloud.pk).parent_id == survivor.pk
    survivor.refresh_from_db()
    assert (survivor.parent_id, survivor.hq_city) == (parent.pk, "Hangzhou")
    assert "Alibaba Group Holding" in survivor.alias_list
    assert InvestorAncestry.objects.filter(investor=cloud, ancestor=parent, depth=2).exists()
    assert merge.snapshot["moved"]["deals.Investor.parent"] == [cloud.pk]


def test_an_investor_twice_in_one_round_refuses_the_merge():
    survivor, merged = InvestorFactory(name_en="Tencent"), InvestorFactory(name_en="Tencent Hldg")
    funding_round = FundingRoundFactory()
    ParticipationFactory(round=funding_round, investor=survivor)
    ParticipationFactory(round=funding_round, investor=merged)

    with pytest.raises(MergeRefused, match="participation"):
        merge_investors(survivor, merged)
    assert Investor.objects.filter(pk=merged.pk).exists()


def test_a_slug_merged_away_before_is_not_merged_away_twice():
    first = merge_startups(StartupFactory(slug="moonshot"), StartupFactory(slug="kimi"))
    again = StartupFactory(slug="kimi")  # a new record given the old slug since

    with pytest.raises(MergeRefused, match=f"merge #{first.pk}"):
        merge_startups(StartupFactory(), again)
    assert Startup.objects.filter(pk=again.pk).exists()
