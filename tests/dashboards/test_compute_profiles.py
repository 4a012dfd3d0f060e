"""Compute deals on the startup's page (those it bought) and on the provider's page (those it
or an affiliate provided), each linking to the ledger filtered; and the ledger's queries,
a fixed number whatever the number of deals."""

import datetime as dt

import pytest

from dashboards.formatting import NONE
from deals.models import ComputeDeal
from startups.models import Source
from tests.dashboards.compute_ledger import FT, table_rows
from tests.factories import ComputeDealFactory, InvestorFactory

pytestmark = pytest.mark.django_db
# The ledger on a cold cache: the data's status (three queries), the deals' count, the page
# of deals, their sources, the claims behind figures their sources might not give, the buyers
# and providers offered, and one per chart (the credits per startup, per investor, the chips).
LEDGER_QUERIES = 12


def test_the_startup_page_lists_the_compute_deals_it_bought_with_a_link_to_the_ledger(
    client, ledger
):
    page = client.get("/startups/moonshot/").content.decode()

    assert table_rows(page, "compute-deals") == [
        [
            "2024-05",
            "Alibaba Cloud | part of Alibaba Group",
            "cloud credits",
            NONE,
            NONE,
            "≥ $300M",
            "www.ft.com",
            "",
        ]
    ]
    assert f'<a class="source" href="{FT}"' in page
    assert (
        '<a href="/compute/?buyer=moonshot" id="compute-ledger-link">'
        "1 deal in the compute ledger</a>"
    ) in page


def test_the_provider_page_lists_its_affiliates_deals_with_a_link_to_the_ledger(client, ledger):
    page = client.get("/investors/alibaba/").content.decode()

    assert [row[:3] for row in table_rows(page, "compute-deals")] == [
        ["2024-05", "Moonshot AI", "Alibaba Cloud | part of Alibaba Group"]
    ]
    assert '<a href="/compute/?provider=alibaba" id="compute-ledger-link">' in page
    affiliate = client.get("/investors/alibaba-cloud/").content.decode()
    assert [row[:3] for row in table_rows(affiliate, "compute-deals")] == [
        ["2024-05", "Moonshot AI", "Alibaba Cloud | part of Alibaba Group"]
    ]
    InvestorFactory(slug="tencent")
    other = client.get("/investors/tencent/").content.decode()
    assert '<p class="muted">No compute deal tracked.</p>' in other
    assert 'id="compute-deals"' not in other


def test_the_ledger_runs_the_same_queries_for_five_deals_as_for_two_hundred(
    client, ledger, django_assert_num_queries
):
    with django_assert_num_queries(LEDGER_QUERIES):
        assert client.get("/compute/").status_code == 200
    with django_assert_num_queries(LEDGER_QUERIES + 1):
        assert client.get("/compute/?provider=alibaba&sort=-quantity").status_code == 200
    cloud = InvestorFactory(slug="alibaba-cloud")
    source = Source.objects.get(url=FT)
    for index in range(200):
        deal = ComputeDealFactory(
            startup=None,
            buyer=f"Buyer {index}",
            provider_investor=cloud if index % 2 else None,
            quantity=index,
            quantity_qualifier="at_least" if index % 3 else "exact",
            announced_on=dt.date(2020 + index % 6, 1, 1),
        )
        deal.sources.add(source)
    assert ComputeDeal.objects.count() == 205

    # One more to check the provider's slug (dashboards.forms.FilterForm).
    with django_assert_num_queries(LEDGER_QUERIES + 1):
        assert client.get("/compute/?provider=alibaba&sort=-quantity").status_code == 200
    with django_assert_num_queries(LEDGER_QUERIES):
        assert client.get("/compute/?page=2").status_code == 200
