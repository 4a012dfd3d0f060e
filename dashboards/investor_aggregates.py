"""Investor aggregates: each investor's rounds (affiliates rolled up), grouped into period
figures, totals and co-investment pairs.

The `InvestorRound` rows are the one pass over the deals; period figures and pairs are grouped
from them. A full refresh writes every row. An incremental one rewrites the touched startups'
rows and regroups only the investors and periods those rows named before and after, and moves
the pairs they hold by the difference: on a million rounds, one new round costs the rows of
one startup, not the millions of rounds its investors joined.
"""

import datetime as dt
from collections import defaultdict
from itertools import combinations

from django.db import connection

from .aggregates import BOUNDS, T, execute, fetch, flag_columns, id_filter, qualifier_sql
from .models import CoInvestment, InvestorPeriodStat, InvestorRound, InvestorTotal, PeriodKind
from .periods import next_period, period_start, truncate_sql, values_table

IR = InvestorRound._meta.db_table
# (investor, period) cells regrouped per statement: three parameters each, well under
# SQLite's limit.
TARGETS_PER_QUERY = 5000
# What an incremental refresh reads of a row: enough to know whose figures and pairs it fed.
Footprint = tuple[int, int, int, dt.date, bool]  # investor, round, startup, date, top level


def investor_rounds_insert(startups: set[int] | None, stamp: dict, into: str = IR) -> None:
    """The rounds of `startups` (of all, for None) as each investor and its ancestors joined
    them: one row per investor and round, written by one INSERT ... SELECT.

    Capital counts the whole round; own contribution only what the family's stakes disclose.
    Compute credits: what the family's stakes disclose, else the round's credits when the
    family holds the round's only lead.
    """
    where, params = id_filter("sr.startup_id", startups)
    round_scope = f"lp.round_id IN (SELECT sr.id FROM {T['round']} sr WHERE {where})"
    credit_flags = ", ".join(
        f"CASE WHEN credits IS NOT NULL AND (pc_{q} = 1 OR round_credit_qualifier = '{q}') "
        f"THEN 1 ELSE 0 END"
        for q in BOUNDS
    )
    columns = (
        "investor_id, round_id, startup_id, announced_on, top_level, is_ai, amount_usd, "
        "amount_qualifier, own_usd, own_known, own_at_least, own_approx, own_at_most, "
        "credits_usd, credits_at_least, credits_approx, credits_at_most, computed_at, "
        "data_version"
    )
    execute(
        f"""
        INSERT INTO {into} ({columns})
        WITH led AS (
            -- Each participation with its round's number of leads (a window, one pass).
            SELECT lp.*, SUM(CASE WHEN lp.is_lead THEN 1 ELSE 0 END)
                         OVER (PARTITION BY lp.round_id) AS round_leads
            FROM {T["participation"]} lp
            WHERE {"1 = 1" if startups is None else round_scope}
        ), joined AS (
            SELECT a.ancestor_id, p.round_id, MAX(p.round_leads) AS round_leads,
                   SUM(p.amount_usd) AS own_usd, COUNT(p.amount_usd) AS own_known,
                   {flag_columns("p.amount_usd", "p.amount_qualifier", "own")},
                   SUM(p.compute_credit_amount_usd) AS part_credits,
                   COUNT(p.compute_credit_amount_usd) AS part_credits_known,
                   {
            flag_columns("p.compute_credit_amount_usd", "p.compute_credit_qualifier", "pc")
        },
                   SUM(CASE WHEN p.is_lead THEN 1 ELSE 0 END) AS family_leads
            FROM led p
            JOIN {T["ancestry"]} a ON a.investor_id = p.investor_id
            GROUP BY a.ancestor_id, p.round_id
        ), per_round AS (
            SELECT j.*, r.startup_id, r.announced_on, r.amount_usd, r.amount_qualifier,
                   s.is_ai, i.parent_id IS NULL AS top_level,
                   CASE WHEN j.part_credits_known > 0 THEN j.part_credits
                        WHEN j.family_leads = 1 AND j.round_leads = 1
                        THEN r.compute_credit_amount_usd END AS credits,
                   CASE WHEN j.part_credits_known > 0 THEN NULL
                        WHEN j.family_leads = 1 AND j.round_leads = 1
                        THEN r.compute_credit_qualifier END AS round_credit_qualifier
            FROM joined j
            JOIN {T["round"]} r ON r.id = j.round_id
            JOIN {T["startup"]} s ON s.id = r.startup_id
            JOIN {T["investor"]} i ON i.id = j.ancestor_id
        )
        SELECT ancestor_id, round_id, startup_id, announced_on, top_level, is_ai, amount_usd,
               amount_qualifier, own_usd, own_known > 0, own_at_least, own_approx, own_at_most,
               credits, {credit_flags}, %s, %s
        FROM per_round
        """,
        [*([] if startups is None else params), stamp["computed_at"], stamp["data_version"]],
    )


def investor_rounds_of(startups: set[int]) -> list[Footprint]:
    return list(
        InvestorRound.objects.filter(startup_id__in=startups).values_list(
            "investor_id", "round_id", "startup_id", "announced_on", "top_level"
        )
    )


