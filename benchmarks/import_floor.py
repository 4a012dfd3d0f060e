"""The floor for an import: the benchmark's CSV files written into the product's own tables by
hand-written SQL alone. COPY into staging tables of text, then one INSERT ... SELECT per table:
records, their "+" history rows and their sources, slugs joined to ids and CNY amounts turned
into USD by the month's rate, all in one committed transaction.

It validates nothing and reports nothing, so no import can beat it; what it pays on top of a
bare COPY is what the tables themselves cost (indexes, unique and foreign-key checks, history
and link rows, WAL). `import_vs_copy` can be no better than this floor's own ratio to COPY.
"""

import time
from pathlib import Path

from . import datasets

STAMPS = "now(), now()"
HISTORY_COLUMNS = "history_date, history_change_reason, history_type"

INVESTOR = (
    "created_at, updated_at, confidence, notes, slug, name_en, name_zh, aliases, kind, "
    "hq_country, hq_city"
)
STARTUP = (
    "created_at, updated_at, confidence, notes, slug, name_en, name_zh, aliases, country, "
    "city, founded_precision, founders, focus, products_summary, is_ai, sector, status, "
    "ipo_exchange, website, description"
)
ROUND = (
    "created_at, updated_at, confidence, notes, announced_on, date_precision, round_label, "
    "amount, amount_currency, amount_qualifier, amount_usd, amount_fx_rate, valuation_currency, "
    "valuation_qualifier, compute_credit_currency, compute_credit_qualifier, startup_id, "
    "disputed_fields"
)
PARTICIPATION = (
    "created_at, updated_at, confidence, notes, is_lead, amount_currency, amount_qualifier, "
    "stake_qualifier, compute_credit_currency, compute_credit_qualifier, investor_id, round_id, "
    "disputed_fields"
)
CLAIM = (
    "created_at, updated_at, round_id, field, value, currency, qualifier, value_usd, source_id, "
    "as_of, reported_on, confidence, accepted, notes"
)
# The staged rows' key back to a written round: what the import's own look-up does.
ROUND_OF_ROW = """
    JOIN startups_startup s ON s.slug = c.startup_slug
    JOIN deals_fundinground r ON r.startup_id = s.id
        AND r.announced_on = c.announced_on::date AND r.round_label = c.round_label
"""


def _history(table: str, columns: str, change: str = "+", where: str = "") -> str:
    return (
        f"INSERT INTO {table.replace('_', '_historical', 1)} (id, {columns}, {HISTORY_COLUMNS}) "
        f"SELECT id, {columns}, now(), 'import (floor)', '{change}' FROM {table} {where}"
    )


def _sources(table: str, owner: str, staged: str, join: str) -> str:
    return (
        f"INSERT INTO {table}_sources ({owner}_id, source_id) SELECT t.id, so.id FROM {table} t "
        f"JOIN {staged} c ON {join} JOIN startups_source so ON so.url = c.source_url"
    )


