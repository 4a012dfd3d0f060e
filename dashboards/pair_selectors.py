"""Reads for co-investments: what two investors backed together (the pair page) and the
matrix of the top investors' pairs (the overview). Affiliates are rolled up: a round Alibaba
Cloud joined counts for Alibaba, through the ancestry table (deals.InvestorAncestry)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count

from deals.models import FundingRound, Investor, InvestorAncestry
from deals.selectors import joined_by_investors
from startups.models import Startup
from startups.vocab import sum_qualifier

from .aggregates import fetch
from .directory_selectors import rounds_table
from .dispute_selectors import attach_disputes
from .investor_aggregates import IR
from .models import CoInvestment
from .page_selectors import top_investors
from .periods import PRECISIONS

# Investors on the overview's matrix: twelve columns stay wider than a rotated label at a
# phone's 390 px, and hold the corporates and funds the article names.
MATRIX_INVESTORS = 12
# Startups a matrix cell's hover names (the CSV and the pair page name them all).
MATRIX_NAMES = 8
BOUNDS = ("at_least", "approx", "at_most")


@dataclass
class StartupTogether:
    """One startup both investors backed, in the same rounds or in different ones."""

    slug: str
    name_en: str
    name_zh: str
    is_ai: bool
    rounds_first: int  # rounds the first investor (or an affiliate) joined
    rounds_second: int
    together: list[FundingRound] = field(default_factory=list)

    @property
    def first(self) -> FundingRound | None:
        return self.together[0] if self.together else None

    @property
    def latest(self) -> FundingRound | None:
        return self.together[-1] if self.together else None

    @property
    def capital(self) -> dict[str, Any]:
        """The disclosed amounts of the rounds together, summed in USD with the bound of the
        sum, and how many rounds disclose one."""
        known = [r for r in self.together if r.amount_usd is not None]
        flags = [sum(r.amount_qualifier == bound for r in known) for bound in BOUNDS]
        return {
            "usd": sum((r.amount_usd for r in known), Decimal(0)) if known else None,
            "qualifier": sum_qualifier(*flags),
            "disclosed": len(known),
        }


def _in_date_order(round_: FundingRound) -> tuple:
    """Earliest first; on the same day the finer date first (dashboards.periods)."""
    return round_.announced_on, PRECISIONS.index(round_.date_precision), round_.pk


def investor_pair(first: str, second: str) -> dict[str, Any] | None:
    """What the investors with these slugs backed together, affiliates rolled up: the
    startups both backed (each with the rounds each joined and those they joined together)
    and the rounds together, participants and sources prefetched. None when a slug names no
    investor. `relation` is "same" for one investor twice, "affiliate" when one is an
    affiliate of the other (its deals are the other's already), else "pair"."""
    investors = {i.slug: i for i in Investor.objects.filter(slug__in={first, second})}
    if first not in investors or second not in investors:
        return None
    pair = {"first": investors[first], "second": investors[second], "startups": [], "rounds": []}
    if first == second:
        return {**pair, "relation": "same"}
    ids = {slug: investor.pk for slug, investor in investors.items()}
    families: dict[int, set[int]] = defaultdict(set)
    for ancestor, member in InvestorAncestry.objects.filter(
        ancestor_id__in=ids.values()
    ).values_list("ancestor_id", "investor_id"):
        families[ancestor].add(member)
    if ids[second] in families[ids[first]] or ids[first] in families[ids[second]]:
        return {**pair, "relation": "affiliate"}
    rounds = sorted(
        rounds_table({"investor": [first, second], "match": "all"}, "date"), key=_in_date_order
    )
    attach_disputes(rounds)
    for round_ in rounds:
        parts = round_.participations.all()
        round_.leads = [p.investor for p in parts if p.is_lead]
        round_.first_parts = [p for p in parts if p.investor_id in families[ids[first]]]
        round_.second_parts = [p for p in parts if p.investor_id in families[ids[second]]]
    startups = _startups_backed_by_both(first, second)
    for round_ in rounds:
        startups[round_.startup_id].together.append(round_)
    return {
        **pair,
        "relation": "pair",
        "startups": sorted(
            startups.values(), key=lambda s: (-len(s.together), s.name_en.lower(), s.slug)
        ),
        "rounds": rounds[::-1],  # newest first
        "first_round": rounds[0] if rounds else None,
        "latest_round": rounds[-1] if rounds else None,
    }


def _startups_backed_by_both(first: str, second: str) -> dict[int, StartupTogether]:
    """The startups in which each investor (or an affiliate) joined a round: one GROUP BY
    over the rounds either joined."""
    rows = (
        FundingRound.objects.filter(joined_by_investors([first, second]))
        .values(
            "startup_id",
            "startup__slug",
            "startup__name_en",
            "startup__name_zh",
            "startup__is_ai",
        )
        .annotate(
            by_first=Count("pk", filter=joined_by_investors([first])),
            by_second=Count("pk", filter=joined_by_investors([second])),
        )
        .filter(by_first__gt=0, by_second__gt=0)
        .order_by()
    )
    return {
        row["startup_id"]: StartupTogether(
            slug=row["startup__slug"],
            name_en=row["startup__name_en"],
            name_zh=row["startup__name_zh"],
            is_ai=row["startup__is_ai"],
            rounds_first=row["by_first"],
            rounds_second=row["by_second"],
        )
        for row in rows
    }


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
    )