def investor_stats_insert(
    kind: str,
    targets: list[tuple[int, dt.date]] | None,
    stamp: dict,
    into: str = InvestorPeriodStat._meta.db_table,
) -> None:
    """Deals per investor (each round once) and period, grouped from the investor rounds:
    for every investor and period, or for the (investor, period start) `targets`, each read
    as one range of the (investor, date) key."""
    with_targets, rows, params = "", f"{IR} ir", []
    if targets is not None:
        cte, params = values_table(
            "targets",
            [(investor, start, next_period(kind, start)) for investor, start in targets],
            ("investor_id", "low", "high"),
        )
        with_targets = f"WITH {cte}"
        rows += """ JOIN targets t ON ir.investor_id = t.investor_id
                    AND ir.announced_on >= t.low AND ir.announced_on < t.high"""
    capital_flags = ", ".join(
        f"CASE WHEN amount_usd IS NOT NULL AND amount_qualifier = '{q}' THEN 1 ELSE 0 END "
        f"AS cap_{q}"
        for q in BOUNDS
    )
    columns = (
        "investor_id, period_kind, period_start, deals_total, deals_ai, ai_share, "
        "deals_disclosed, capital_usd, capital_qualifier, own_contribution_usd, "
        "own_contribution_qualifier, own_contribution_disclosed, compute_credits_usd, "
        "compute_credits_qualifier, compute_credits_disclosed, computed_at, data_version"
    )
    execute(
        f"""
        INSERT INTO {into} ({columns})
        {with_targets}
        SELECT investor_id, %s, period_start, COUNT(*), SUM(CASE WHEN is_ai THEN 1 ELSE 0 END),
               ROUND(1.0 * SUM(CASE WHEN is_ai THEN 1 ELSE 0 END) / COUNT(*), 6),
               COUNT(amount_usd), SUM(amount_usd), {qualifier_sql("cap")},
               SUM(own_usd), {qualifier_sql("own")},
               SUM(CASE WHEN own_known THEN 1 ELSE 0 END),
               SUM(credits_usd), {qualifier_sql("credits")}, COUNT(credits_usd), %s, %s
        FROM (
            SELECT ir.*, {truncate_sql(kind, "ir.announced_on")} AS period_start, {capital_flags}
            FROM {rows}
        ) rows
        GROUP BY investor_id, period_start
        """,
        [*params, kind, stamp["computed_at"], stamp["data_version"]],
    )


def investor_totals_insert(
    investors: set[int] | None, stamp: dict, into: str = InvestorTotal._meta.db_table
) -> None:
    """Each investor's year rows summed (run after the year rows are written)."""
    where, params = id_filter("investor_id", investors)
    flags = ", ".join(
        f"MAX(CASE WHEN {value} IS NOT NULL AND {qualifier} = '{q}' THEN 1 ELSE 0 END) = 1"
        for value, qualifier in (
            ("capital_usd", "capital_qualifier"),
            ("compute_credits_usd", "compute_credits_qualifier"),
        )
        for q in BOUNDS
    )
    columns = (
        "investor_id, deals_total, deals_ai, deals_disclosed, capital_usd, own_contribution_usd, "
        "compute_credits_usd, compute_credits_disclosed, credits_base_usd, capital_at_least, "
        "capital_approx, capital_at_most, credits_at_least, credits_approx, credits_at_most, "
        "computed_at, data_version"
    )
    execute(
        f"""
        INSERT INTO {into} ({columns})
        SELECT investor_id, SUM(deals_total), SUM(deals_ai), SUM(deals_disclosed),
               SUM(capital_usd), SUM(own_contribution_usd), SUM(compute_credits_usd),
               SUM(compute_credits_disclosed),
               SUM(CASE WHEN compute_credits_usd IS NOT NULL
                        THEN COALESCE(own_contribution_usd, capital_usd) END),
               {flags}, %s, %s
        FROM {InvestorPeriodStat._meta.db_table}
        WHERE period_kind = %s AND {where}
        GROUP BY investor_id
        """,
        [stamp["computed_at"], stamp["data_version"], PeriodKind.YEAR, *params],
    )


def investors_regroup(before: list[Footprint], after: list[Footprint], stamp: dict) -> None:
    """Period figures and totals again for the (investor, period) cells that the touched
    startups' rows fell in, before their rewrite or after it."""
    moved = before + after
    investors = {row[0] for row in moved}
    if not investors:
        return
    for kind in PeriodKind.values:
        targets = sorted({(row[0], period_start(kind, row[3])) for row in moved})
        for start in range(0, len(targets), TARGETS_PER_QUERY):
            chunk = targets[start : start + TARGETS_PER_QUERY]
            _investor_stats_delete(kind, chunk)
            investor_stats_insert(kind, chunk, stamp)
    InvestorTotal.objects.filter(investor_id__in=investors).delete()
    investor_totals_insert(investors, stamp)


