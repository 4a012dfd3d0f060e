"""The overview's co-investment matrix (dashboards.overview.VIEWS), with its coverage and
the pages of the pairs that share most."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import investor_charts
from .formatting import local_name

TOP_PAIRS = 5  # the pairs linked under the matrix


def co_investments_view(data: dict, f, status: dict) -> dict:
    """The matrix with its coverage, and links to the pages of the pairs that share most."""
    investors = {investor["id"]: investor for investor in data["investors"]}
    strongest = sorted(
        data["pairs"], key=lambda p: (-p["shared_startups"], p["investor_a_id"], p["investor_b_id"])
    )[:TOP_PAIRS]
    return {
        "figure": investor_charts.co_investment_matrix(data, status),
        "coverage": [
            _(
                "The %(count)s investors with the most deals (affiliates counted with their "
                "parent): %(pairs)s pairs of them backed the same startups. A cell opens the "
                "pair's startups and rounds."
            )
            % {"count": len(investors), "pairs": len(data["pairs"])}
        ],
        "sources_url": reverse("dashboards:investors"),
        "links": [
            (
                _("%(first)s and %(second)s (%(count)s)")
                % {
                    "first": local_name(investors[p["investor_a_id"]]),
                    "second": local_name(investors[p["investor_b_id"]]),
                    "count": p["shared_startups"],
                },
                reverse(
                    "dashboards:investor-pair",
                    args=[
                        investors[p["investor_a_id"]]["slug"],
                        investors[p["investor_b_id"]]["slug"],
                    ],
                ),
            )
            for p in strongest
        ],
    }
