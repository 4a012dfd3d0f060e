"""The `identifiers` object of startups and investors: read with all five keys, written kind by
kind, each value checked (check characters, shapes) and normalised, unique per kind with the
owner named; `?identifier=kind:value` finds a record, `?identifier=filing:...` a product."""

import pytest

from deals.models import Investor
from startups.models import Startup
from tests.factories import InvestorFactory, ModelProductFactory, StartupFactory
from tests.identifier_codes import (
    lei,
    lei_with_wrong_check_digits,
    uscc,
    uscc_with_wrong_18th,
    uscc_with_wrong_organisation_check,
)

pytestmark = pytest.mark.django_db

USCC = uscc()  # 91110108MA01ABCD5T, the example
LEI = lei("5493001KJTIIGC8Y1R")
NONE = {"uscc": None, "lei": None, "wikidata": None, "crunchbase": None, "stock": None}
RESOURCES = [("startups", StartupFactory, Startup), ("investors", InvestorFactory, Investor)]


@pytest.fixture(params=RESOURCES, ids=["startups", "investors"])
def resource(request):
    return request.param


def test_a_record_without_identifiers_reads_all_five_keys_as_null(reader, resource):
    path, factory, _model = resource
    factory(slug="zhipu")

    response = reader.get(f"/api/v1/{path}/zhipu/")

    assert response.status_code == 200
    assert response.json()["identifiers"] == NONE


def test_identifiers_are_read_as_stored(reader):
    StartupFactory(slug="zhipu", uscc=USCC, stock="HKEX:02513", wikidata="Q104817436")

    identifiers = reader.get("/api/v1/startups/zhipu/").json()["identifiers"]

    assert identifiers == {**NONE, "uscc": USCC, "stock": "HKEX:02513", "wikidata": "Q104817436"}


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [
        ("uscc", USCC.lower(), USCC),
        ("uscc", f"{USCC[:6]} {USCC[6:]}", USCC),
        ("lei", LEI, LEI),
        ("wikidata", "q42", "Q42"),
        ("wikidata", "https://www.wikidata.org/wiki/Q42", "Q42"),
        ("crunchbase", "https://www.crunchbase.com/organization/Moonshot-AI", "moonshot-ai"),
        ("stock", "HKEX:2513", "HKEX:02513"),
        ("stock", "nasdaq:baba", "NASDAQ:BABA"),
    ],
)
def test_a_patch_sets_one_kind_in_its_stored_form(writer, resource, kind, given, stored):
    path, factory, model = resource
    factory(slug="zhipu", wikidata="Q1" if kind != "wikidata" else "")

    response = writer.patch(f"/api/v1/{path}/zhipu/", {"identifiers": {kind: given}})

    assert response.status_code == 200, response.json()
    assert response.json()["identifiers"][kind] == stored
    record = model.objects.get(slug="zhipu")
    assert getattr(record, kind) == stored
    if kind != "wikidata":
        assert record.wikidata == "Q1"  # the kinds a patch does not give stay as they were


def test_null_clears_one_kind(writer):
    StartupFactory(slug="zhipu", uscc=USCC, wikidata="Q1")

    response = writer.patch("/api/v1/startups/zhipu/", {"identifiers": {"uscc": None}})

    assert response.status_code == 200
    assert response.json()["identifiers"] == {**NONE, "wikidata": "Q1"}
    assert Startup.objects.get(slug="zhipu").uscc == ""


def test_a_create_takes_identifiers(writer):
    response = writer.post(
        "/api/v1/investors/",
        {"slug": "alibaba", "name_en": "Alibaba Group", "identifiers": {"stock": "HKEX:9988"}},
    )

    assert response.status_code == 201, response.json()
    assert Investor.objects.get(slug="alibaba").stock == "HKEX:09988"


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        (
            "uscc",
            uscc_with_wrong_18th(USCC),
            "has a wrong check character: the 18th character should be 'T' per GB 32100 (got '0')",
        ),
        (
            "uscc",
            uscc_with_wrong_organisation_check(),
            "the organisation code MA01ABCD0 has a wrong check character: the 17th character "
            "should be '5' per GB 11714 (got '0')",
        ),
        (
            "lei",
            lei_with_wrong_check_digits("5493001KJTIIGC8Y1R"),
            "has wrong check digits (ISO 17442, mod 97-10) (got '5493001KJTIIGC8Y1R13')",
        ),
        ("wikidata", "L42", "must be a Wikidata item: Q and digits, such as Q42 (got 'L42')"),
        (
            "stock",
            "LSE:VOD",
            "must be EXCHANGE:CODE with the exchange one of HKEX, SSE, SZSE, BSE, NASDAQ, NYSE "
            "(got 'LSE:VOD')",
        ),
        ("stock", "SSE:60051", "'60051' is not a code of SSE (got 'SSE:60051')"),
    ],
)
def test_a_bad_identifier_is_a_400_inside_the_object(writer, resource, kind, given, message):
    path, factory, model = resource
    factory(slug="zhipu")

    response = writer.patch(f"/api/v1/{path}/zhipu/", {"identifiers": {kind: given}})

    assert response.status_code == 400
    assert response.json() == {"identifiers": {kind: [message]}}
    assert getattr(model.objects.get(slug="zhipu"), kind) == ""


def test_an_unknown_kind_or_a_number_is_refused(writer):
    StartupFactory(slug="zhipu")

    response = writer.patch(
        "/api/v1/startups/zhipu/", {"identifiers": {"isin": "CNE100000X44", "lei": 42}}
    )

    assert response.status_code == 400
    assert response.json() == {
        "identifiers": {
            "isin": ["is not an identifier kind (one of uscc, lei, wikidata, crunchbase, stock)"]
        }
    }
    response = writer.patch("/api/v1/startups/zhipu/", {"identifiers": {"lei": 42}})
    assert response.json() == {"identifiers": {"lei": ["must be text or null"]}}


