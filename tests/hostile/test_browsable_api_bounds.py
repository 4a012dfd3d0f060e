"""The browsable API is for signed-in users, and its pages never list a table: its forms and
filters once rendered a <select> of every startup and investor for anyone (1.8 MB a page at
100k rounds). Every page of the router's resources is checked, list and record, so a new
resource is covered when it is registered."""

import re

import pytest

from config.urls_api import router
from tests.api.resources import RESOURCES
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    StartupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# A few records per table: what is checked is that no option names any of them, which a
# <select> of the table would (DRF lists up to 1,000).
TABLE_SIZE = 3
PREFIXES = [prefix for prefix, _viewset, _basename in router.registry]


@pytest.fixture
def tables():
    """TABLE_SIZE startups, investors and rounds, each round with a participant."""
    startups = StartupFactory.create_batch(TABLE_SIZE)
    investors = InvestorFactory.create_batch(TABLE_SIZE)
    rounds = [FundingRoundFactory(startup=startup) for startup in startups]
    for funding_round, investor in zip(rounds, investors, strict=True):
        ParticipationFactory(round=funding_round, investor=investor)
    return [*startups, *investors, *rounds]


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def options_in(html: str) -> list[str]:
    return re.findall(r"<option[^>]*>\s*([^<]*?)\s*</option>", html)


def pages_of(prefix: str) -> list[str]:
    resource = RESOURCES[prefix]
    return [resource.url(), resource.url(resource.make())]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_no_browsable_page_lists_a_table_in_its_forms(superuser_client, tables, prefix):
    names = {str(record) for record in tables} | {
        getattr(record, "slug", None) for record in tables
    }
    for url in pages_of(prefix):
        response = superuser_client.get(url, HTTP_ACCEPT="text/html")

        assert response["Content-Type"].startswith("text/html"), url
        listed = [option for option in options_in(response.content.decode()) if option in names]
        assert listed == [], url


@pytest.mark.parametrize("prefix", PREFIXES)
def test_anonymous_callers_get_json_even_when_asking_for_html(client, prefix):
    for url in pages_of(prefix):
        response = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

        assert response["Content-Type"] == "application/json", url


def test_asking_for_the_browsable_api_by_name_anonymously_is_a_400(client):
    response = client.get("/api/v1/startups/?format=api")

    assert response.status_code == 400
    assert response.json() == {"format": ["must be one of csv, json (got 'api')"]}
