"""The aggregates, computed in SQL: GROUP BY over the deals, window functions for intervals.

Each function recomputes one family of aggregate rows, for everything or for the affected
startups and investors only; Python only reshapes grouped results, never loops over deals.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection

from deals.models import FundingRound, Investor, InvestorAncestry, Participation, ValuationMark
from startups.models import ModelProduct, Startup

from .models import (
    CoInvestment,
    DatasetTotal,
    InvestorPeriodStat,
    InvestorTotal,
    PeriodKind,
    ProductPeriodStat,
    UnicornMembership,
    UnicornPeriodStat,
    ValuationPoint,
)
from .periods import as_date, truncate_sql, values_table

UNICORN_USD = Decimal(1_000_000_000)
BOUNDS = ("at_least", "approx", "at_most")

T = {
    "round": FundingRound._meta.db_table,
    "participation": Participation._meta.db_table,
    "ancestry": InvestorAncestry._meta.db_table,
    "investor": Investor._meta.db_table,
    "startup": Startup._meta.db_table,
    "mark": ValuationMark._meta.db_table,
    "product": ModelProduct._meta.db_table,
    "point": ValuationPoint._meta.db_table,
    "member": UnicornMembership._meta.db_table,
}


def flag_columns(value: str, qualifier: str, prefix: str) -> str:
    """Per group: whether any known `value` carries each bound qualifier (0 or 1)."""
    return ", ".join(
        f"MAX(CASE WHEN {value} IS NOT NULL AND {qualifier} = '{q}' THEN 1 ELSE 0 END)"
        f" AS {prefix}_{q}"
        for q in BOUNDS
    )


def id_filter(column: str, ids: set[int] | None) -> tuple[str, list]:
    if ids is None:
        return "1 = 1", []
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", sorted(ids)


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def qualifier_sql(prefix: str) -> str:
    """The README's rule for a sum of figures, over the MAX flags of a group: a total with an
    `at_least` part is at least, with an `approx` part approximate; bounds in both directions
    make it approximate."""
    at_least, approx, at_most = (f"MAX({prefix}_{q})" for q in BOUNDS)
    return (
        f"CASE WHEN {at_least} = 1 AND {at_most} = 1 THEN 'approx' "
        f"WHEN {at_least} = 1 THEN 'at_least' WHEN {at_most} = 1 THEN 'at_most' "
        f"WHEN {approx} = 1 THEN 'approx' ELSE 'exact' END"
    )


def investor_stats_insert(kind: str, ancestors: set[int] | None, stamp: dict) -> None:
    """Deals per investor (its affiliates rolled up, each round counted once) and period.

    Capital of rounds joined counts whole rounds; own contribution only what participations
    disclose. Compute credits: what the family's participations disclose, else the round's
    credits when the family holds the round's only lead. Written by one INSERT ... SELECT:
    no row passes through Python.
    """
    where, params = id_filter("a.ancestor_id", ancestors)
    family, family_params = id_filter("fa.ancestor_id", ancestors)
    # The rounds the investors joined (all of them in a full refresh), with every participant.
    round_scope = (
        "1 = 1"
        if ancestors is None
        else f"""lp.round_id IN (
                SELECT fp.round_id FROM {T["participation"]} fp
                JOIN {T["ancestry"]} fa ON fa.investor_id = fp.investor_id
                WHERE {family}
            )"""
    )
    credit_flags = ", ".join(
        f"CASE WHEN credits IS NOT NULL AND (pc_{q} = 1 OR round_credit_qualifier = '{q}') "
        f"THEN 1 ELSE 0 END AS credit_{q}"
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
        INSERT INTO {InvestorPeriodStat._meta.db_table} ({columns})
        WITH led AS (
            -- Each participation with its round's number of leads (a window, one pass).
            SELECT lp.*, SUM(CASE WHEN lp.is_lead THEN 1 ELSE 0 END)
                         OVER (PARTITION BY lp.round_id) AS round_leads
            FROM {T["participation"]} lp
            WHERE {round_scope}
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
            WHERE {where}
            GROUP BY a.ancestor_id, p.round_id
        ), per_round AS (
            SELECT j.*, r.amount_usd, r.amount_qualifier, s.is_ai,
                   {truncate_sql(kind, "r.announced_on")} AS period_start,
                   CASE WHEN j.part_credits_known > 0 THEN j.part_credits
                        WHEN j.family_leads = 1 AND j.round_leads = 1
                        THEN r.compute_credit_amount_usd END AS credits,
                   CASE WHEN j.part_credits_known > 0 THEN NULL
                        WHEN j.family_leads = 1 AND j.round_leads = 1
                        THEN r.compute_credit_qualifier END AS round_credit_qualifier,
                   CASE WHEN r.amount_usd IS NOT NULL AND r.amount_qualifier = 'at_least'
                        THEN 1 ELSE 0 END AS cap_at_least,
                   CASE WHEN r.amount_usd IS NOT NULL AND r.amount_qualifier = 'approx'
                        THEN 1 ELSE 0 END AS cap_approx,
                   CASE WHEN r.amount_usd IS NOT NULL AND r.amount_qualifier = 'at_most'
                        THEN 1 ELSE 0 END AS cap_at_most
            FROM joined j
            JOIN {T["round"]} r ON r.id = j.round_id
            JOIN {T["startup"]} s ON s.id = r.startup_id
        ), flagged AS (
            SELECT per_round.*, {credit_flags} FROM per_round
        )
        SELECT ancestor_id, %s, period_start, COUNT(*), SUM(CASE WHEN is_ai THEN 1 ELSE 0 END),
               ROUND(1.0 * SUM(CASE WHEN is_ai THEN 1 ELSE 0 END) / COUNT(*), 6),
               COUNT(amount_usd), SUM(amount_usd), {qualifier_sql("cap")},
               SUM(own_usd), {qualifier_sql("own")},
               SUM(CASE WHEN own_known > 0 THEN 1 ELSE 0 END),
               SUM(credits), {qualifier_sql("credit")}, COUNT(credits),
               %s, %s
        FROM flagged GROUP BY ancestor_id, period_start
        """,
        [*family_params, *params, kind, stamp["computed_at"], stamp["data_version"]],
    )


