"""The capital chart's "Sources" link opens exactly the rounds its bars sum: those the
charted investors (affiliates rolled up) joined in the years chosen."""

import re

import pytest

from dashboards import page_selectors
from deals.models import FundingRound, InvestorAncestry, Participation

pytestmark = pytest.mark.django_db


def capital_card(html: str) -> str:
    return re.search(r'<section class="card chart-card" id="capital".*?</section>', html, re.S)[0]


def sources_link(client, query: str) -> str:
    card = capital_card(client.get(f"/{query}").content.decode())
    return re.search(r'<a href="([^"]*)">Sources</a>', card)[1].replace("&amp;", "&")


def rounds_joined(investor_slugs: list[str], since: str = "", until: str = "") -> set[int]:
    """Counted from the deals, not the aggregates: every round a participation of the
    investors or of their affiliates is in."""
    family = InvestorAncestry.objects.filter(ancestor__slug__in=investor_slugs)
    rounds = FundingRound.objects.filter(
        pk__in=Participation.objects.filter(investor__in=family.values("investor")).values("round")
    )
    if since:
        rounds = rounds.filter(announced_on__gte=since, announced_on__lte=until)
    return set(rounds.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "years", "since", "until"),
    [
        ("", (None, None), "", ""),
        ("?since=2024&until=2025", (2024, 2025), "2024-01-01", "2025-12-31"),
    ],
)
def test_the_sources_link_lists_the_rounds_of_the_charted_investors(
    client, sample, query, years, since, until
):
    charted = [row["slug"] for row in page_selectors.capital_by_investor(*years)]
    assert len(charted) == 15
    link = sources_link(client, query)

    shown = client.get(link).context["page"]

    assert link.startswith(f"/rounds/?investor={charted[0]}&investor={charted[1]}&")
    assert shown.paginator.count == len(rounds_joined(charted, since, until))
    assert {r.pk for r in shown.object_list} == rounds_joined(charted, since, until)


def test_on_the_sample_the_bars_rest_on_87_rounds_not_the_one_with_credits(client, sample):
    link = sources_link(client, "")

    assert "credits" not in link
    # The rounds the 15 charted investors joined (rounds_joined counts them from the deals).
    assert client.get(link).context["page"].paginator.count == 87
