"""With API_REQUIRE_LOGIN_FOR_READS on, no way of reading the data is left open: every URL of
the site (tests/security/matrix.py walks the resolver) is asked anonymously, and only the
pages that show no data answer; pages and CSVs send a visitor to the login page, the API
answers 401."""

import pytest
from django.test import Client

from dashboards.overview import CHART_SLUGS
from tests.factories import FundingRoundFactory, StaffFactory, StartupFactory, ValuationMarkFactory

from .matrix import endpoints

pytestmark = pytest.mark.django_db

# The URLs that answer anonymous visitors whatever the setting: none shows a record.
PUBLIC_NAMES = {
    "admin:login",  # the ways in
    "dashboards:login",
    "dashboards:watchlist-feed",  # its secret is the credential (an unknown one is a 404)
    "set_language",
    "favicon",
    "api-schema",  # the API's description, not its data (docs/api.md#access)
    "api-docs",
    "api/v1/^(?P<rest>[\\s\\S]*)$",  # a JSON 404
}
READS = [endpoint for endpoint in endpoints() if endpoint.method == "GET"]


@pytest.fixture
def reads_need_login(settings):
    settings.API_REQUIRE_LOGIN_FOR_READS = True


def login_url(url: str) -> str:
    """The sign-in page in the language of `url`, and back to it."""
    prefix = "/zh-hans" if url.startswith("/zh-hans/") else ""
    return f"{prefix}/login/?next={url}"


# The analysts' sign-in in each language; the admin's pages send to the admin's own.
LOGIN_PAGES = ("/login/", "/zh-hans/login/", "/admin/login/")


def sent_to_login(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and location.split("?")[0] in LOGIN_PAGES


@pytest.mark.parametrize("endpoint", READS, ids=[endpoint.id for endpoint in READS])
def test_no_url_serves_data_to_anonymous_visitors(reads_need_login, endpoint):
    path, data = endpoint.call(None)

    response = Client().get(path, data or {})

    if endpoint.name in PUBLIC_NAMES:
        assert not sent_to_login(response), path
        assert response.status_code in (200, 302, 404), path
    else:
        assert sent_to_login(response) or response.status_code in (401, 403, 404), (
            path,
            response.status_code,
        )


def data_urls() -> list[str]:
    """The reads the red-team pass found open, in both languages."""
    startup = StartupFactory(slug="zhipu")
    FundingRoundFactory(startup=startup)
    ValuationMarkFactory(startup=startup)
    english = [
        "/",
        "/rounds/",
        "/rounds/export.csv",
        "/products/",
        "/products/export.csv",
        "/products/filings.csv",
        "/compute/",
        "/compute/export.csv",
        "/about/data/",
        f"/charts/{CHART_SLUGS[0]}.csv",
        "/startups/zhipu/valuations.csv",
        "/startups/zhipu/",
        "/feeds/rounds.atom",
    ]
    return [*english, *(f"/zh-hans{url}" for url in english)]


def test_pages_and_csvs_send_anonymous_visitors_to_the_login_and_back(reads_need_login):
    for url in data_urls():
        response = Client().get(url)

        assert response.status_code == 302, url
        assert response["Location"] == login_url(url), url


def test_signed_in_users_read_everything(reads_need_login):
    client = Client()
    client.force_login(StaffFactory())

    for url in data_urls():
        assert client.get(url).status_code == 200, url


def test_without_the_setting_pages_and_csvs_stay_open():
    for url in data_urls():
        assert Client().get(url).status_code == 200, url


def test_the_api_answers_401_not_a_redirect(reads_need_login):
    response = Client().get("/api/v1/rounds/?format=csv")

    assert response.status_code == 401