def investor_totals_insert(ancestors: set[int] | None, stamp: dict) -> None:
    """Each investor's year rows summed (run after the year rows are written)."""
    where, params = id_filter("investor_id", ancestors)
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
        INSERT INTO {InvestorTotal._meta.db_table} ({columns})
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


def dataset_total(stamp: dict) -> DatasetTotal:
    """The headline counts, over every startup and round."""
    counted = ", ".join(
        f"SUM(CASE WHEN amount_usd IS NOT NULL AND amount_qualifier = '{q}' THEN 1 ELSE 0 END)"
        for q in BOUNDS
    )
    ((rounds, disclosed, usd, at_least, approx, at_most),) = fetch(
        f"SELECT COUNT(*), COUNT(amount_usd), SUM(amount_usd), {counted} FROM {T['round']}", []
    )
    ((startups, ai),) = fetch(
        f"SELECT COUNT(*), SUM(CASE WHEN is_ai THEN 1 ELSE 0 END) FROM {T['startup']}", []
    )
    return DatasetTotal(
        startups=startups,
        ai_startups=ai or 0,
        rounds=rounds,
        rounds_disclosed=disclosed,
        capital_usd=usd,
        capital_at_least=at_least or 0,
        capital_approx=approx or 0,
        capital_at_most=at_most or 0,
        **stamp,
    )


