"""Investor aggregates: each investor's rounds (affiliates rolled up), grouped into period
figures (cells) and totals.

The `InvestorRound` rows are the one pass over the deals; cells and co-investment pairs are
grouped from them. A full refresh writes every row and groups every cell. An incremental one
rewrites the touched startups' rows and moves each cell they fall in by what they add now
minus what they added before: on a million rounds, one new round costs the rows of one
startup, not the millions of rounds its investors joined.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from startups.sectors import AiDefinition, core_ai_sql
from startups.vocab import sum_qualifier

from .aggregates import (
    BOUNDS,
    T,
    execute,
    fetch,
    flag_columns,
    id_filter,
    qualifier_sql,
    rows_replace,
)
from .models import InvestorPeriodStat, InvestorRound, InvestorTotal, PeriodKind
from .periods import as_date, truncate_sql

IR = InvestorRound._meta.db_table
# The figures whose bounds are counted, as the investor rounds' flag columns name them.
FIGURES = ("capital", "own", "credits")
# What an incremental refresh reads of a row: enough to know whose figures and pairs it fed.
# investor, round, startup, date, its precision, top level
Footprint = tuple[int, int, int, dt.date, str, bool]


def investor_rounds_insert(startups: set[int] | None, stamp: dict, into: str = IR) -> None:
    """The rounds of `startups` (of all, for None) as each investor and its ancestors joined
    them: one row per investor and round, written by one INSERT ... SELECT."""
    select, params = investor_rounds_select(startups)
    execute(
        f"INSERT INTO {into} ({ROUND_COLUMNS}, computed_at, data_version) "
        f"SELECT q.*, %s, %s FROM ({select}) q",
        [stamp["computed_at"], stamp["data_version"], *params],
    )


ROUND_COLUMNS = (
    "investor_id, round_id, startup_id, announced_on, date_precision, top_level, is_ai, "
    "core_ai, amount_usd, amount_qualifier, own_usd, own_known, own_at_least, own_approx, "
    "own_at_most, credits_usd, credits_at_least, credits_approx, credits_at_most"
)


def investor_rounds_select(startups: set[int] | None) -> tuple[str, list]:
    """The SELECT of the investor rounds of `startups` (all, for None), its columns named as
    the table's (ROUND_COLUMNS), and its parameters.

    Capital counts the whole round; own contribution only what the family's stakes disclose.
    Compute credits: what the family's stakes disclose, else the round's credits when the
    family holds the round's only lead.
    """
    where, params = id_filter("sr.startup_id", startups)
    round_scope = f"lp.round_id IN (SELECT sr.id FROM {T['round']} sr WHERE {where})"
    credit_flags = ", ".join(
        f"CASE WHEN credits IS NOT NULL AND (pc_{q} = 1 OR round_credit_qualifier = '{q}') "
        f"THEN 1 ELSE 0 END AS credits_{q}"
        for q in BOUNDS
    )
    select = f"""
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
            -- Round first: the window left the rows in round order, so PostgreSQL groups
            -- them as they come (a sort within each round) instead of hashing 3M groups to
            -- disk.
            GROUP BY p.round_id, a.ancestor_id
        ), per_round AS (
            SELECT j.*, r.startup_id, r.announced_on, r.date_precision, r.amount_usd,
                   r.amount_qualifier,
                   s.is_ai, {core_ai_sql("s.is_ai", "s.sector")} AS core_ai,
                   i.parent_id IS NULL AS top_level,
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
        SELECT ancestor_id AS investor_id, round_id, startup_id, announced_on, date_precision,
               top_level, is_ai, core_ai, amount_usd, amount_qualifier, own_usd,
               own_known > 0 AS own_known, own_at_least, own_approx, own_at_most,
               credits AS credits_usd, {credit_flags}
        FROM per_round
    """
    return select, [] if startups is None else params


def investor_rounds_of(startups: set[int]) -> list[Footprint]:
    return list(
        InvestorRound.objects.filter(startup_id__in=startups).values_list(
            "investor_id", "round_id", "startup_id", "announced_on", "date_precision", "top_level"
        )
    )


# Per definition of AI: the cell's count of AI deals, its share, and the investor rounds'
# flag that counts a deal.
AI_COUNTS = {
    AiDefinition.BROAD: ("deals_ai", "ai_share", "is_ai"),
    AiDefinition.CORE: ("deals_core_ai", "core_ai_share", "core_ai"),
}
# A cell is an investor's figures in one period. Its counts and sums add up over rounds, so an
# edit moves them by what its rows add now minus what they added before; the rest follows.
COUNTS = (
    ("deals_total", "COUNT(*)"),
    *((deals, f"SUM(CASE WHEN {flag} THEN 1 ELSE 0 END)") for deals, _, flag in AI_COUNTS.values()),
    ("deals_disclosed", "COUNT(amount_usd)"),
    ("own_contribution_disclosed", "SUM(CASE WHEN own_known THEN 1 ELSE 0 END)"),
    ("compute_credits_disclosed", "COUNT(credits_usd)"),
    *((f"{figure}_{q}_rounds", f"SUM({figure}_{q})") for figure in FIGURES for q in BOUNDS),
)
# Each sum, and the count that is 0 exactly when the sum is unknown (NULL).
SUMS = (
    ("capital_usd", "SUM(amount_usd)", "deals_disclosed"),
    ("own_contribution_usd", "SUM(own_usd)", "own_contribution_disclosed"),
    ("compute_credits_usd", "SUM(credits_usd)", "compute_credits_disclosed"),
)
QUALIFIERS = dict(zip(FIGURES, ("capital", "own_contribution", "compute_credits"), strict=True))
ADDITIVE = [name for name, _ in COUNTS] + [name for name, _, _ in SUMS]
SHARE = Decimal("0.000001")


def _cells_select(kind: str, rows: str) -> str:
    """The cells of the investor rounds in `rows` (a FROM clause naming them ir): investor,
    period start, the additive figures (ADDITIVE), then the share and the qualifiers."""
    capital_flags = ", ".join(
        f"CASE WHEN amount_usd IS NOT NULL AND amount_qualifier = '{q}' THEN 1 ELSE 0 END "
        f"AS capital_{q}"
        for q in BOUNDS
    )
    figures = [f"{sql} AS {name}" for name, sql in COUNTS] + [
        f"{sql} AS {name}" for name, sql, _ in SUMS
    ]
    derived = [
        *(
            f"ROUND(1.0 * SUM(CASE WHEN {flag} THEN 1 ELSE 0 END) / COUNT(*), 6) AS {share}"
            for _, share, flag in AI_COUNTS.values()
        ),
        *(f"{qualifier_sql(f)} AS {QUALIFIERS[f]}_qualifier" for f in FIGURES),
    ]
    return f"""
        SELECT investor_id, period_start, {", ".join(figures + derived)}
        FROM (
            SELECT ir.*, {truncate_sql(kind, "ir.announced_on")} AS period_start, {capital_flags}
            FROM {rows}
        ) cells
        GROUP BY investor_id, period_start
    """


CELL_COLUMNS = [
    "investor_id",
    "period_start",
    *ADDITIVE,
    *(share for _, share, _ in AI_COUNTS.values()),
    *(f"{name}_qualifier" for name in QUALIFIERS.values()),
]


def investor_stats_select(rounds: str) -> str:
    """Every investor's cells of every period kind, from the investor rounds in the table
    `rounds`: a SELECT whose columns are named as the table's (period_kind, CELL_COLUMNS).

    The quarters are grouped from the rounds, the years from the quarters: a year's counts
    and sums are its quarters', and its share and qualifiers follow from those, so the
    millions of rounds are grouped once instead of once per kind."""
    return f"""
        WITH quarters AS ({_cells_select(PeriodKind.QUARTER, f"{rounds} ir")})
        SELECT '{PeriodKind.QUARTER}' AS period_kind, quarters.* FROM quarters
        UNION ALL
        SELECT '{PeriodKind.YEAR}' AS period_kind, years.*
        FROM ({_cells_of_cells(PeriodKind.YEAR, "quarters")}) years
    """


def _cells_of_cells(kind: str, cells: str) -> str:
    """The cells of period kind `kind` summed from the finer cells in `cells`, with the
    share and the qualifiers derived from the sums as _cells_select derives them."""
    bound_flags = ", ".join(
        f"CASE WHEN {figure}_{q}_rounds > 0 THEN 1 ELSE 0 END AS {figure}_{q}"
        for figure in FIGURES
        for q in BOUNDS
    )
    # Typed as the counts grouped from rounds, which the UNION ALL puts in the same column.
    counts = [f"CAST(SUM({name}) AS BIGINT) AS {name}" for name, _ in COUNTS]
    sums = [f"SUM({name}) AS {name}" for name, _, _ in SUMS]
    derived = [
        *(
            f"ROUND(1.0 * SUM({deals}) / SUM(deals_total), 6) AS {share}"
            for deals, share, _ in AI_COUNTS.values()
        ),
        *(f"{qualifier_sql(f)} AS {QUALIFIERS[f]}_qualifier" for f in FIGURES),
    ]
    return f"""
        SELECT investor_id, period_start,
               {", ".join([*counts, *sums, *derived])}
        FROM (
            SELECT {truncate_sql(kind, "period_start")} AS period_start, {bound_flags},
                   investor_id, {", ".join(ADDITIVE)}
            FROM {cells}
        ) finer
        GROUP BY investor_id, period_start
    """


def cells_of(startups: set[int]) -> dict[str, dict[tuple[int, dt.date], dict]]:
    """What the rows of `startups` add to each cell, per period kind."""
    where, params = id_filter("ir.startup_id", startups)
    shares = {}
    for kind in PeriodKind.values:
        rows = fetch(_cells_select(kind, f"{IR} ir WHERE {where}"), params)
        shares[kind] = {
            (investor, as_date(start)): dict(zip(ADDITIVE, figures, strict=False))
            for investor, start, *figures in rows
        }
    return shares


def cells_move(before: dict, after: dict, stamp: dict) -> set[int]:
    """Move each cell by what the touched startups' rows add now minus what they added
    before (cells_of, read before and after their rewrite); return the investors moved."""
    moved = set()
    for kind in PeriodKind.values:
        old, new = before[kind], after[kind]
        cells = sorted(old.keys() | new.keys())
        moved |= {investor for investor, _ in cells}
        stored = {
            (row.investor_id, row.period_start): row
            for row in InvestorPeriodStat.objects.filter(
                period_kind=kind,
                investor_id__in={investor for investor, _ in cells},
                period_start__in={start for _, start in cells},
            )
        }
        rows = []
        for cell in cells:
            investor, start = cell
            row = stored.get(cell) or InvestorPeriodStat(
                investor_id=investor, period_kind=kind, period_start=start
            )
            rows.append(row)
            for name in ADDITIVE:
                added = _number(new.get(cell, {}).get(name)) - _number(old.get(cell, {}).get(name))
                setattr(row, name, _number(getattr(row, name, None)) + added)
            _derive(row, stamp)
        rows_replace(InvestorPeriodStat, rows, keep=lambda row: row.deals_total > 0)
    return moved


def _number(value) -> Decimal | int:
    """A count or a sum as Python adds it exactly (SQLite sums decimals as floats)."""
    if value is None:
        return 0
    return Decimal(str(value)).quantize(Decimal("0.01")) if isinstance(value, float) else value


def _derive(row: InvestorPeriodStat, stamp: dict) -> None:
    """The share, the unknown sums and the qualifiers, from the cell's counts (the rule
    _cells_select applies in SQL)."""
    if row.deals_total:
        for deals, share, _ in AI_COUNTS.values():
            ratio = Decimal(getattr(row, deals)) / Decimal(row.deals_total)
            setattr(row, share, ratio.quantize(SHARE, rounding=ROUND_HALF_UP))
    for name, _, known in SUMS:
        if not getattr(row, known):
            setattr(row, name, None)
    for figure, name in QUALIFIERS.items():
        counts = (getattr(row, f"{figure}_{q}_rounds") for q in BOUNDS)
        setattr(row, f"{name}_qualifier", sum_qualifier(*counts))
    row.computed_at, row.data_version = stamp["computed_at"], stamp["data_version"]


# What compute credits are part of, in a year with credits: the investor's own contribution
# where disclosed, else the rounds joined.
CREDITS_BASE = (
    "CASE WHEN compute_credits_usd IS NOT NULL THEN COALESCE(own_contribution_usd, capital_usd) END"
)
# The totals' bound flags: per figure, its value and qualifier in the year rows.
TOTAL_BOUNDS = {
    "capital": ("capital_usd", "capital_qualifier"),
    "own": ("own_contribution_usd", "own_contribution_qualifier"),
    "credits": ("compute_credits_usd", "compute_credits_qualifier"),
    "credits_base": (
        CREDITS_BASE,
        "CASE WHEN own_contribution_usd IS NOT NULL THEN own_contribution_qualifier "
        "ELSE capital_qualifier END",
    ),
}


def investor_totals_insert(
    investors: set[int] | None,
    stamp: dict,
    into: str = InvestorTotal._meta.db_table,
    stats: str = InvestorPeriodStat._meta.db_table,
) -> None:
    """Each investor's year rows (in the table `stats`) summed."""
    where, params = id_filter("investor_id", investors)
    flags = ", ".join(
        f"MAX(CASE WHEN {value} IS NOT NULL AND {qualifier} = '{q}' THEN 1 ELSE 0 END) = 1"
        for value, qualifier in TOTAL_BOUNDS.values()
        for q in BOUNDS
    )
    flag_names = ", ".join(f"{figure}_{q}" for figure in TOTAL_BOUNDS for q in BOUNDS)
    columns = (
        "investor_id, deals_total, deals_ai, deals_disclosed, capital_usd, own_contribution_usd, "
        f"compute_credits_usd, compute_credits_disclosed, credits_base_usd, {flag_names}, "
        "computed_at, data_version"
    )
    execute(
        f"""
        INSERT INTO {into} ({columns})
        SELECT investor_id, SUM(deals_total), SUM(deals_ai), SUM(deals_disclosed),
               SUM(capital_usd), SUM(own_contribution_usd), SUM(compute_credits_usd),
               SUM(compute_credits_disclosed), SUM({CREDITS_BASE}),
               {flags}, %s, %s
        FROM {stats}
        WHERE period_kind = %s AND {where}
        GROUP BY investor_id
        """,
        [stamp["computed_at"], stamp["data_version"], PeriodKind.YEAR, *params],
    )
