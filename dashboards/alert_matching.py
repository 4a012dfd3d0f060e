"""The alert matcher: reads the change feed after its cursor and raises an Alert for each user
whose watchlist an event matches (docs/alerts.md).

Exactly once: the alerts of a batch, the cursor's move past it and the `alerts_raised` signal
(whose receivers write the webhook deliveries) are one transaction, with the cursor row locked
so that two workers never read the same batch. A crash before the commit leaves nothing and the
next run reads the batch again; a change is read once it is visible (startups.change_feed), so
one whose transaction commits late is still read, after the cursor.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from deals.models import FundingRound, InvestorAncestry
from startups.change_feed import changes_after
from startups.models import Change

from .alert_signals import alerts_raised
from .alert_subjects import Subject, subjects_of
from .directory_selectors import rounds_filtered
from .forms import RoundFilterForm
from .models import Alert, AlertCursor, WatchItem

logger = logging.getLogger(__name__)

# Changes read per transaction: a backlog (after an outage) is worked through in transactions
# of bounded length, each holding the cursor's lock for a short while only.
BATCH_SIZE = 500
# The one cursor row, created by the first run.
CURSOR_ID = 1
# Which of a user's items an alert names when several match: the most specific.
ITEM_PRIORITY = {"startup": 0, "investor": 1, "search": 2}


@dataclass
class MatchRun:
    changes_read: int = 0
    alerts: int = 0
    users: set[int] = field(default_factory=set)


def rounds_matching_search(search: str, round_ids: Iterable[int]) -> set[int]:
    """Which of these rounds a saved `/rounds/` query string keeps, by the page's own form and
    filters (a value the form refuses is ignored, as the page ignores it)."""
    filters = RoundFilterForm(QueryDict(search)).filters()
    rounds = rounds_filtered(FundingRound.objects.filter(id__in=list(round_ids)), filters)
    return set(rounds.values_list("id", flat=True))


@dataclass(frozen=True)
class Candidate:
    user_id: int
    item_id: int
    rank: tuple[int, int]


def _affiliates_up(investor_ids: set[int]) -> dict[int, set[int]]:
    """Each investor's ancestors, itself included: a follower of Alibaba Group hears of the
    deals of Alibaba Cloud."""
    up: dict[int, set[int]] = {investor_id: {investor_id} for investor_id in investor_ids}
    rows = InvestorAncestry.objects.filter(investor_id__in=investor_ids).values_list(
        "investor_id", "ancestor_id"
    )
    for investor_id, ancestor_id in rows:
        up[investor_id].add(ancestor_id)
    return up


def _saved_searches(round_ids: set[int]) -> dict[int, list[Candidate]]:
    """Per round, the search items that keep it: one rounds query per distinct search."""
    found: dict[int, list[Candidate]] = defaultdict(list)
    if not round_ids:
        return found
    searches = (
        WatchItem.objects.exclude(search="")
        .order_by("search")
        .values_list("search", flat=True)
        .distinct()
    )
    keeping = {search: rounds_matching_search(search, round_ids) for search in searches}
    keeping = {search: rounds for search, rounds in keeping.items() if rounds}
    items = WatchItem.objects.filter(search__in=keeping).values_list("id", "user_id", "search")
    for item_id, user_id, search in items:
        for round_id in keeping[search]:
            found[round_id].append(Candidate(user_id, item_id, (ITEM_PRIORITY["search"], item_id)))
    return found


def _candidates(subjects: list[Subject]) -> list[list[Candidate]]:
    """For each subject, every watch item it matches."""
    up = _affiliates_up(set().union(*(s.investor_ids for s in subjects)))
    startups = {s.startup_id for s in subjects} - {None}
    investors = set().union(set(), *up.values())
    by_startup: dict[int, list[Candidate]] = defaultdict(list)
    by_investor: dict[int, list[Candidate]] = defaultdict(list)
    items = WatchItem.objects.filter(
        Q(startup_id__in=startups) | Q(investor_id__in=investors)
    ).values_list("id", "user_id", "startup_id", "investor_id")
    for item_id, user_id, startup_id, investor_id in items:
        if startup_id is not None:
            by_startup[startup_id].append(
                Candidate(user_id, item_id, (ITEM_PRIORITY["startup"], item_id))
            )
        else:
            by_investor[investor_id].append(
                Candidate(user_id, item_id, (ITEM_PRIORITY["investor"], item_id))
            )
    by_search = _saved_searches({s.round_id for s in subjects} - {None})
    matched = []
    for subject in subjects:
        found = list(by_startup.get(subject.startup_id, []))
        ancestors = set().union(set(), *(up[i] for i in subject.investor_ids))
        found += [c for ancestor in ancestors for c in by_investor.get(ancestor, [])]
        found += by_search.get(subject.round_id, [])
        matched.append(found)
    return matched


# An alert to write: user_id, watch_item_id, change_id, event, kind, record_id.
AlertRow = tuple[int, int, int, str, str, int]
ALERT_COLUMNS = ("user_id", "watch_item_id", "change_id", "event", "kind", "record_id")


def alert_rows(subjects: list[Subject]) -> list[AlertRow]:
    """One alert per user and subject, naming the user's most specific matching item; none
    where the user already has one for that change."""
    if not subjects:
        return []
    already = set(
        Alert.objects.filter(change__in=[s.change for s in subjects]).values_list(
            "user_id", "change_id"
        )
    )
    rows = []
    for subject, candidates in zip(subjects, _candidates(subjects), strict=True):
        first: dict[int, Candidate] = {}
        for candidate in sorted(candidates, key=lambda c: c.rank):
            first.setdefault(candidate.user_id, candidate)
        change_id = subject.change.pk
        rows += [
            (user_id, candidate.item_id, change_id, subject.event, subject.kind, subject.record_id)
            for user_id, candidate in sorted(first.items())
            if (user_id, change_id) not in already
        ]
    return rows


# One INSERT of column arrays (PostgreSQL): a fan-out of thousands of alerts costs one
# statement's parameters, not one set per row (benchmarks/alerts_fanout.py measured 1.4 s of
# 2.5 s in bulk_create's per-field preparation for 6,000 alerts). unnest() yields the rows in
# the arrays' order, and RETURNING gives the ids in that order.
INSERT_ALERTS = """
INSERT INTO dashboards_alert (user_id, watch_item_id, change_id, event, kind, record_id, created_at)
SELECT user_id, watch_item_id, change_id, event, kind, record_id, %s
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::bigint[])
    AS new (user_id, watch_item_id, change_id, event, kind, record_id)
