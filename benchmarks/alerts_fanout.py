"""One new round fanned out against 10,000 watchlists (`alerts_fanout_vs_sql`; 2,000 at the
small scale): the alert matcher, timed from the round's commit to every Alert row written (and
the `alerts_raised` signal sent, whose receivers queue the deliveries), against the same
matching written as one hand-written `INSERT ... SELECT`, in the same run, on the same rows.

The watchlists are a mix: startups, investors (a parent's follower hears of its affiliates'
deals) and saved searches drawn from a small set of distinct query strings, as users save the
same few filters. Followers favour the records of the new round, so that it matches thousands of
watchlists, not a handful. What it creates is deleted at the end: the dataset is reused.
"""

import os
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from dashboards.alert_matching import alerts_match
from dashboards.models import Alert, AlertCursor, WatchItem
from deals.models import FundingRound, InvestorAncestry, Participation
from startups.change_feed import changes_after, visible_changes
from startups.changes import data_changed
from startups.models import Change, Startup

from .probes import round_like

WATCHLISTS = int(os.environ.get("BENCH_WATCHLISTS", "10000"))  # the scale's (benchmarks.run)
USERS_PREFIX = "bench-alerts-"
# Per kind of item, out of ten.
MIX = {"startup": 4, "investor": 4, "search": 2}
# How much likelier a record of the new round is to be followed than any other.
HOT_WEIGHT = 400
ITEM_BATCH = 2_000  # rows per INSERT of the setup
NEW_ROUND = "Benchmark alerts round"
# The saved searches: each query string and, for the floor, the same filter in SQL over the
# round `r` and its startup `s` (what dashboards.directory_selectors.rounds_filtered does).
SEARCHES = {
    "city=Beijing": ("UPPER(s.city) = UPPER(%s)", ["Beijing"]),
    "city=Shanghai&ai=1": ("UPPER(s.city) = UPPER(%s) AND s.is_ai", ["Shanghai"]),
    "ai=1&disclosed=on": ("s.is_ai AND r.amount_usd IS NOT NULL", []),
    "round=Series": ("UPPER(r.round_label::text) LIKE UPPER(%s)", ["%Series%"]),
    "currency=CNY": ("UPPER(r.amount_currency::text) = UPPER(%s)", ["CNY"]),
    "since=2023-01-01": ("r.announced_on >= %s", ["2023-01-01"]),
    "confidence=confirmed&since=2020-01-01": (
        "r.confidence = %s AND r.announced_on >= %s",
        ["confirmed", "2020-01-01"],
    ),
    "city=Hangzhou&round=Series+B": (
        "UPPER(s.city) = UPPER(%s) AND UPPER(r.round_label::text) LIKE UPPER(%s)",
        ["Hangzhou", "%Series B%"],
    ),
}
JOINED_BY = """EXISTS (SELECT 1 FROM deals_participation p
    JOIN deals_investorancestry a ON a.investor_id = p.investor_id
    JOIN deals_investor i ON i.id = a.ancestor_id
    WHERE p.round_id = r.id AND i.slug = %s)"""
FLOOR = """
INSERT INTO dashboards_alert
    (user_id, watch_item_id, change_id, event, kind, record_id, created_at)
SELECT DISTINCT ON (w.user_id) w.user_id, w.id, c.id, 'round.created', 'round', r.id, now()
FROM startups_change c
JOIN deals_fundinground r ON r.id = c.record_id
JOIN startups_startup s ON s.id = r.startup_id
JOIN dashboards_watchitem w ON (
    w.startup_id = r.startup_id
    OR w.investor_id IN (
        SELECT a.ancestor_id FROM deals_participation p
        JOIN deals_investorancestry a ON a.investor_id = p.investor_id
        WHERE p.round_id = r.id)
    {searches})
WHERE c.id = %s
ORDER BY w.user_id,
    CASE WHEN w.startup_id IS NOT NULL THEN 0 WHEN w.investor_id IS NOT NULL THEN 1 ELSE 2 END,
    w.id
"""


