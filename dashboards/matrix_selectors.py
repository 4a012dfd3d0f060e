"""The overview's co-investment matrix: the top investors and, for each pair, the startups
both backed (the pair pages, dashboards.pair_selectors, give the rounds)."""

from typing import Any

from django.db import router

from startups.models import Startup

from .aggregates import fetch
from .investor_aggregates import IR
from .models import CoInvestment
from .page_selectors import top_investors

# Investors on the overview's matrix: twelve columns stay wider than a rotated label at a
# phone's 390 px, and hold the corporates and funds the article names.
MATRIX_INVESTORS = 12
# Startups a matrix cell's hover names (the CSV and the pair page name them all).
MATRIX_NAMES = 8


def co_investment_matrix(
    limit: int = MATRIX_INVESTORS, names: int | None = MATRIX_NAMES
) -> dict[str, Any]:
    """The `limit` top-level investors with the most deals and, for each pair of them that
    backed the same startups, how many and which (at most `names` of them, by name; all for
    None): three queries."""
    investors = top_investors(limit)
    ids = [investor["id"] for investor in investors]
    pairs = {
        (row["investor_a_id"], row["investor_b_id"]): {**row, "startups": []}
        for row in CoInvestment.objects.filter(investor_a_id__in=ids, investor_b_id__in=ids)
        .order_by("investor_a_id", "investor_b_id")
        .values(
            "investor_a_id",
            "investor_b_id",
            "shared_startups",
            "shared_rounds",
            "first_together",
            "first_together_precision",
        )
    }
    for a, b, slug, name_en, name_zh in _startups_of_pairs(ids, names):
        if (a, b) in pairs:
            pairs[a, b]["startups"].append({"slug": slug, "name_en": name_en, "name_zh": name_zh})
    return {"investors": investors, "pairs": list(pairs.values())}


def _startups_of_pairs(ids: list[int], names: int | None) -> list[tuple]:
    """(investor a, investor b, startup slug, English and Chinese names) for each startup
    both top-level investors of a pair hold, a < b, the first `names` of a pair by name:
    from the investor rounds the pairs were grouped from (dashboards.co_investments)."""
    if len(ids) < 2:
        return []
    marks = ", ".join(["%s"] * len(ids))
    startup = Startup._meta.db_table
    cut = "WHERE n <= %s" if names is not None else ""
    return fetch(
        f"""
        WITH held AS (
            SELECT DISTINCT investor_id AS root, startup_id FROM {IR}
            WHERE top_level AND investor_id IN ({marks})
        ), shared AS (
            SELECT x.root AS a, y.root AS b, s.slug, s.name_en, s.name_zh,
                   ROW_NUMBER() OVER (PARTITION BY x.root, y.root ORDER BY s.name_en, s.id) AS n
            FROM held x
            JOIN held y ON x.startup_id = y.startup_id AND x.root < y.root
            JOIN {startup} s ON s.id = x.startup_id
        )
        SELECT a, b, slug, name_en, name_zh FROM shared {cut} ORDER BY a, b, n
        """,
        [*ids, *([names] if names is not None else [])],
        # The database the request reads, as the CoInvestment rows above were read.
        using=router.db_for_read(CoInvestment),
    )
