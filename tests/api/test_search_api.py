"""`/api/v1/search/?q=`: results grouped by kind with their page URLs, in the request's
language; refusals under `q`; reads as open as the other lists; in the schema."""

import pytest

from tests.factories import InvestorFactory, ModelProductFactory, StartupFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/"


@pytest.fixture
def moonshot():
    startup = StartupFactory(
        slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面", city="Beijing", sector=""
    )
    ModelProductFactory(startup=startup, name="Kimi Chat", kind="app", modality="")
    return startup


def test_full_width_query_finds_the_startup_by_its_product(anonymous, moonshot):
    response = anonymous.get(URL, {"q": "\uff2b\uff29\uff2d\uff29"})  # full-width KIMI

    assert response.status_code == 200
    assert response.json() == {
        "query": "\uff2b\uff29\uff2d\uff29",
        "results": {
            "startups": [
                {
                    "name": "Moonshot AI",
                    "other_name": "月之暗面",
                    "context": "Beijing · products: Kimi Chat",
                    "url": "/startups/moonshot/",
                }
            ],
            "investors": [],
            "products": [
                {
                    "name": "Kimi Chat",
                    "other_name": "",
                    "context": "Moonshot AI · app",
                    "url": "/startups/moonshot/#products",
                }
            ],
            "rounds": [],
        },
    }


def test_names_context_and_urls_follow_the_language_asked_for(anonymous, moonshot):
    InvestorFactory(slug="tencent", name_en="Tencent", name_zh="腾讯", kind="corporate")

    answer = anonymous.get(URL, {"q": "月之"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    tencent = anonymous.get(URL, {"q": "tencent"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert answer["results"]["startups"] == [
        {
            "name": "月之暗面",
            "other_name": "Moonshot AI",
            "context": "Beijing",
            "url": "/zh-hans/startups/moonshot/",
        }
    ]
    assert tencent["results"]["investors"][0]["context"] == "企业"
    assert tencent["results"]["investors"][0]["url"] == "/zh-hans/investors/tencent/"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Enter a name to search for."),
        ({"q": ""}, "Enter a name to search for."),
        ({"q": "kimi\x00"}, "A search cannot contain a NUL character."),
        ({"q": "x" * 101}, "At most 100 characters are searched for (got 101)."),
    ],
)
def test_a_missing_blank_nul_or_too_long_query_is_a_400_under_q(anonymous, params, message):
    response = anonymous.get(URL, params)

    assert response.status_code == 400
    assert response.json() == {"q": [message]}


def test_reads_follow_the_login_setting_and_writes_are_refused(settings, anonymous, reader):
    assert anonymous.post(URL, {"q": "kimi"}).status_code == 401
    assert reader.post(URL, {"q": "kimi"}).status_code == 403
    settings.API_REQUIRE_LOGIN_FOR_READS = True

    assert anonymous.get(URL, {"q": "kimi"}).status_code == 401
    assert reader.get(URL, {"q": "kimi"}).status_code == 200


def test_the_schema_documents_the_query_and_the_grouped_answer(anonymous):
    schema = anonymous.get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert [(p["name"], p["required"]) for p in operation["parameters"]] == [("q", True)]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/SearchResults"}
    groups = schema["components"]["schemas"]["SearchResultsByKind"]["properties"]
    assert sorted(groups) == ["investors", "products", "rounds", "startups"]