def valuation_points_insert(startups: set[int] | None, stamp: dict) -> None:
    """Rounds' post-money valuations and valuation marks known in USD, as one series."""
    round_where, params = id_filter("startup_id", startups)
    mark_where, mark_params = id_filter("startup_id", startups)
    columns = (
        "startup_id, valued_on, date_precision, valuation_usd, qualifier, round_id, mark_id, "
        "computed_at, data_version"
    )
    execute(
        f"""
        INSERT INTO {T["point"]} ({columns})
        SELECT startup_id, announced_on, date_precision, post_money_valuation_usd,
               valuation_qualifier, id, NULL, %s, %s
        FROM {T["round"]} WHERE post_money_valuation_usd IS NOT NULL AND {round_where}
        UNION ALL
        SELECT startup_id, valued_on, date_precision, value_usd, value_qualifier, NULL, id, %s, %s
        FROM {T["mark"]} WHERE value_usd IS NOT NULL AND {mark_where}
        """,
        [
            stamp["computed_at"],
            stamp["data_version"],
            *params,
            stamp["computed_at"],
            stamp["data_version"],
            *mark_params,
        ],
    )


def unicorn_members_insert(
    kind: str, periods: list, startups: set[int] | None, stamp: dict
) -> None:
    """Startups valued at $1B or more at each period's end: AI, not listed by then.

    Each valuation holds from its date until the startup's next one (LEAD), so a period end
    picks the latest valuation on or before it without scanning every earlier point.
    """
    if not periods:
        return
    where, params = id_filter("v.startup_id", startups)
    periods_cte, period_params = values_table("periods", periods)
    execute(
        f"""
        WITH {periods_cte}, spans AS (
            SELECT v.startup_id, v.valued_on, v.valuation_usd,
                   LEAD(v.valued_on) OVER (
                       PARTITION BY v.startup_id ORDER BY v.valued_on, v.mark_id, v.round_id
                   ) AS until
            FROM {T["point"]} v WHERE {where}
        )
        INSERT INTO {T["member"]}
            (period_kind, period_end, startup_id, valuation_usd, computed_at, data_version)
        SELECT %s, p.period_end, sp.startup_id, sp.valuation_usd, %s, %s
        FROM spans sp
        JOIN periods p ON sp.valued_on <= p.period_end
                      AND (sp.until IS NULL OR sp.until > p.period_end)
        JOIN {T["startup"]} s ON s.id = sp.startup_id
        WHERE sp.valuation_usd >= %s AND s.is_ai
              AND (s.ipo_date IS NULL OR s.ipo_date > p.period_end)
        """,
        [*period_params, *params, kind, stamp["computed_at"], stamp["data_version"], UNICORN_USD],
    )


def unicorn_periods(kind: str, periods: list, stamp: dict) -> list[UnicornPeriodStat]:
    """Counts per period end, with who joined and who left since the period before."""
    members: dict = defaultdict(list)
    for end, slug in (
        UnicornMembership.objects.filter(period_kind=kind)
        .order_by("period_end", "startup__slug")
        .values_list("period_end", "startup__slug")
    ):
        members[end].append(slug)
    stats, previous = [], set()
    for start, end in periods:
        current = members.get(end, [])
        stats.append(
            UnicornPeriodStat(
                period_kind=kind,
                period_start=start,
                period_end=end,
                count=len(current),
                startups=current,
                joined=sorted(set(current) - previous),
                left=sorted(previous - set(current)),
                **stamp,
            )
        )
        previous = set(current)
    return stats