def test_an_identifier_another_record_carries_is_a_400_naming_it(writer, resource):
    path, factory, _model = resource
    factory(slug="moonshot", uscc=USCC)
    factory(slug="zhipu")

    response = writer.patch(f"/api/v1/{path}/zhipu/", {"identifiers": {"uscc": USCC.lower()}})

    assert response.status_code == 400
    what = path.removesuffix("s")
    assert response.json() == {
        "identifiers": {"uscc": [f"is already carried by the {what} 'moonshot'"]}
    }


def test_a_record_keeps_its_own_identifier_on_a_write(writer):
    StartupFactory(slug="zhipu", uscc=USCC)

    response = writer.patch(
        "/api/v1/startups/zhipu/", {"identifiers": {"uscc": USCC}, "city": "Beijing"}
    )

    assert response.status_code == 200


def test_the_same_identifier_may_be_a_startup_s_and_an_investor_s(writer):
    """Unique per kind among the records of one resource: a startup that invests is both."""
    StartupFactory(slug="zhipu", uscc=USCC)
    InvestorFactory(slug="zhipu-ventures")

    response = writer.patch("/api/v1/investors/zhipu-ventures/", {"identifiers": {"uscc": USCC}})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [f"uscc:{USCC}", f"uscc:{USCC.lower()}", f" USCC : {USCC[:9]} {USCC[9:]}", "stock:hkex:2513"],
)
def test_the_identifier_filter_finds_the_record(reader, resource, query):
    path, factory, _model = resource
    factory(slug="zhipu", uscc=USCC, stock="HKEX:02513")
    factory(slug="moonshot", wikidata="Q1")

    response = reader.get(f"/api/v1/{path}/", {"identifier": query})

    assert response.status_code == 200
    assert [record["slug"] for record in response.json()["results"]] == ["zhipu"]


def test_the_identifier_filter_finds_nothing_for_an_identifier_nobody_carries(reader):
    StartupFactory(slug="zhipu", uscc=USCC)

    response = reader.get("/api/v1/startups/", {"identifier": f"uscc:{uscc('91310000')}"})

    assert response.json()["results"] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "91110108MA01ABCD5T",
            "must be kind:value with the kind one of uscc, lei, wikidata, crunchbase, stock "
            "(got '91110108MA01ABCD5T')",
        ),
        (
            "isin:CNE100000X44",
            "'isin' is not an identifier kind (one of uscc, lei, wikidata, crunchbase, stock)",
        ),
        (
            f"uscc:{uscc_with_wrong_18th(USCC)}",
            "has a wrong check character: the 18th character should be 'T' per GB 32100 (got '0')",
        ),
    ],
)
def test_a_malformed_identifier_filter_is_a_400_naming_the_parameter(
    reader, resource, query, message
):
    path, _factory, _model = resource

    response = reader.get(f"/api/v1/{path}/", {"identifier": query})

    assert response.status_code == 400
    assert response.json() == {"identifier": [message]}


def test_products_are_found_by_their_filing_number(reader):
    ModelProductFactory(name="GLM-4", cac_filing_number="Beijing-ChatGLM-20230821")
    ModelProductFactory(name="Kimi", cac_filing_number="Beijing-Kimi-20231010")

    response = reader.get("/api/v1/products/", {"identifier": "filing: Beijing-ChatGLM-20230821"})

    assert response.status_code == 200
    assert [product["name"] for product in response.json()["results"]] == ["GLM-4"]
    assert response.json()["results"][0]["cac_filing_number"] == "Beijing-ChatGLM-20230821"


def test_a_product_identifier_other_than_a_filing_is_a_400(reader):
    response = reader.get("/api/v1/products/", {"identifier": f"uscc:{USCC}"})

    assert response.status_code == 400
    assert response.json() == {
        "identifier": [
            f"must be filing:<number>, the regulator's filing number (got 'uscc:{USCC}')"
        ]
    }


def test_the_csv_list_has_a_column_per_identifier(reader):
    StartupFactory(slug="zhipu", uscc=USCC, stock="HKEX:02513")

    response = reader.get("/api/v1/startups/", {"format": "csv"})

    text = b"".join(response.streaming_content).decode()
    header, row = text.splitlines()[:2]
    columns = header.split(",")
    cells = dict(zip(columns, row.split(","), strict=False))
    assert [c for c in columns if c.startswith("identifiers.")] == [
        "identifiers.uscc",
        "identifiers.lei",
        "identifiers.wikidata",
        "identifiers.crunchbase",
        "identifiers.stock",
    ]
    assert cells["identifiers.uscc"] == USCC
    assert cells["identifiers.stock"] == "HKEX:02513"
    assert cells["identifiers.lei"] == ""


def test_the_schema_documents_the_identifiers_object(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    for name in ("Startup", "Investor"):
        reference = components[name]["properties"]["identifiers"]["allOf"][0]["$ref"]
        identifiers = components[reference.rsplit("/", 1)[-1]]
        assert list(identifiers["properties"]) == ["uscc", "lei", "wikidata", "crunchbase", "stock"]
        assert all(p["nullable"] for p in identifiers["properties"].values())
    parameters = schema["paths"]["/api/v1/startups/"]["get"]["parameters"]
    assert "identifier" in {parameter["name"] for parameter in parameters}