def _model_round() -> FundingRound:
    """A typical round with participants, at a fixed place, whose copy is the new round."""
    with_participants = FundingRound.objects.filter(participations__isnull=False).order_by("id")
    return with_participants[with_participants.count() // 2]


def _searches(investor_slug: str) -> dict[str, tuple[str, list]]:
    return {**SEARCHES, f"investor={investor_slug}": (JOINED_BY, [investor_slug])}


def _watchlists(rng: random.Random, model: FundingRound, searches: list[str]) -> int:
    """WATCHLISTS users, one item each, favouring the model round's startup and investors
    (and their parents)."""
    investors = list(Participation.objects.filter(round=model).values_list("investor", flat=True))
    hot_investors = set(
        InvestorAncestry.objects.filter(investor__in=investors).values_list("ancestor", flat=True)
    )
    startups = list(Startup.objects.values_list("pk", flat=True))
    all_investors = list(InvestorAncestry.objects.values_list("ancestor", flat=True).distinct())
    startup_weights = [HOT_WEIGHT if pk == model.startup_id else 1 for pk in startups]
    investor_weights = [HOT_WEIGHT if pk in hot_investors else 1 for pk in all_investors]
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=WATCHLISTS)
    password = make_password(None)
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"{USERS_PREFIX}{n}", password=password)
            for n in range(WATCHLISTS)
        ],
        batch_size=ITEM_BATCH,
    )
    items = []
    for user, kind in zip(users, kinds, strict=True):
        if kind == "startup":
            items.append(WatchItem(user=user, startup_id=rng.choices(startups, startup_weights)[0]))
        elif kind == "investor":
            chosen = rng.choices(all_investors, investor_weights)[0]
            items.append(WatchItem(user=user, investor_id=chosen))
        else:
            items.append(WatchItem(user=user, search=rng.choice(searches)))
    WatchItem.objects.bulk_create(items, batch_size=ITEM_BATCH)
    return len(items)


def _cursor_at_the_end() -> None:
    last = visible_changes().order_by("-txid", "-id").values_list("txid", "id").first()
    txid, change_id = last or (0, 0)
    AlertCursor.objects.update_or_create(pk=1, defaults={"txid": txid, "change_id": change_id})


def _one_change_per_record(after: tuple[int, int]) -> None:
    """The matcher was timed on the feed as the application writes it: no record twice."""
    read = list(changes_after(*after).values_list("kind", "record_id", "action"))
    if len(read) != len(set(read)):
        raise SystemExit(f"the feed holds a record's change twice: {sorted(read)}")


def _floor(change: Change, searches: dict[str, tuple[str, list]]) -> float:
    clauses, params = [], []
    for search, (predicate, values) in searches.items():
        clauses.append(f"OR (w.search = %s AND {predicate})")
        params += [search, *values]
    sql = FLOOR.format(searches="\n    ".join(clauses))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, change.pk])
        AlertCursor.objects.filter(pk=1).update(txid=change.txid, change_id=change.pk)
    return time.perf_counter() - started


def _matched() -> set[tuple[int, int]]:
    return set(Alert.objects.values_list("user_id", "watch_item_id"))


def run(seed: int = 1) -> dict:
    data_changed.receivers.clear()  # the benchmark runs the matcher itself, at a timed moment
    rng = random.Random(seed)
    model = _model_round()
    investor_slug = (
        InvestorAncestry.objects.filter(investor__participations__round=model, depth__gt=0)
        .values_list("ancestor__slug", flat=True)
        .first()
    ) or Participation.objects.filter(round=model).values_list("investor__slug", flat=True)[0]
    searches = _searches(investor_slug)
    try:
        watchlists = _watchlists(rng, model, list(searches))
        _cursor_at_the_end()
        before = AlertCursor.objects.values_list("txid", "change_id").get(pk=1)
        # Saved by the service in one transaction; the database's triggers write its rows.
        new = round_like(model, NEW_ROUND)
        started = time.perf_counter()  # committed
        matched = alerts_match()
        seconds = time.perf_counter() - started
        by_matcher = _matched()
        _one_change_per_record(before)

        Alert.objects.filter(user__username__startswith=USERS_PREFIX).delete()
        AlertCursor.objects.filter(pk=1).update(txid=before[0], change_id=before[1])
        change = Change.objects.get(kind="round", record_id=new.pk, action="created")
        floor_seconds = _floor(change, searches)
        by_floor = _matched()
    finally:
        get_user_model().objects.filter(username__startswith=USERS_PREFIX).delete()
        FundingRound.objects.filter(round_label=NEW_ROUND).delete()
        _cursor_at_the_end()
    if by_matcher != by_floor:
        raise SystemExit(
            f"the floor does not do the matcher's job: {len(by_matcher)} alerts against "
            f"{len(by_floor)}, {len(by_matcher ^ by_floor)} differ"
        )
    return {
        "seconds": seconds,
        "floor_seconds": floor_seconds,
        "alerts": matched.alerts,
        "watchlists": watchlists,
    }
