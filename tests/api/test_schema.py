"""The contract: a valid OpenAPI 3 schema, generated without warnings, with links, and Swagger
UI from our own static files. schemathesis checks the live API against it in
tests/hostile/test_schemathesis.py."""

import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3(openapi):
    validate(openapi)

    assert openapi["openapi"].startswith("3.")


@pytest.mark.django_db
def test_the_schema_generates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


@pytest.mark.django_db
def test_every_list_documents_paging_syncing_and_csv(openapi):
    lists = [
        path
        for path in openapi["paths"]
        if path.count("/") == 4
        and "/stats/" not in path
        and "/auth/" not in path
        and path != "/api/v1/search/"  # the site search: grouped results, not a list
        and path != "/api/v1/changes/"  # the change feed: its own order, no updated_since
        and path != "/api/v1/webhooks/"  # the caller's own few endpoints, JSON only
        and path != "/api/v1/watchlists/"  # one user's own few items: no sync, no CSV
    ]
    assert len(lists) == 10
    for path in lists:
        operation = openapi["paths"][path]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"cursor", "page_size", "updated_since", "ordering", "format"} <= names, path
        assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}


@pytest.mark.django_db
def test_nullable_and_read_only_fields_are_marked(openapi):
    schemas = openapi["components"]["schemas"]
    round_fields = schemas["FundingRound"]["properties"]

    assert round_fields["amount_usd"]["nullable"] and round_fields["amount_usd"]["readOnly"]
    assert round_fields["fx_rate"]["nullable"]
    assert round_fields["amount"]["nullable"]
    assert "amount_usd" not in schemas["FundingRoundRequest"]["properties"]
    assert schemas["Startup"]["properties"]["latest_valuation_usd"]["nullable"]
    assert set(schemas["FundingRoundRequest"]["required"]) == {
        "startup",
        "announced_on",
        "round_label",
        "source_urls",
    }


@pytest.mark.django_db
def test_each_list_names_the_orderings_it_takes(openapi):
    def orderings(path: str) -> list[str]:
        parameters = openapi["paths"][f"/api/v1/{path}/"]["get"]["parameters"]
        return next(p for p in parameters if p["name"] == "ordering")["schema"]["enum"]

    every_list = ["id", "-id", "updated_at", "-updated_at", "created_at", "-created_at"]
    assert orderings("rounds") == [
        "announced_on",
        "-announced_on",
        "amount_usd",
        "-amount_usd",
        "post_money_valuation_usd",
        "-post_money_valuation_usd",
        *every_list,
    ]
    assert orderings("startups") == [
        "name_en",
        "-name_en",
        "slug",
        "-slug",
        "latest_valuation_usd",
        "-latest_valuation_usd",
        *every_list,
    ]
    assert orderings("participations") == every_list


@pytest.mark.django_db
def test_every_derived_figure_has_its_bound_beside_it(openapi):
    schemas = openapi["components"]["schemas"]
    bound = {"$ref": "#/components/schemas/QualifierEnum"}

    for field in (
        schemas["Startup"]["properties"]["latest_valuation_qualifier"],
        schemas["ComputeShareRow"]["properties"]["compute_share_qualifier"],
    ):
        assert field["readOnly"] and field["nullable"]
        assert bound in field["oneOf"]


@pytest.mark.django_db
def test_swagger_ui_is_served_from_our_static_files(client):
    page = client.get("/api/v1/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


@pytest.mark.django_db
def test_each_create_links_to_the_record_it_made(openapi):
    created = openapi["paths"]["/api/v1/startups/"]["post"]["responses"]["201"]
    round_links = openapi["paths"]["/api/v1/rounds/"]["post"]["responses"]["201"]["links"]

    assert created["links"]["StartupsPartialUpdate"] == {
        "operationId": "startups_partial_update",
        "parameters": {"slug": "$response.body#/slug"},
        "description": "The created record, by its `slug`.",
    }
    assert {link["operationId"] for link in round_links.values()} == {
        "rounds_retrieve",
        "rounds_update",
        "rounds_partial_update",
        "rounds_destroy",
    }
    assert round_links["RoundsDestroy"]["parameters"] == {"id": "$response.body#/id"}


@pytest.mark.django_db
def test_optional_query_parameters_may_be_sent_empty(openapi):
    parameters = openapi["paths"]["/api/v1/fx-rates/"]["get"]["parameters"]

    assert all(parameter["allowEmptyValue"] for parameter in parameters)
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"]["minimum"] == 1


@pytest.mark.django_db
def test_the_rounds_take_several_investors_and_how_they_combine(openapi):
    parameters = {
        parameter["name"]: parameter
        for parameter in openapi["paths"]["/api/v1/rounds/"]["get"]["parameters"]
    }

    investor, match = parameters["investor"], parameters["match"]
    assert (investor["schema"]["type"], investor["style"], investor["explode"]) == (
        "array",
        "form",
        True,
    )
    assert investor["schema"]["items"] == {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}
    assert match["schema"] == {"type": "string", "enum": ["all", "any"]}
    assert "any (the default) or all" in match["description"]


@pytest.mark.django_db
def test_the_change_feed_documents_its_filters_cursor_csv_and_gone(openapi):
    operation = openapi["paths"]["/api/v1/changes/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paginated = openapi["components"]["schemas"][page.rsplit("/", 1)[1]]

    assert {"cursor", "page_size", "kind", "action", "format"} <= names
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "410" in operation["responses"]
    assert paginated["properties"]["next"].get("nullable") is not True
    assert "next" in paginated["required"]


@pytest.mark.django_db
def test_the_watchlist_is_documented_as_needing_a_signed_in_user(openapi):
    paths = openapi["paths"]
    operations = [
        (path, method, operation)
        for path in (
            "/api/v1/watchlists/",
            "/api/v1/watchlists/{id}/",
            "/api/v1/watchlists/settings/",
        )
        for method, operation in paths[path].items()
        if method in ("get", "post", "patch", "delete")
    ]

    assert sorted((path, method) for path, method, _ in operations) == [
        ("/api/v1/watchlists/", "get"),
        ("/api/v1/watchlists/", "post"),
        ("/api/v1/watchlists/settings/", "get"),
        ("/api/v1/watchlists/settings/", "patch"),
        ("/api/v1/watchlists/{id}/", "delete"),
        ("/api/v1/watchlists/{id}/", "get"),
    ]
    for path, method, operation in operations:
        assert {} not in operation["security"], (path, method)
        assert operation["summary"], (path, method)
    request = openapi["components"]["schemas"]["WatchItemRequest"]["properties"]
    assert set(request) == {"startup", "investor", "search"}