STATEMENTS = {
    "sources": [
        f"""INSERT INTO startups_source
            (created_at, updated_at, url, publisher, title, kind, original_publisher, notes)
        SELECT {STAMPS}, url, '', '', '', '', '' FROM (
            SELECT source_url FROM copy_rounds UNION SELECT source_url FROM copy_startups
            UNION SELECT source_url FROM copy_investors UNION SELECT source_url FROM copy_fx_rates
        ) u (url)""",
        f"""INSERT INTO deals_fxrate
            (created_at, updated_at, month, currency, units_per_usd, source_note, source_id)
        SELECT {STAMPS}, (c.month || '-01')::date, c.currency, c.units_per_usd::numeric,
               c.source_note, so.id
        FROM copy_fx_rates c JOIN startups_source so ON so.url = c.source_url""",
    ],
    "investors": [
        f"""INSERT INTO deals_investor ({INVESTOR})
        SELECT {STAMPS}, 'reported', notes, slug, name_en, '', '', kind, '', ''
        FROM copy_investors""",
        _history("deals_investor", INVESTOR),
        # Parents may come later in the file: linked afterwards, a "~" history row each.
        """UPDATE deals_investor i SET parent_id = p.id
        FROM copy_investors c JOIN deals_investor p ON p.slug = c.parent_slug
        WHERE c.slug = i.slug""",
        _history("deals_investor", f"{INVESTOR}, parent_id", "~", "WHERE parent_id IS NOT NULL"),
        _sources("deals_investor", "investor", "copy_investors", "c.slug = t.slug"),
    ],
    "startups": [
        f"""INSERT INTO startups_startup ({STARTUP})
        SELECT {STAMPS}, 'reported', notes, slug, name_en, '', '', 'CN', city, 'day', '', '', '',
               is_ai::boolean, CASE WHEN is_ai::boolean THEN '' ELSE 'not_ai' END, 'private',
               '', '', ''
        FROM copy_startups""",
        _history("startups_startup", STARTUP),
        _sources("startups_startup", "startup", "copy_startups", "c.slug = t.slug"),
    ],
    "rounds": [
        f"""INSERT INTO deals_fundinground ({ROUND})
        SELECT {STAMPS}, c.confidence, c.notes, c.announced_on::date, 'day', c.round_label,
               c.amount::numeric, c.amount_currency, 'exact',
               CASE WHEN c.amount_currency = 'USD' THEN c.amount::numeric
                    ELSE ROUND(c.amount::numeric / fx.units_per_usd, 2) END,
               CASE WHEN c.amount_currency = 'USD' THEN 1 ELSE fx.units_per_usd END,
               '', 'exact', '', 'exact', s.id, ''
        FROM copy_rounds c JOIN startups_startup s ON s.slug = c.startup_slug
        LEFT JOIN deals_fxrate fx ON fx.currency = c.amount_currency
            AND fx.month = DATE_TRUNC('month', c.announced_on::date)""",
        _history("deals_fundinground", ROUND),
        f"""INSERT INTO deals_fundinground_sources (fundinground_id, source_id)
        SELECT r.id, so.id FROM copy_rounds c {ROUND_OF_ROW}
        JOIN startups_source so ON so.url = c.source_url""",
    ],
    # Each round's amount is a claim of its source, as the import makes it (docs/evidence.md).
    "claims": [
        f"""INSERT INTO deals_claim ({CLAIM})
        SELECT {STAMPS}, r.id, 'amount', r.amount, r.amount_currency, r.amount_qualifier,
               r.amount_usd, so.id, r.announced_on, COALESCE(so.published_on, r.announced_on),
               r.confidence, false, ''
        FROM deals_fundinground r
        JOIN deals_fundinground_sources link ON link.fundinground_id = r.id
        JOIN startups_source so ON so.id = link.source_id
        WHERE r.amount IS NOT NULL""",
        _history("deals_claim", CLAIM),
    ],
    "participations": [
        f"""INSERT INTO deals_participation ({PARTICIPATION})
        SELECT {STAMPS}, 'reported', '', named.is_lead, '', 'exact', 'exact', '', 'exact',
               i.id, r.id, ''
        FROM copy_rounds c {ROUND_OF_ROW}
        CROSS JOIN LATERAL (
            SELECT UNNEST(STRING_TO_ARRAY(c.lead_investors, ';')), true
            UNION ALL SELECT UNNEST(STRING_TO_ARRAY(c.participants, ';')), false
        ) named (slug, is_lead)
        JOIN deals_investor i ON i.slug = named.slug""",
        _history("deals_participation", PARTICIPATION),
    ],
}


def stage(conn, folder: Path) -> None:
    """COPY of every CSV file into a temporary table of text columns: PostgreSQL's fastest
    load, and the baseline of `import_vs_copy`."""
    for path in sorted(folder.glob("*.csv")):
        header = path.read_text().split("\n", 1)[0].strip().split(",")
        table = f"copy_{path.stem}"
        conn.execute(f"CREATE TEMP TABLE {table} ({', '.join(f'{n} text' for n in header)})")
        with (
            conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER)") as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)


def run(url: str, folder: Path) -> dict[str, float]:
    """Seconds per part, from the first COPY to the commit."""
    seconds: dict[str, float] = {}
    with datasets.connect(url) as conn:
        started = time.perf_counter()
        stage(conn, folder)
        seconds["copy"] = time.perf_counter() - started
        for part, statements in STATEMENTS.items():
            started = time.perf_counter()
            for sql in statements:
                conn.execute(sql)
            seconds[part] = time.perf_counter() - started
        started = time.perf_counter()
        conn.commit()
        seconds["commit"] = time.perf_counter() - started
    return seconds