def co_investments_insert(roots: set[int] | None, stamp: dict) -> None:
    """Pairs of top-level investors in the same startups: how many, in how many rounds
    together, and since when (the first day both were in a shared startup).

    The intermediate sets go into temporary tables. SQLite needs them indexed for its
    self-joins; PostgreSQL hashes them faster without (with an index it chose a nested loop
    that took 72 s for the pairs of 1M rounds, against 20 s hashed). The pairs are inserted in
    key order, so that the unique index grows at its end instead of splitting pages at random.
    """
    x_where, params = id_filter("x.root", roots)
    y_where, _ = id_filter("y.root", roots)
    mine, both = f"({x_where} OR {y_where})", [*params, *params]
    # Only the startups these roots backed can hold their pairs.
    scope, scope_params = "1 = 1", []
    if roots is not None:
        family, scope_params = id_filter("fa.ancestor_id", roots)
        scope = f"""r.startup_id IN (
            SELECT fr.startup_id FROM {T["participation"]} fp
            JOIN {T["ancestry"]} fa ON fa.investor_id = fp.investor_id
            JOIN {T["round"]} fr ON fr.id = fp.round_id
            WHERE {family}
        )"""
    execute(
        f"""
        CREATE TEMPORARY TABLE tmp_rp AS
        SELECT DISTINCT a.ancestor_id AS root, p.round_id, r.startup_id, r.announced_on
        FROM {T["participation"]} p
        JOIN {T["ancestry"]} a ON a.investor_id = p.investor_id
        JOIN {T["investor"]} i ON i.id = a.ancestor_id AND i.parent_id IS NULL
        JOIN {T["round"]} r ON r.id = p.round_id
        WHERE {scope}
        """,
        scope_params,
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
            INSERT INTO {CoInvestment._meta.db_table} ({columns})
            SELECT s.a, s.b, s.shared, COALESCE(r.rounds, 0), s.first_on, %s, %s
            FROM (
                SELECT x.root AS a, y.root AS b, COUNT(*) AS shared,
                       MIN(CASE WHEN x.first_on > y.first_on THEN x.first_on
                                ELSE y.first_on END) AS first_on
                FROM tmp_sp x JOIN tmp_sp y ON x.startup_id = y.startup_id AND x.root < y.root
                WHERE {mine}
                GROUP BY x.root, y.root
            ) s LEFT JOIN (
                SELECT x.root AS a, y.root AS b, COUNT(*) AS rounds
                FROM tmp_rp x JOIN tmp_rp y ON x.round_id = y.round_id AND x.root < y.root
                WHERE {mine}
                GROUP BY x.root, y.root
            ) r ON r.a = s.a AND r.b = s.b
            ORDER BY s.a, s.b
            """,
            [stamp["computed_at"], stamp["data_version"], *both, *both],
        )
    finally:
        execute("DROP TABLE IF EXISTS tmp_sp", [])
        execute("DROP TABLE IF EXISTS tmp_rp", [])


def product_stats(startups: set[int] | None, stamp: dict) -> list[ProductPeriodStat]:
    """Products launched per quarter and cumulative, per startup (all startups: the total
    is recomputed from these rows)."""
    where, params = id_filter("startup_id", startups)
    grouped = fetch(
        f"""
        SELECT startup_id, {truncate_sql(PeriodKind.QUARTER, "launched_on")} AS q, COUNT(*)
        FROM {T["product"]} WHERE launched_on IS NOT NULL AND {where}
        GROUP BY startup_id, q ORDER BY startup_id, q
        """,
        params,
    )
    stats, running = [], defaultdict(int)
    for startup, start, count in grouped:
        running[startup] += count
        stats.append(
            ProductPeriodStat(
                startup_id=startup,
                period_kind=PeriodKind.QUARTER,
                period_start=as_date(start),
                new_products=count,
                cumulative=running[startup],
                **stamp,
            )
        )
    return stats


def product_totals(stamp: dict) -> list[ProductPeriodStat]:
    grouped = fetch(
        f"""
        SELECT period_start, SUM(new_products) FROM {ProductPeriodStat._meta.db_table}
        WHERE startup_id IS NOT NULL GROUP BY period_start ORDER BY period_start
        """,
        [],
    )
    stats, running = [], 0
    for start, count in grouped:
        running += count
        stats.append(
            ProductPeriodStat(
                startup_id=None,
                period_kind=PeriodKind.QUARTER,
                period_start=as_date(start),
                new_products=count,
                cumulative=running,
                **stamp,
            )
        )
    return stats
