"""`/api/v1/webhooks/`: a signed-in user's own endpoints, their secret shown once, a test event
through the delivery path, and the delivery log (docs/webhooks.md)."""

import base64
import json

import pytest
from django.test import Client

from dashboards.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from dashboards.webhook_delivery import EVENTS
from tests.factories import UserFactory, WebhookEndpointFactory
from tests.webhook_receiver import receiver

from .conftest import Caller, token_for, with_token

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://93.184.215.14/hooks"
ALL_EVENTS = (
    "round.created, round.updated, valuation.created, valuation.updated, "
    "compute_deal.created, compute_deal.updated, claim.created, claim.updated"
)


def signed_in(user=None) -> tuple[Caller, object]:
    user = user or UserFactory()
    return with_token(token_for(user)), user


def test_the_events_are_the_ones_the_docs_name():
    assert ", ".join(EVENTS) == ALL_EVENTS


def test_creating_an_endpoint_shows_its_secret_once():
    caller, user = signed_in()

    created = caller.post("/api/v1/webhooks/", {"url": PUBLIC_URL, "events": ["round.created"]})

    assert created.status_code == 201
    body = created.json()
    secret = body.pop("secret")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.user, endpoint.secret) == (user, secret)
    assert body == {
        "id": endpoint.pk,
        "url": PUBLIC_URL,
        "events": ["round.created"],
        "active": True,
        "disabled_at": None,
        "disabled_reason": "",
        "created_at": body["created_at"],
    }
    read = caller.get(f"/api/v1/webhooks/{endpoint.pk}/").json()
    listed = caller.get("/api/v1/webhooks/").json()["results"]
    assert "secret" not in read
    assert [record["id"] for record in listed] == [endpoint.pk]
    assert "secret" not in listed[0]


def test_events_default_to_all_and_unknown_ones_are_refused_with_the_list():
    caller, _ = signed_in()

    every = caller.post("/api/v1/webhooks/", {"url": PUBLIC_URL})
    unknown = caller.post("/api/v1/webhooks/", {"url": PUBLIC_URL, "events": ["round.deleted"]})

    assert every.status_code == 201
    assert every.json()["events"] == []
    assert unknown.status_code == 400
    assert unknown.json() == {
        "events": [f"Unknown events: round.deleted. The events are: {ALL_EVENTS}."]
    }
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "https://127.0.0.1/hooks",
            "The host 127.0.0.1 resolves to 127.0.0.1, a loopback address: webhooks are sent "
            "to public addresses only.",
        ),
        (
            "https://169.254.169.254/latest/meta-data/",
            "The host 169.254.169.254 resolves to 169.254.169.254, a link-local address: "
            "webhooks are sent to public addresses only.",
        ),
        ("http://93.184.215.14/hooks", "The URL must start with https://."),
    ],
)
def test_a_url_to_a_private_address_or_not_https_is_refused_at_creation(url, message):
    caller, _ = signed_in()

    refused = caller.post("/api/v1/webhooks/", {"url": url})

    assert refused.status_code == 400
    assert refused.json() == {"url": [message]}
    assert not WebhookEndpoint.objects.exists()


def test_a_changed_url_is_checked_too(settings):
    caller, user = signed_in()
    endpoint = WebhookEndpointFactory(user=user)

    refused = caller.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"url": "https://10.1.2.3/"})

    assert refused.status_code == 400
    assert refused.json()["url"][0].endswith(
        "a private address: webhooks are sent to public addresses only."
    )
    endpoint.refresh_from_db()
    assert endpoint.url == PUBLIC_URL


def test_the_setting_lets_http_and_private_addresses_in(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    caller, _ = signed_in()

    created = caller.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:8765/hooks"})

    assert created.status_code == 201


def test_another_users_endpoint_is_not_found():
    caller, _ = signed_in()
    theirs = WebhookEndpointFactory()
    path = f"/api/v1/webhooks/{theirs.pk}/"

    answers = [
        caller.get(path),
        caller.patch(path, {"active": False}),
        caller.delete(path),
        caller.post(f"{path}test/"),
        caller.get(f"{path}deliveries/"),
    ]

    assert [answer.status_code for answer in answers] == [404] * 5
    assert caller.get("/api/v1/webhooks/").json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.active


def test_a_session_works_and_anonymous_callers_are_refused():
    user = UserFactory()
    session = Client()
    session.force_login(user)
    WebhookEndpointFactory(user=user)

    assert session.get("/api/v1/webhooks/").status_code == 200
    assert Client().get("/api/v1/webhooks/").status_code == 401
    assert Client().post("/api/v1/webhooks/", {"url": PUBLIC_URL}).status_code == 401


def test_turning_an_endpoint_back_on_clears_why_it_was_off():
    caller, user = signed_in()
    endpoint = WebhookEndpointFactory(
        user=user, active=False, disabled_reason="every delivery failed for 24 hours"
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_at="2026-01-01T00:00:00Z")

    answer = caller.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"active": True})

    assert answer.status_code == 200
    assert (answer.json()["active"], answer.json()["disabled_at"]) == (True, None)
    assert answer.json()["disabled_reason"] == ""


