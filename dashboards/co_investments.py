"""Co-investment pairs: top-level investors (affiliates rolled up) that backed the same
startups, grouped from the investor rounds' top-level rows.

A full refresh groups every pair in SQL and writes the pairs that changed. An incremental one
moves the pairs the touched startups hold by what their rows add now minus what they added
before, from those few rows.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations

from django.db import connection

from .aggregates import execute, fetch, rows_replace
from .amend import fresh_table, replace_rows
from .investor_aggregates import IR, Footprint
from .models import CoInvestment
from .periods import (
    PRECISIONS,
    as_date,
    dated_key_sql,
    day_of_key_sql,
    precision_of_key,
    precision_of_key_sql,
)


def co_investments_write(stamp: dict, aside: Callable[[type], str], rounds: str = IR) -> None:
    """Pairs of top-level investors in the same startups: how many, in how many rounds
    together, and since when (the first day both were in a shared startup), at the
    precision of the round that day comes from (dated_key_sql orders the ties).

    Computed into temporary tables, then written where they differ from the stored pairs
    (dashboards.amend). SQLite needs the intermediate sets indexed for its self-joins;
    PostgreSQL hashes them faster without (with an index it chose a nested loop that took 72 s
    for the pairs of 1M rounds, against 20 s hashed).
    """
    execute(
        f"""
        CREATE TEMPORARY TABLE tmp_rp AS
        SELECT investor_id AS root, round_id, startup_id, announced_on,
               {dated_key_sql("announced_on", "date_precision")} AS dated
        FROM {rounds} WHERE top_level
        """,
        [],
    )
    indexed = connection.vendor != "postgresql"
    try:
        if indexed:
            execute("CREATE INDEX tmp_rp_round ON tmp_rp (round_id, root)", [])
        execute(
            """
            CREATE TEMPORARY TABLE tmp_sp AS
            SELECT root, startup_id, MIN(dated) AS first_dated
            FROM tmp_rp GROUP BY root, startup_id
            """,
            [],
        )
        if indexed:
            execute("CREATE INDEX tmp_sp_startup ON tmp_sp (startup_id, root)", [])
        else:
            # Temporary tables have no statistics until analysed: the planner would guess.
            execute("ANALYZE tmp_rp", [])
            execute("ANALYZE tmp_sp", [])
        pairs = fresh_table(
            "tmp_pairs",
            f"""
            SELECT s.a AS investor_a_id, s.b AS investor_b_id,
                   s.shared AS shared_startups, COALESCE(r.rounds, 0) AS shared_rounds,
                   {day_of_key_sql("s.first_dated")} AS first_together,
                   {precision_of_key_sql("s.first_dated")} AS first_together_precision
            FROM (
                SELECT x.root AS a, y.root AS b, COUNT(*) AS shared,
                       MIN(CASE WHEN x.first_dated > y.first_dated THEN x.first_dated
                                ELSE y.first_dated END) AS first_dated
                FROM tmp_sp x JOIN tmp_sp y ON x.startup_id = y.startup_id AND x.root < y.root
                GROUP BY x.root, y.root
            ) s LEFT JOIN (
                SELECT x.root AS a, y.root AS b, COUNT(*) AS rounds
                FROM tmp_rp x JOIN tmp_rp y ON x.round_id = y.round_id AND x.root < y.root
                GROUP BY x.root, y.root
            ) r ON r.a = s.a AND r.b = s.b
            """,
        )
        replace_rows(
            CoInvestment, "tmp_pairs", pairs, ("investor_a_id", "investor_b_id"), stamp, aside
        )
    finally:
        for table in ("tmp_pairs", "tmp_sp", "tmp_rp"):
            execute(f"DROP TABLE IF EXISTS {table}", [])


# A day with its precision, ordered as dated_key_sql orders them: by day, then finer first.
Dated = tuple[dt.date, int]


def dated(day: dt.date, precision: str) -> Dated:
    return day, PRECISIONS.index(precision)


def pair_terms(rows: list[Footprint]) -> dict[tuple[int, int], list]:
    """What the rows of some startups add to each pair of top-level investors in them:
    [shared startups, shared rounds, first day together (Dated)]."""
    firsts: dict[int, dict[int, Dated]] = defaultdict(dict)
    in_round: dict[int, set[int]] = defaultdict(set)
    for investor, round_id, startup, day, precision, top_level in rows:
        if top_level:
            seen, this = firsts[startup].get(investor), dated(day, precision)
            firsts[startup][investor] = this if seen is None else min(seen, this)
            in_round[round_id].add(investor)
    terms: dict[tuple[int, int], list] = defaultdict(lambda: [0, 0, None])
    for roots in firsts.values():
        for pair in combinations(sorted(roots), 2):
            term, together = terms[pair], max(roots[pair[0]], roots[pair[1]])
            term[0] += 1
            term[2] = together if term[2] is None else min(term[2], together)
    for roots in in_round.values():
        for pair in combinations(sorted(roots), 2):
            terms[pair][1] += 1
    return terms


def co_investments_update(before: list[Footprint], after: list[Footprint], stamp: dict) -> None:
    """Move the pairs the touched startups hold by what their rows add now minus what they
    added before (run after the rows are rewritten).

    Counts move exactly. The first day together is a minimum: when the touched startups held
    a pair's first day and no longer hold one as early, it is looked up again for that pair.
    """
    old, new = pair_terms(before), pair_terms(after)
    pairs = old.keys() | new.keys()
    if not pairs:
        return
    stored = {
        (row.investor_a_id, row.investor_b_id): row
        for row in CoInvestment.objects.filter(
            investor_a_id__in={a for a, _ in pairs}, investor_b_id__in={b for _, b in pairs}
        )
    }
    rows = []
    for pair in sorted(pairs):
        was, now = old.get(pair, [0, 0, None]), new.get(pair, [0, 0, None])
        row = stored.get(pair) or CoInvestment(
            investor_a_id=pair[0], investor_b_id=pair[1], shared_startups=0, shared_rounds=0
        )
        rows.append(row)
        row.shared_startups += now[0] - was[0]
        row.shared_rounds += now[1] - was[1]
        row.computed_at, row.data_version = stamp["computed_at"], stamp["data_version"]
        first = dated(row.first_together, row.first_together_precision) if row.pk else None
        if row.shared_startups == 0:
            continue
        if first is not None and was[2] == first and (now[2] is None or now[2] > first):
            first = _first_together(*pair)
        else:
            first = min(day for day in (first, now[2]) if day is not None)
        row.first_together, row.first_together_precision = first[0], PRECISIONS[first[1]]
    rows_replace(CoInvestment, rows, keep=lambda row: row.shared_startups > 0)


def _first_together(a: int, b: int) -> Dated:
    firsts = f"""
        SELECT startup_id, MIN(announced_on) AS first_on,
               MIN({dated_key_sql("announced_on", "date_precision")}) AS first_dated
        FROM {IR} WHERE investor_id = %s GROUP BY startup_id
    """
    ((first, key),) = fetch(
        f"""
        SELECT MIN(CASE WHEN x.first_on > y.first_on THEN x.first_on ELSE y.first_on END),
               MIN(CASE WHEN x.first_dated > y.first_dated THEN x.first_dated
                        ELSE y.first_dated END)
        FROM ({firsts}) x JOIN ({firsts}) y ON x.startup_id = y.startup_id
        """,
        [a, b],
    )
    return dated(as_date(first), precision_of_key(key))
