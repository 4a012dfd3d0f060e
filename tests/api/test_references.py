"""API writes name a startup or investor by slug as before, or by anything the resolver takes
(identifier, legal name, alias, Chinese name); a name fitting several is a 400 naming them.
Search (the lists' `?search=`, the search API) finds a record by its legal name."""

import pytest

from dashboards.models import WatchItem
from deals.models import FundingRound
from tests.factories import InvestorFactory, StartupFactory, UserFactory

from .conftest import token_for, with_token

pytestmark = pytest.mark.django_db
USCC = "91110108MA01ABCD5T"


@pytest.fixture
def tracked():
    return {
        "moonshot": StartupFactory(
            slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面", aliases="Kimi", uscc=USCC
        ),
        "alibaba": InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴"),
    }


def a_round(startup: str, *investors: str) -> dict:
    return {
        "startup": startup,
        "announced_on": "2024-02",
        "round_label": "Series B",
        "amount": "1000000000",
        "amount_currency": "USD",
        "confidence": "reported",
        "source_urls": ["https://news.example.com/moonshot-b"],
        "participants": [{"investor": investor} for investor in investors],
    }


@pytest.mark.parametrize(
    ("startup", "investor"),
    [
        ("moonshot", "alibaba"),  # slugs, as always
        ("Beijing Moonshot Technology Co., Ltd.", "Alibaba Group Holding Limited"),
        ("北京月之暗面科技有限公司", "阿里巴巴集团"),
        (f"uscc:{USCC}", "ALIBABA GROUP"),
    ],
)
def test_a_round_names_its_startup_and_investors_by_any_reference(
    writer, tracked, startup, investor
):
    response = writer.post("/api/v1/rounds/", a_round(startup, investor))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["startup"], body["participants"][0]["investor"]) == ("moonshot", "alibaba")
    assert FundingRound.objects.get().startup == tracked["moonshot"]


def test_a_name_fitting_several_records_is_a_400_naming_them(writer, tracked):
    StartupFactory(slug="kimi-labs", name_en="Kimi Labs", name_zh="", aliases="Kimi")

    response = writer.post("/api/v1/rounds/", a_round("kimi"))

    assert response.status_code == 400
    assert response.json()["startup"] == [
        "could be any of kimi-labs (Kimi Labs), moonshot (Moonshot AI / 月之暗面): "
        "name one by its slug (got 'kimi')"
    ]
    assert FundingRound.objects.count() == 0


def test_an_unknown_reference_is_refused_as_before(writer, tracked):
    response = writer.post("/api/v1/rounds/", a_round("Zhipu AI"))

    assert response.status_code == 400
    assert response.json()["startup"] == ["names no known record (got 'Zhipu AI')"]


def test_a_bad_identifier_says_which_check_character_is_wrong(writer, tracked):
    response = writer.post("/api/v1/rounds/", a_round("uscc:91110108MA01ABCD5U"))

    assert response.status_code == 400
    assert "should be 'T' per GB 32100" in response.json()["startup"][0]


@pytest.mark.parametrize(
    ("path", "query", "slug"),
    [
        ("/api/v1/startups/", "Beijing Moonshot Technology Co., Ltd.", "moonshot"),
        ("/api/v1/startups/", "月之暗面科技有限公司", "moonshot"),
        ("/api/v1/investors/", "Alibaba Group Holding Ltd.", "alibaba"),
    ],
)
def test_a_list_search_finds_the_record_by_its_legal_name(anonymous, tracked, path, query, slug):
    StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")

    response = anonymous.get(path, {"search": query})

    assert response.status_code == 200
    assert [record["slug"] for record in response.json()["results"]] == [slug]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Beijing Moonshot Technology Co., Ltd.", "Moonshot AI"),
        ("月之暗面科技有限公司", "Moonshot AI"),
    ],
)
def test_the_search_api_finds_a_startup_by_its_legal_name(anonymous, tracked, query, name):
    response = anonymous.get("/api/v1/search/", {"q": query})

    assert response.status_code == 200
    assert [hit["name"] for hit in response.json()["results"]["startups"]] == [name]


def test_a_watchlist_follows_a_startup_named_by_its_legal_name(tracked):
    analyst = UserFactory(username="analyst")
    api = with_token(token_for(analyst))

    response = api.post("/api/v1/watchlists/", {"startup": "北京月之暗面科技有限公司"})

    assert response.status_code == 201, response.json()
    assert response.json()["startup"] == "moonshot"
    assert WatchItem.objects.get(user=analyst).startup == tracked["moonshot"]
