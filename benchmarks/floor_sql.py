"""The floor for a full refresh: the same aggregates written by hand as plain GROUP BY queries
into unindexed temporary tables, with nothing else (no qualifiers, no deletes, no indexes to
maintain, no Python). A refresh can't beat this; the ratio says what our extras cost."""

import time

from django.conf import settings
from django.db import connection, transaction

from dashboards.aggregates import T
from dashboards.models import PeriodKind
from startups.statement_timeout import extend_statement_timeout


def investor_stats(kind: str) -> str:
    return f"""
    CREATE TEMP TABLE floor_investor_{kind} AS
    SELECT j.ancestor_id, CAST(DATE_TRUNC('{kind}', r.announced_on) AS DATE) AS period_start,
           COUNT(*) AS deals, COUNT(*) FILTER (WHERE s.is_ai) AS deals_ai,
           SUM(r.amount_usd) AS capital_usd, SUM(j.own_usd) AS own_usd,
           SUM(j.credits_usd) AS credits_usd
    FROM (
        SELECT a.ancestor_id, p.round_id, SUM(p.amount_usd) AS own_usd,
               SUM(p.compute_credit_amount_usd) AS credits_usd
        FROM {T["participation"]} p JOIN {T["ancestry"]} a ON a.investor_id = p.investor_id
        GROUP BY a.ancestor_id, p.round_id
    ) j
    JOIN {T["round"]} r ON r.id = j.round_id
    JOIN {T["startup"]} s ON s.id = r.startup_id
    GROUP BY 1, 2
    """


VALUATION_POINTS = f"""
    CREATE TEMP TABLE floor_points AS
    SELECT startup_id, announced_on AS valued_on, post_money_valuation_usd AS usd
    FROM {T["round"]} WHERE post_money_valuation_usd IS NOT NULL
    UNION ALL
    SELECT startup_id, valued_on, value_usd FROM {T["mark"]} WHERE value_usd IS NOT NULL
"""


STEP = {"year": "1 year", "quarter": "3 months"}


def unicorns(kind: str) -> str:
    return f"""
    CREATE TEMP TABLE floor_unicorns_{kind} AS
    WITH ends AS (
        SELECT CAST(g + INTERVAL '{STEP[kind]}' - INTERVAL '1 day' AS DATE) AS period_end
        FROM GENERATE_SERIES(
            (SELECT DATE_TRUNC('{kind}', MIN(valued_on)) FROM floor_points),
            NOW(), INTERVAL '{STEP[kind]}'
        ) g
    ), spans AS (
        SELECT startup_id, valued_on, usd,
               LEAD(valued_on) OVER (PARTITION BY startup_id ORDER BY valued_on) AS until
        FROM floor_points
    )
    SELECT e.period_end, sp.startup_id
    FROM spans sp
    JOIN ends e ON sp.valued_on <= e.period_end AND (sp.until IS NULL OR sp.until > e.period_end)
    JOIN {T["startup"]} s ON s.id = sp.startup_id
    WHERE sp.usd >= 1000000000 AND s.is_ai
          AND (s.ipo_date IS NULL OR s.ipo_date > e.period_end)
    """


CO_INVESTMENTS = [
    f"""
    CREATE TEMP TABLE floor_rp AS
    SELECT DISTINCT a.ancestor_id AS root, p.round_id, r.startup_id, r.announced_on
    FROM {T["participation"]} p
    JOIN {T["ancestry"]} a ON a.investor_id = p.investor_id
    JOIN {T["investor"]} i ON i.id = a.ancestor_id AND i.parent_id IS NULL
    JOIN {T["round"]} r ON r.id = p.round_id
    """,
    """
    CREATE TEMP TABLE floor_sp AS
    SELECT root, startup_id, MIN(announced_on) AS first_on FROM floor_rp GROUP BY 1, 2
    """,
    """
    CREATE TEMP TABLE floor_pairs AS
    SELECT s.a, s.b, s.shared, COALESCE(r.rounds, 0) AS rounds, s.first_on
    FROM (
        SELECT x.root AS a, y.root AS b, COUNT(*) AS shared,
               MIN(GREATEST(x.first_on, y.first_on)) AS first_on
        FROM floor_sp x JOIN floor_sp y ON x.startup_id = y.startup_id AND x.root < y.root
        GROUP BY 1, 2
    ) s LEFT JOIN (
        SELECT x.root AS a, y.root AS b, COUNT(*) AS rounds
        FROM floor_rp x JOIN floor_rp y ON x.round_id = y.round_id AND x.root < y.root
        GROUP BY 1, 2
    ) r ON r.a = s.a AND r.b = s.b
    """,
]

PRODUCTS = f"""
    CREATE TEMP TABLE floor_products AS
    SELECT startup_id, CAST(DATE_TRUNC('quarter', launched_on) AS DATE) AS quarter, COUNT(*)
    FROM {T["product"]} WHERE launched_on IS NOT NULL GROUP BY 1, 2
"""


def statements() -> dict[str, list[str]]:
    kinds = PeriodKind.values
    return {
        "investor_stats": [investor_stats(kind) for kind in kinds],
        "co_investments": CO_INVESTMENTS,
        "valuation_points": [VALUATION_POINTS],
        "unicorns": [unicorns(kind) for kind in kinds],
        "products": [PRODUCTS],
    }


def run() -> dict[str, float]:
    """Seconds per family of aggregates; everything is rolled back afterwards."""
    seconds = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # The memory and the statement timeout the refresh runs with, so that both sides sort
        # and hash alike, and neither is cut off at the web's timeout.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.REFRESH_WORK_MEM])
        extend_statement_timeout(cursor)
        for family, sqls in statements().items():
            started = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
            seconds[family] = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds
