"""The aggregates, computed in SQL: GROUP BY over the deals, window functions for intervals.

Each function recomputes one family of aggregate rows, for everything or for the affected
startups and investors only; Python only reshapes grouped results, never loops over deals.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection, connections

from deals.models import FundingRound, Investor, InvestorAncestry, Participation, ValuationMark
from startups.models import ModelProduct, Startup

from .models import (
    NAMED_CHANGES,
    DatasetTotal,
    PeriodKind,
    ProductPeriodStat,
    UnicornMembership,
    UnicornPeriodStat,
    ValuationPoint,
)
from .periods import as_date, truncate_sql, values_table
from .staleness import is_stale, stale_after_months

UNICORN_USD = Decimal(1_000_000_000)
BOUNDS = ("at_least", "approx", "at_most")
# Aggregate rows per INSERT.
WRITE_BATCH = 5000

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


def fetch(sql: str, params: list, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """The rows of `sql`, on the primary unless `using` names the database a page reads."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rows_replace(model, rows: list, keep) -> None:
    """Write aggregate rows an incremental refresh moved: the stored ones are deleted and
    those `keep` accepts inserted again (one DELETE and one INSERT: an UPDATE of many
    columns over a few dozen rows cost more)."""
    model.objects.filter(pk__in=[row.pk for row in rows if row.pk is not None]).delete()
    for row in rows:
        row.pk = None
    model.objects.bulk_create([row for row in rows if keep(row)], batch_size=WRITE_BATCH)


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


def valuation_points_insert(startups: set[int] | None, stamp: dict, into: str = T["point"]) -> None:
    """Rounds' post-money valuations and valuation marks known in USD, as one series."""
    round_where, params = id_filter("startup_id", startups)
    mark_where, mark_params = id_filter("startup_id", startups)
    columns = (
        "startup_id, valued_on, date_precision, valuation_usd, qualifier, round_id, mark_id, "
        "computed_at, data_version"
    )
    execute(
        f"""
        INSERT INTO {into} ({columns})
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


def first_valuation(points: str = T["point"]):
    """The day of the first valuation point (in the table `points`), or None."""
    ((first,),) = fetch(f"SELECT MIN(valued_on) FROM {points}", [])
    return as_date(first) if first else None


def unicorn_members_insert(
    kind: str,
    periods: list,
    startups: set[int] | None,
    stamp: dict,
    into: str = T["member"],
    points: str = T["point"],
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
            SELECT v.startup_id, v.valued_on, v.date_precision, v.valuation_usd,
                   LEAD(v.valued_on) OVER (
                       PARTITION BY v.startup_id ORDER BY v.valued_on, v.mark_id, v.round_id
                   ) AS until
            FROM {points} v WHERE {where}
        )
        INSERT INTO {into}
            (period_kind, period_end, startup_id, slug, valuation_usd, valued_on,
             date_precision, computed_at, data_version)
        SELECT %s, p.period_end, sp.startup_id, s.slug, sp.valuation_usd, sp.valued_on,
               sp.date_precision, %s, %s
        FROM spans sp
        JOIN periods p ON sp.valued_on <= p.period_end
                      AND (sp.until IS NULL OR sp.until > p.period_end)
        JOIN {T["startup"]} s ON s.id = sp.startup_id
        WHERE sp.valuation_usd >= %s AND s.is_ai
              AND (s.ipo_date IS NULL OR s.ipo_date > p.period_end)
        """,
        [*period_params, *params, kind, stamp["computed_at"], stamp["data_version"], UNICORN_USD],
    )


def unicorn_periods(
    kind: str, periods: list, stamp: dict, memberships: str = T["member"]
) -> list[UnicornPeriodStat]:
    """Counts per period end, with who joined and who left since the period before, and
    who rests on a stale valuation (from the memberships in the table `memberships`)."""
    members: dict = defaultdict(set)
    rows = fetch(
        f"SELECT period_end, slug, valued_on, date_precision FROM {memberships} "
        "WHERE period_kind = %s",
        [kind],
    )
    for member in member_keys(rows):
        members[member[0]].add(member)
    stats, previous = [], set()
    for start, end in periods:
        stat = UnicornPeriodStat(period_kind=kind, period_start=start, period_end=end, **stamp)
        _set_members(stat, members.get(end, set()), previous)
        stats.append(stat)
        previous = {slug for _, slug, _ in members.get(end, set())}
    return stats


def member_keys(rows) -> set[tuple]:
    """(period end, slug, stale) of memberships read as (period end, slug, valuation date,
    its precision): whether the valuation in force is stale at the period's end."""
    months = stale_after_months()
    keys = set()
    for end, slug, valued_on, precision in rows:
        end = as_date(end)
        stale = valued_on is not None and is_stale(as_date(valued_on), precision, end, months)
        keys.add((end, slug, stale))
    return keys


# What _set_members writes.
CHANGES = [
    "count",
    "startups",
    "joined",
    "left",
    "joined_count",
    "left_count",
    "joined_first",
    "left_first",
    "stale",
    "stale_startups",
    "stale_first",
]


def _set_members(stat: UnicornPeriodStat, members: set[tuple], previous: set[str]) -> None:
    """Set a period's lists from its members, as (period end, slug, stale)."""
    current = {slug for _, slug, _ in members}
    # Sorted here rather than by the database, whose collation may order slugs differently.
    stat.stale_startups = sorted(slug for _, slug, stale in members if stale)
    stat.stale, stat.stale_first = len(stat.stale_startups), stat.stale_startups[:NAMED_CHANGES]
    stat.count, stat.startups = len(current), sorted(current)
    stat.joined, stat.left = sorted(current - previous), sorted(previous - current)
    stat.joined_count, stat.joined_first = len(stat.joined), stat.joined[:NAMED_CHANGES]
    stat.left_count, stat.left_first = len(stat.left), stat.left[:NAMED_CHANGES]


def unicorn_periods_update(
    kind: str, periods: list, before: set[tuple], after: set[tuple], stamp: dict
) -> bool:
    """Edit the stored periods by what some startups' memberships were and are, as
    (period end, slug, stale): the periods where they differ, and the periods after those
    (whose joined and left compare with them). False when a stored period is missing."""
    ends = [end for _, end in periods]
    position = {end: i for i, end in enumerate(ends)}
    moved = {position[end] for end, _, _ in before ^ after}
    affected = moved | {i + 1 for i in moved if i + 1 < len(ends)}
    if not affected:
        return True
    needed = {ends[i] for i in affected | {i - 1 for i in affected if i > 0}}
    stored = {
        stat.period_end: stat
        for stat in UnicornPeriodStat.objects.filter(period_kind=kind, period_end__in=needed)
    }
    if len(stored) != len(needed):
        return False
    members = {}
    for end, stat in stored.items():
        stale = set(stat.stale_startups)
        kept = {(end, slug, slug in stale) for slug in stat.startups}
        gone = {slug for e, slug, _ in before if e == end}
        members[end] = {m for m in kept if m[1] not in gone} | {m for m in after if m[0] == end}
    for i in sorted(affected):
        stat = stored[ends[i]]
        previous = {slug for _, slug, _ in members[ends[i - 1]]} if i > 0 else set()
        _set_members(stat, members[ends[i]], previous)
        stat.computed_at, stat.data_version = stamp["computed_at"], stamp["data_version"]
    UnicornPeriodStat.objects.bulk_update(
        [stored[ends[i]] for i in affected],
        [*CHANGES, "computed_at", "data_version"],
    )
    return True


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