RETURNING id
"""


def alerts_save(rows: list[AlertRow]) -> list[Alert]:
    """Insert the alerts: one statement whatever their number. Returns them, ids set."""
    now = timezone.now()
    if connection.vendor != "postgresql" or not rows:
        return Alert.objects.bulk_create([Alert(None, *row, now, None) for row in rows])
    with connection.cursor() as cursor:
        cursor.execute(INSERT_ALERTS, [now, *(list(column) for column in zip(*rows, strict=True))])
        ids = [found[0] for found in cursor.fetchall()]
    # Positional arguments: the model's fast path (a fan-out builds thousands).
    names = ["id", *ALERT_COLUMNS, "created_at", "emailed_at"]
    return [
        Alert.from_db(connection.alias, names, (pk, *row, now, None))
        for pk, row in zip(ids, rows, strict=True)
    ]


def _next_batch(cursor: AlertCursor, batch_size: int) -> list[Change]:
    batch = list(changes_after(cursor.txid, cursor.change_id)[:batch_size])
    if len(batch) == batch_size and batch[-1].txid:
        # A transaction's changes are read together, so that its round and participants
        # make one event (PostgreSQL; on SQLite every txid is 0 and a batch is the unit).
        last = batch[-1]
        batch += changes_after(last.txid, last.pk).filter(txid=last.txid)
    return batch


def alerts_match_batch(*, batch_size: int = BATCH_SIZE) -> MatchRun:
    """Match the next batch of changes: its alerts, the cursor's move and the signal to the
    delivery channels, in one transaction."""
    with transaction.atomic():
        cursor, _ = AlertCursor.objects.select_for_update().get_or_create(pk=CURSOR_ID)
        if not WatchItem.objects.exists():
            # Nobody follows anything (a new site, its data imported): nothing to match, so
            # the cursor goes straight to the feed's end instead of reading all of it.
            batch = list(changes_after(cursor.txid, cursor.change_id).reverse()[:1])
            if batch:
                cursor.txid, cursor.change_id = batch[0].txid, batch[0].pk
                cursor.save(update_fields=["txid", "change_id", "updated_at"])
            return MatchRun(changes_read=0)
        batch = _next_batch(cursor, batch_size)
        if not batch:
            return MatchRun()
        alerts = alerts_save(alert_rows(subjects_of(batch)))
        cursor.txid, cursor.change_id = batch[-1].txid, batch[-1].pk
        cursor.save(update_fields=["txid", "change_id", "updated_at"])
        if alerts:
            alerts_raised.send(sender=Alert, alerts=alerts)
    return MatchRun(len(batch), len(alerts), {alert.user_id for alert in alerts})


def alerts_match(*, batch_size: int = BATCH_SIZE) -> MatchRun:
    """Match every visible change after the cursor, batch by batch."""
    total = MatchRun()
    while (run := alerts_match_batch(batch_size=batch_size)).changes_read:
        total.changes_read += run.changes_read
        total.alerts += run.alerts
        total.users |= run.users
    if total.alerts:
        logger.info(
            "alerts: %d raised for %d user(s) from %d change(s)",
            total.alerts,
            len(total.users),
            total.changes_read,
        )
    return total
