"""The contract: a valid OpenAPI 3 schema, Swagger UI from our own static files, and the live
API checked against the schema by schemathesis (no 500, no answer outside the schema)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from dashboards.refresh import refresh_full
from deals import services
from tests.factories import (
    ComputeDealFactory,
    FxRateFactory,
    ModelProductFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
    UserFactory,
)

from .conftest import token_for

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# The coverage phase would send every boundary case of every parameter (~80 requests per
# operation); random examples within the schema, valid and invalid, are enough here.
SCHEMATHESIS = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
# Enough to reach every parameter and field of every operation, small enough for CI.
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


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
        if path.count("/") == 4 and "/stats/" not in path and "/auth/" not in path
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
def test_swagger_ui_is_served_from_our_static_files(client):
    page = client.get("/api/v1/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


@pytest.fixture
def live_schema(db):
    """A small world (affiliates, a CNY round with participants, marks, metrics), aggregated."""
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7"))
    parent = services.investor_create(slug="alibaba", name_en="Alibaba", name_zh="阿里巴巴")
    cloud = services.investor_create(slug="alibaba-cloud", name_en="Alibaba Cloud", parent=parent)
    startup = StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")
    funding_round = services.funding_round_create(
        startup=startup,
        announced_on=dt.date(2024, 4, 1),
        date_precision="quarter",
        round_label="Series B",
        amount=Decimal("700000000"),
        amount_currency="CNY",
        post_money_valuation=Decimal("14000000000"),
        valuation_currency="CNY",
        source_urls=["https://news.example.com/zhipu"],
        participants=[{"investor": cloud, "is_lead": True}, {"investor": parent}],
    )
    services.valuation_mark_create(
        startup=startup, valued_on=dt.date(2025, 1, 1), value=Decimal("3e9"), currency="USD"
    )
    ModelProductFactory(startup=startup)
    ComputeDealFactory(startup=startup, provider_investor=cloud)
    ReportedMetricFactory(investor=parent)
    funding_round.participations.first().sources.add(SourceFactory())
    refresh_full()
    # Requests go to the WSGI app itself, which closes the database connection after each one
    # unless it is in autocommit: the test's transaction would be gone. Django's own test
    # client unhooks the same handler.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/schema/?format=json", application, config=SCHEMATHESIS
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("live_schema")


@schema.include(method="GET").parametrize()
@EXAMPLES
def test_anonymous_reads_conform_to_the_schema(case):
    case.call_and_validate(checks=CHECKS)


@schema.exclude(method="GET").parametrize()
@settings(EXAMPLES, max_examples=5)
def test_writes_with_a_token_conform_to_the_schema(case):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="schemathesis")
    user.user_permissions.add(*Permission.objects.all())
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Token {token_for(user)}"})
