"""Reads of deals: querysets that do the work in SQL."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from startups.models import Source, Startup

from .models import FundingRound, Investor, InvestorAncestry, Participation


def investor_family(investor: Investor) -> QuerySet[Investor]:
    """The investor and every affiliate below it, at any depth."""
    return Investor.objects.filter(ancestry__ancestor=investor)


def rounds_joined_by(investor: Investor, *, lead_only: bool = False) -> QuerySet[FundingRound]:
    """Rounds that the investor or any affiliate below it joined, each counted once."""
    joined = Participation.objects.filter(
        round=OuterRef("pk"),
        investor__in=InvestorAncestry.objects.filter(ancestor=investor).values("investor"),
    )
    if lead_only:
        joined = joined.filter(is_lead=True)
    return FundingRound.objects.filter(Exists(joined))


def joined_by_investors(slugs: list[str], *, every: bool = False) -> Q:
    """A filter of rounds joined by any of the investors with these slugs (affiliates
    rolled up), or with `every`, by each of them: one EXISTS per investor."""
    groups = [[slug] for slug in slugs] if every else [slugs]
    joined = (
        Participation.objects.filter(
            round=OuterRef("pk"),
            investor__in=InvestorAncestry.objects.filter(ancestor__slug__in=group).values(
                "investor"
            ),
        )
        for group in groups
    )
    return Q(*(Exists(participations) for participations in joined))


def records_held() -> dict[str, int]:
    """How many records of each kind the database holds that the sample data would add to:
    all zero means nobody has entered or imported anything yet."""
    return {
        "startups": Startup.objects.count(),
        "investors": Investor.objects.count(),
        "rounds": FundingRound.objects.count(),
        "sources": Source.objects.count(),
    }