def test_deleting_an_endpoint_deletes_its_log():
    caller, user = signed_in()
    endpoint = WebhookEndpointFactory(user=user)
    WebhookDelivery.objects.create(endpoint=endpoint, webhook_id="msg_1", event="round.created")

    assert caller.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 204
    assert not WebhookDelivery.objects.exists()


def test_a_test_event_goes_through_the_delivery_path_and_is_logged(
    settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    caller, user = signed_in()
    with receiver(200) as running:
        endpoint = WebhookEndpointFactory(user=user, url=running.url)
        with django_capture_on_commit_callbacks(execute=True):
            answer = caller.post(f"/api/v1/webhooks/{endpoint.pk}/test/")

    assert answer.status_code == 202
    delivery = WebhookDelivery.objects.get()
    assert running.ids() == [delivery.webhook_id]
    body = json.loads(running.received[0].body)
    assert body["type"] == "webhook.test"
    assert body["data"] == {"endpoint_id": endpoint.pk, "message": "A test event, sent on request."}
    log = caller.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert log["results"] == [
        {
            "id": delivery.pk,
            "webhook_id": delivery.webhook_id,
            "event": "webhook.test",
            "status": DeliveryStatus.DELIVERED,
            "attempts": 1,
            "response_code": 200,
            "latency_ms": delivery.latency_ms,
            "error": "",
            "next_attempt_at": None,
            "created_at": log["results"][0]["created_at"],
            "delivered_at": log["results"][0]["delivered_at"],
        }
    ]
    assert log["results"][0]["delivered_at"] is not None


def test_a_test_event_to_an_endpoint_that_is_off_is_refused():
    caller, user = signed_in()
    endpoint = WebhookEndpointFactory(user=user, active=False)

    refused = caller.post(f"/api/v1/webhooks/{endpoint.pk}/test/")

    assert refused.status_code == 400
    assert refused.json() == {"active": ["This endpoint is off: turn it on (active: true) first."]}
    assert not WebhookDelivery.objects.exists()


def test_the_delivery_log_is_in_keyset_pages_newest_first():
    caller, user = signed_in()
    endpoint = WebhookEndpointFactory(user=user)
    ids = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, webhook_id=f"msg_{n}", event="round.created"
        ).pk
        for n in range(3)
    ]
    WebhookDelivery.objects.create(
        endpoint=WebhookEndpointFactory(user=user), webhook_id="msg_other", event="round.created"
    )

    first = caller.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/", {"page_size": 2}).json()
    second = Client().get(first["next"], HTTP_AUTHORIZATION=caller.headers["HTTP_AUTHORIZATION"])

    assert [row["id"] for row in first["results"]] == ids[:0:-1]
    assert [row["id"] for row in second.json()["results"]] == ids[:1]


@pytest.mark.parametrize("suffix", ["", "{id}/deliveries/"])
def test_the_lists_answer_forged_cursors_and_page_sizes_with_a_400(suffix):
    caller, user = signed_in()
    path = "/api/v1/webhooks/" + suffix.format(id=WebhookEndpointFactory(user=user).pk)

    forged = caller.get(path, {"cursor": base64.b64encode(b'[false, "x", "1e400"]').decode()})
    huge = caller.get(path, {"page_size": "99999999999999999999999999"})
    negative = caller.get(path, {"page_size": "-1"})

    assert forged.status_code == 400
    assert list(forged.json()) == ["cursor"]
    assert huge.status_code == 200
    assert negative.status_code == 400
    assert list(negative.json()) == ["page_size"]
    assert caller.get(f"{path}99999999999999999999999999/").status_code == 404