def _investor_stats_delete(kind: str, targets: list[tuple[int, dt.date]]) -> None:
    cte, params = values_table("targets", targets, ("investor_id", "period_start"))
    execute(
        f"""
        WITH {cte}
        DELETE FROM {InvestorPeriodStat._meta.db_table}
        WHERE period_kind = %s
              AND (investor_id, period_start) IN (SELECT investor_id, period_start FROM targets)
        """,
        [*params, kind],
    )


def co_investments_insert(stamp: dict, into: str) -> None:
    """Pairs of top-level investors in the same startups: how many, in how many rounds
    together, and since when (the first day both were in a shared startup).

    The intermediate sets go into temporary tables. SQLite needs them indexed for its
    self-joins; PostgreSQL hashes them faster without (with an index it chose a nested loop
    that took 72 s for the pairs of 1M rounds, against 20 s hashed). `into` is a bare copy of
    the table on PostgreSQL (aside.written_aside): no index to keep in order while inserting.
    """
    execute(
        f"""
        CREATE TEMPORARY TABLE tmp_rp AS
        SELECT investor_id AS root, round_id, startup_id, announced_on
        FROM {IR} WHERE top_level
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
            SELECT root, startup_id, MIN(announced_on) AS first_on
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
        columns = (
            "investor_a_id, investor_b_id, shared_startups, shared_rounds, first_together, "
            "computed_at, data_version"
        )
        execute(
            f"""
            INSERT INTO {into} ({columns})
            SELECT s.a, s.b, s.shared, COALESCE(r.rounds, 0), s.first_on, %s, %s
            FROM (
                SELECT x.root AS a, y.root AS b, COUNT(*) AS shared,
                       MIN(CASE WHEN x.first_on > y.first_on THEN x.first_on
                                ELSE y.first_on END) AS first_on
                FROM tmp_sp x JOIN tmp_sp y ON x.startup_id = y.startup_id AND x.root < y.root
                GROUP BY x.root, y.root
            ) s LEFT JOIN (
                SELECT x.root AS a, y.root AS b, COUNT(*) AS rounds
                FROM tmp_rp x JOIN tmp_rp y ON x.round_id = y.round_id AND x.root < y.root
                GROUP BY x.root, y.root
            ) r ON r.a = s.a AND r.b = s.b
            """,
            [stamp["computed_at"], stamp["data_version"]],
        )
    finally:
        execute("DROP TABLE IF EXISTS tmp_sp", [])
        execute("DROP TABLE IF EXISTS tmp_rp", [])


def pair_terms(rows: list[Footprint]) -> dict[tuple[int, int], list]:
    """What the rows of some startups add to each pair of top-level investors in them:
    [shared startups, shared rounds, first day together]."""
    firsts: dict[int, dict[int, dt.date]] = defaultdict(dict)
    in_round: dict[int, set[int]] = defaultdict(set)
    for investor, round_id, startup, day, top_level in rows:
        if top_level:
            seen = firsts[startup].get(investor)
            firsts[startup][investor] = day if seen is None else min(seen, day)
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
    changed, created, emptied = [], [], []
    for pair in sorted(pairs):
        was, now = old.get(pair, [0, 0, None]), new.get(pair, [0, 0, None])
        row = stored.get(pair)
        if row is None:
            row = CoInvestment(investor_a_id=pair[0], investor_b_id=pair[1], **stamp)
            row.shared_startups = row.shared_rounds = 0
            created.append(row)
        else:
            changed.append(row)
        row.shared_startups += now[0] - was[0]
        row.shared_rounds += now[1] - was[1]
        row.computed_at, row.data_version = stamp["computed_at"], stamp["data_version"]
        if row.shared_startups == 0:
            emptied.append(row)
            continue
        first = row.first_together if row.pk else None
        if first is not None and was[2] == first and (now[2] is None or now[2] > first):
            row.first_together = _first_together(*pair)
        else:
            row.first_together = min(day for day in (first, now[2]) if day is not None)
    gone = {id(row) for row in emptied}
    CoInvestment.objects.filter(pk__in=[row.pk for row in emptied if row.pk]).delete()
    CoInvestment.objects.bulk_update(
        [row for row in changed if id(row) not in gone],
        ["shared_startups", "shared_rounds", "first_together", "computed_at", "data_version"],
        batch_size=1000,
    )
    CoInvestment.objects.bulk_create([row for row in created if id(row) not in gone])


def _first_together(a: int, b: int) -> dt.date:
    ((first,),) = fetch(
        f"""
        SELECT MIN(CASE WHEN x.first_on > y.first_on THEN x.first_on ELSE y.first_on END)
        FROM (SELECT startup_id, MIN(announced_on) AS first_on FROM {IR}
              WHERE investor_id = %s GROUP BY startup_id) x
        JOIN (SELECT startup_id, MIN(announced_on) AS first_on FROM {IR}
              WHERE investor_id = %s GROUP BY startup_id) y ON x.startup_id = y.startup_id
        """,
        [a, b],
    )
    return first if isinstance(first, dt.date) else dt.date.fromisoformat(first)
