"""The alert matcher: which changes raise which alerts for whom (docs/alerts.md).

The changes are the feed's rows as its database triggers write them, for records saved,
updated and deleted as the application does; records saved together are saved in one
transaction. The tests commit: on PostgreSQL a change shows in the feed only once its
transaction has ended (startups.change_feed)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dashboards.alert_matching import alerts_match, alerts_match_batch
from dashboards.alert_signals import alerts_raised
from dashboards.models import Alert, AlertCursor
from deals.services import investor_ancestry_rebuild
from tests.factories import (
    ClaimFactory,
    ComputeDealFactory,
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    StartupFactory,
    UserFactory,
    ValuationMarkFactory,
)

from .following import feed_read, follows, latest_change

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_feed")]


def raised() -> list[tuple]:
    return sorted(
        Alert.objects.values_list("user__username", "event", "kind", "record_id", "watch_item_id")
    )


def test_a_new_round_of_a_followed_startup_raises_round_created():
    ann = UserFactory(username="ann")
    item = follows(ann, startup=StartupFactory(slug="moonshot"))
    feed_read()
    round_ = FundingRoundFactory(startup=item.startup)
    change = latest_change(round_)

    run = alerts_match()

    assert raised() == [("ann", "round.created", "round", round_.pk, item.pk)]
    assert Alert.objects.get().change == change
    assert (run.changes_read, run.alerts, run.users) == (1, 1, {ann.pk})
    cursor = AlertCursor.objects.get()
    assert (cursor.txid, cursor.change_id) == (change.txid, change.pk)


def test_a_round_and_its_participants_saved_together_are_one_round_created():
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    lead, other = InvestorFactory(slug="hongshan"), InvestorFactory(slug="tencent")
    follows(ann, investor=lead)
    follows(bob, investor=other)
    startup = StartupFactory()
    feed_read()
    with transaction.atomic():
        round_ = FundingRoundFactory(startup=startup)
        for investor in (lead, other):
            ParticipationFactory(round=round_, investor=investor)
    round_change = latest_change(round_)

    run = alerts_match()

    assert run.changes_read == 3
    assert [(a.user.username, a.event, a.record_id, a.change_id) for a in Alert.objects.all()] == [
        ("bob", "round.created", round_.pk, round_change.pk),
        ("ann", "round.created", round_.pk, round_change.pk),
    ]


def test_a_participant_added_later_is_round_updated_for_its_investor_only():
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    first, joining = InvestorFactory(slug="hongshan"), InvestorFactory(slug="tencent")
    follows(ann, investor=first)
    bob_item = follows(bob, investor=joining)
    with transaction.atomic():
        round_ = FundingRoundFactory()
        ParticipationFactory(round=round_, investor=first)
    alerts_match()
    Alert.objects.all().delete()

    ParticipationFactory(round=round_, investor=joining)
    run = alerts_match()

    assert run.changes_read == 1
    assert raised() == [("bob", "round.updated", "round", round_.pk, bob_item.pk)]


def test_a_participant_added_before_the_round_was_matched_is_part_of_round_created():
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    first, joining = InvestorFactory(slug="hongshan"), InvestorFactory(slug="tencent")
    follows(ann, investor=first)
    bob_item = follows(bob, investor=joining)
    startup = StartupFactory()
    feed_read()
    with transaction.atomic():
        round_ = FundingRoundFactory(startup=startup)
        ParticipationFactory(round=round_, investor=first)
    ParticipationFactory(round=round_, investor=joining)

    run = alerts_match()

    assert run.changes_read == 3
    assert [(a.user.username, a.event, a.change_id) for a in Alert.objects.all()] == [
        ("bob", "round.created", latest_change(round_).pk),
        ("ann", "round.created", latest_change(round_).pk),
    ]
    assert Alert.objects.get(user=bob).watch_item == bob_item


def test_two_updates_of_one_round_in_one_batch_are_one_round_updated():
    ann = UserFactory(username="ann")
    round_ = FundingRoundFactory(amount=100)
    item = follows(ann, startup=round_.startup)
    feed_read()
    for amount in (200, 300):
        round_.amount = amount
        round_.save()

    run = alerts_match()

    assert run.changes_read == 2
    assert raised() == [("ann", "round.updated", "round", round_.pk, item.pk)]


def test_a_follower_of_a_parent_hears_of_its_affiliates_deals():
    alibaba = InvestorFactory(slug="alibaba")
    cloud = InvestorFactory(slug="alibaba-cloud", parent=alibaba)
    ant = InvestorFactory(slug="ant-group", parent=alibaba)
    investor_ancestry_rebuild()
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    group = follows(ann, investor=alibaba)
    follows(bob, investor=cloud)
    with transaction.atomic():
        round_ = FundingRoundFactory()
        ParticipationFactory(round=round_, investor=ant)
    deal = ComputeDealFactory(provider_investor=cloud)

    alerts_match()

    assert raised() == [
        ("ann", "compute_deal.created", "compute_deal", deal.pk, group.pk),
        ("ann", "round.created", "round", round_.pk, group.pk),
        ("bob", "compute_deal.created", "compute_deal", deal.pk, group.pk + 1),
    ]


def test_a_valuation_is_told_to_its_startups_followers_not_to_its_investors():
    startup = StartupFactory()
    investor = InvestorFactory()
    ParticipationFactory(round=FundingRoundFactory(startup=startup), investor=investor)
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    item = follows(ann, startup=startup)
    follows(bob, investor=investor)
    feed_read()
    mark = ValuationMarkFactory(startup=startup)

    alerts_match()

    assert raised() == [("ann", "valuation.created", "valuation", mark.pk, item.pk)]


def test_a_claim_is_told_to_the_followers_of_what_it_claims():
    stake = ParticipationFactory()
    round_ = stake.round
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    by_investor = follows(ann, investor=stake.investor)
    by_startup = follows(bob, startup=round_.startup)
    feed_read()
    claim = ClaimFactory(round=None, participation=stake, field="stake_percent", currency="")

    alerts_match()

    assert raised() == [
        ("ann", "claim.created", "claim", claim.pk, by_investor.pk),
        ("bob", "claim.created", "claim", claim.pk, by_startup.pk),
    ]


def test_a_claim_saved_with_its_round_is_part_of_round_created():
    ann = UserFactory(username="ann")
    item = follows(ann, startup=StartupFactory())
    with transaction.atomic():
        round_ = FundingRoundFactory(startup=item.startup)
        ClaimFactory(round=round_)

    alerts_match()

    assert raised() == [("ann", "round.created", "round", round_.pk, item.pk)]


def test_a_user_gets_one_alert_per_change_naming_their_most_specific_item():
    startup, investor = StartupFactory(), InvestorFactory(slug="hongshan")
    ann = UserFactory(username="ann")
    follows(ann, search="investor=hongshan")
    follows(ann, investor=investor)
    by_startup = follows(ann, startup=startup)
    with transaction.atomic():
        round_ = FundingRoundFactory(startup=startup)
        ParticipationFactory(round=round_, investor=investor)

    alerts_match()

    assert raised() == [("ann", "round.created", "round", round_.pk, by_startup.pk)]


def test_saved_searches_are_evaluated_by_the_rounds_page_filters():
    shanghai = StartupFactory(city="Shanghai")
    ann, bob, cat = (UserFactory(username=name) for name in ("ann", "bob", "cat"))
    in_shanghai = follows(ann, search="city=Shanghai&since=2024-01-01")
    follows(bob, search="city=Beijing")
    # A value the form refuses is ignored, as the page ignores it: the rest still applies.
    lenient = follows(cat, search="city=shanghai&since=not-a-date")
    round_ = FundingRoundFactory(startup=shanghai)

    alerts_match()

    assert raised() == [
        ("ann", "round.created", "round", round_.pk, in_shanghai.pk),
        ("cat", "round.created", "round", round_.pk, lenient.pk),
    ]


def queries_to_match_a_new_round() -> int:
    FundingRoundFactory(startup=StartupFactory(city="Shanghai"))
    with CaptureQueriesContext(connection) as queries:
        alerts_match()
    return len(queries)


def test_one_query_per_distinct_search_not_per_follower():
    alerts_match()  # the cursor's row, created by the first run
    follows(UserFactory(), search="city=Shanghai")
    with_one_follower = queries_to_match_a_new_round()
    for _ in range(4):
        follows(UserFactory(), search="city=Shanghai")
    with_five_followers = queries_to_match_a_new_round()
    follows(UserFactory(), search="city=Shanghai&round=Series")
    with_two_searches = queries_to_match_a_new_round()

    assert with_five_followers == with_one_follower
    assert with_two_searches == with_one_follower + 1
    assert Alert.objects.count() == 1 + 5 + 6


def test_nothing_is_raised_for_what_nobody_follows():
    follows(UserFactory(), startup=StartupFactory())
    follows(UserFactory(), investor=InvestorFactory())
    follows(UserFactory(), search="city=Shenzhen")
    startup = StartupFactory()
    feed_read()
    last = latest_change(FundingRoundFactory(startup=startup))

    run = alerts_match()

    assert (run.changes_read, Alert.objects.count()) == (1, 0)
    assert AlertCursor.objects.get().change_id == last.pk


def test_only_creates_and_figure_updates_raise_alerts():
    ann = UserFactory(username="ann")
    item = follows(ann, startup=StartupFactory())
    round_ = FundingRoundFactory(startup=item.startup, round_label="Series B")
    stake = ParticipationFactory(round=round_, is_lead=False)
    dropped = FundingRoundFactory(startup=item.startup)
    feed_read()
    round_.round_label = "Series B+"
    round_.save()
    stake.is_lead = True
    stake.save()
    dropped.delete()
    quiet = alerts_match()
    assert (quiet.changes_read, raised()) == (3, [])

    round_.amount *= 2
    round_.save()
    loud = alerts_match()

    assert latest_change(round_).figures_changed is True
    assert loud.changes_read == 1
    assert raised() == [("ann", "round.updated", "round", round_.pk, item.pk)]


def test_a_record_deleted_before_the_matcher_runs_is_skipped():
    item = follows(UserFactory(), startup=StartupFactory())
    round_ = FundingRoundFactory(startup=item.startup)
    kept = FundingRoundFactory(startup=item.startup)
    round_.delete()

    alerts_match()

    assert list(Alert.objects.values_list("record_id", flat=True)) == [kept.pk]


def test_a_crash_before_commit_leaves_nothing_and_the_next_run_matches_again():
    follows(UserFactory(), startup=(startup := StartupFactory()))
    before = feed_read()
    FundingRoundFactory(startup=startup)

    def crash(**kwargs):
        raise RuntimeError("worker lost mid-run")

    alerts_raised.connect(crash, dispatch_uid="test-crash")
    try:
        with pytest.raises(RuntimeError):
            alerts_match()
    finally:
        alerts_raised.disconnect(dispatch_uid="test-crash")
    assert Alert.objects.count() == 0
    assert AlertCursor.objects.values_list("txid", "change_id").get() == before

    assert alerts_match().alerts == 1


def test_the_signal_carries_the_saved_alerts_once():
    follows(UserFactory(), startup=(startup := StartupFactory()))
    FundingRoundFactory(startup=startup)
    heard = []

    def listen(sender, alerts, **kwargs):
        heard.append((sender, [alert.pk for alert in alerts]))

    alerts_raised.connect(listen, dispatch_uid="test-listen")
    try:
        alerts_match()
        alerts_match()
    finally:
        alerts_raised.disconnect(dispatch_uid="test-listen")

    assert heard == [(Alert, list(Alert.objects.values_list("pk", flat=True)))]


def test_two_runs_raise_no_duplicate_even_from_a_cursor_moved_back():
    users = [UserFactory() for _ in range(3)]
    startup = StartupFactory()
    for user in users:
        follows(user, startup=startup)
    txid, change_id = feed_read()
    for _ in range(4):
        FundingRoundFactory(startup=startup)

    first = alerts_match(batch_size=3)
    again = alerts_match()
    AlertCursor.objects.update(txid=txid, change_id=change_id)
    replayed = alerts_match()

    assert (first.changes_read, first.alerts) == (4, 12)
    assert (again.changes_read, replayed.changes_read, replayed.alerts) == (0, 4, 0)
    assert Alert.objects.count() == 12


def test_a_batch_stops_at_its_size_and_the_next_one_goes_on():
    follows(UserFactory(), startup=(startup := StartupFactory()))
    feed_read()
    for _ in range(3):
        FundingRoundFactory(startup=startup)

    assert alerts_match_batch(batch_size=2).changes_read == 2
    assert alerts_match_batch(batch_size=2).changes_read == 1
    assert alerts_match_batch(batch_size=2).changes_read == 0
    assert Alert.objects.count() == 3


def test_with_nothing_followed_the_cursor_goes_to_the_feeds_end_without_reading_it():
    for _ in range(3):
        last = latest_change(FundingRoundFactory())

    with CaptureQueriesContext(connection) as queries:
        run = alerts_match()

    assert (run.changes_read, run.alerts) == (0, 0)
    assert AlertCursor.objects.get().change_id == last.pk
    assert not any("deals_fundinground" in query["sql"] for query in queries)
