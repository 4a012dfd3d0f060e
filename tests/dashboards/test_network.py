"""The co-investment network: what it draws of the pairs among the top investors."""

import pytest

from dashboards.page_selectors import co_investment_network
from dashboards.refresh import refresh_full
from deals import services
from tests.dashboards.test_incremental_cases import JAN_2021, JUN_2022, round_of, startups

pytestmark = pytest.mark.django_db
__all__ = ["startups"]  # the fixture


def test_the_network_draws_every_rival_pair_first_and_counts_every_partner(startups):
    alibaba, tencent = (
        services.investor_create(slug=slug, name_en=slug, kind="corporate")
        for slug in ("alibaba", "tencent")
    )
    funds = [services.investor_create(slug=f"fund-{i}", name_en=f"Fund {i}") for i in range(2)]
    round_of(startups[0], JAN_2021, [alibaba, tencent])
    for startup in startups[1:]:
        round_of(startup, JUN_2022, funds)
    refresh_full()

    network = co_investment_network(edges=1)
    assert network["pairs"] == 2
    # The rivals, though the two funds share more startups.
    assert [(e["investor_a_id"], e["investor_b_id"]) for e in network["edges"]] == [
        tuple(sorted((alibaba.pk, tencent.pk)))
    ]
    partners = {node["slug"]: node["partners"] for node in network["nodes"]}
    assert partners["fund-0"] == 1  # counted over every pair, drawn or not
    assert len(co_investment_network(edges=None)["edges"]) == 2
