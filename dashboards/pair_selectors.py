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
from startups.vocab import sum_qualifier

from .directory_selectors import rounds_table
from .dispute_selectors import attach_disputes
from .periods import PRECISIONS

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
        rounds_table({"investor": [first, second], "match": "all"}, "date"),
        key=_in_date_order,
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
