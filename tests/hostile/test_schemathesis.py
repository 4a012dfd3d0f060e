"""schemathesis over every operation of the live schema, with a token that holds every
permission, so that writes are exercised too: generated requests, valid and invalid, then
sequences that follow the schema's links (create, then read, change and delete the record).
Every check schemathesis has but one (below): no 500, no answer outside the schema."""

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from config.wsgi import application
from dashboards.refresh import refresh_full
from deals import services
from tests.api.conftest import token_for
from tests.factories import (
    ComputeDealFactory,
    FxRateFactory,
    ModelProductFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
    UserFactory,
)

SCHEMA_URL = "/api/v1/schema/?format=json"
# Every check but one: a filter or a body may name a startup or investor by a slug that fits
# the schema's pattern and names no record; that is a 400 on the field, by design (docs/api.md,
# "Errors"), where positive_data_acceptance expects 2xx or 404.
CHECKS = {"positive_data_acceptance": {"enabled": False}}
# Nothing learnt in one run steers the next: a run depends on the code alone.
NO_CACHE = {"enabled": False}
# The coverage phase would send every boundary case of every parameter (~80 requests per
# operation); random examples, valid and invalid, are enough here.
STATELESS = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "checks": CHECKS, "cache": NO_CACHE}
)
# Enough to reach every parameter and field of every operation, small enough for CI;
# derandomized, so that a run fails or passes the same way every time.
EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
# Sequences run through schemathesis' own engine, as its command line does: it knows that
# generation steered by earlier answers may not replay exactly, where a bare Hypothesis state
# machine would call the run flaky.
STATEFUL = SchemathesisConfig.from_dict(
    {
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": False},
            "stateful": {"enabled": True, "max-steps": 6},
        },
        "generation": {"max-examples": 30, "deterministic": True},
        "checks": CHECKS,
        "cache": NO_CACHE,
        # The live server's request threads then end, and their database connections with
        # them (a kept-alive one would outlive the test database).
        "headers": {"Connection": "close"},
    }
)


def small_world() -> None:
    """Affiliates, a CNY round with participants, marks, metrics; aggregated."""
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


class EveryPermission:
    """A new token for each request (one request may sign out), of a user who holds every
    permission. Given to schemathesis as its auth, so that its auth checks know the token is
    real and see that a request without it is refused."""

    def get(self, case, context) -> str:
        user = UserFactory()
        user.user_permissions.add(*Permission.objects.all())
        token = token_for(user)
        if not connection.in_atomic_block:
            # The engine's thread: its connection must not outlive it (the test database
            # could not be dropped), and the requests close theirs anyway.
            connection.close()
        return token

    def set(self, case, token: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}


def with_every_permission(api):
    api.auth(refresh_interval=None)(EveryPermission)
    return api


@pytest.fixture
def stateless_api(db):
    small_world()
    # Requests go to the WSGI app itself, which closes the database connection after each one
    # unless it is in autocommit: the test's transaction would be gone. Django's own test
    # client unhooks the same handler.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield with_every_permission(
            schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=STATELESS)
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("stateless_api")


@schema.parametrize()
@EXAMPLES
def test_every_operation_conforms_to_the_schema(case):
    case.call_and_validate()


def failures_of(event: events.EngineEvent) -> list[str]:
    if isinstance(event, (events.NonFatalError, events.FatalError)):
        return [f"error: {event.info.format()}"]
    if not isinstance(event, events.ScenarioFinished):
        return []
    if event.status == Status.ERROR:  # a check or a request that could not run
        labels = sorted(node.value.operation.label for node in event.recorder.cases.values())
        return [f"error in {labels}"]
    return [
        f"{check.name}: {check.failure_info.failure.title} "
        f"({event.recorder.cases[case_id].value.operation.label})"
        for case_id, checks in event.recorder.checks.items()
        for check in checks
        if check.status == Status.FAILURE
    ]


# The engine runs sequences in a thread of its own, against a live server in another: the
# small world is committed for them to see (pytest-django empties the tables after).
@pytest.mark.django_db(transaction=True)
def test_sequences_along_the_links_conform_to_the_schema(live_server):
    small_world()
    api = with_every_permission(
        schemathesis.openapi.from_url(f"{live_server.url}{SCHEMA_URL}", config=STATEFUL)
    )
    failures: list[str] = []
    steps: dict[str, int] = {}

    for event in schemathesis.engine.from_schema(api).execute():
        failures.extend(failures_of(event))
        if isinstance(event, events.ScenarioFinished):
            for case_id, node in event.recorder.cases.items():
                response = event.recorder.interactions[case_id].response
                if response is not None and response.status_code < 300:
                    label = node.value.operation.label
                    steps[label] = steps.get(label, 0) + 1
        if isinstance(event, events.PhaseStarted) and event.payload is not None:
            links = event.payload.transitions_total

    assert failures == []
    # Every create's links were there to follow, and sequences went along them: a record
    # created in a sequence was then changed or deleted.
    assert links >= 40
    followed = [label for label in steps if label.split(" ")[0] in {"PUT", "PATCH", "DELETE"}]
    # (How many varies a little from run to run: the records' ids, which the sequences carry
    # along, depend on what ran before in the same database.)
    assert followed, sorted(steps.items())
