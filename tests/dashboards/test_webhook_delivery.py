"""Alerts to webhook messages: who receives what, the body, the signature, and the delivery
written in the matcher's transaction (dashboards.webhook_delivery)."""

import json
import time

import pytest
from django.db import transaction
from django.test import Client
from kombu.exceptions import OperationalError
from standardwebhooks import Webhook, WebhookVerificationError

from dashboards.alert_signals import alerts_raised
from dashboards.models import Alert, DeliveryStatus, WebhookDelivery
from dashboards.webhook_signing import signature
from dashboards.webhook_tasks import send_delivery_task, send_due_deliveries
from tests.factories import (
    AlertFactory,
    ClaimFactory,
    FundingRoundFactory,
    InvestorFactory,
    UserFactory,
    ValuationMarkFactory,
    WatchItemFactory,
    WebhookEndpointFactory,
)
from tests.webhook_receiver import receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_addresses_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def raise_alerts(*alerts: Alert) -> None:
    """What the matcher does: the alerts' signal inside its transaction."""
    with transaction.atomic():
        alerts_raised.send(sender=Alert, alerts=list(alerts))


def test_the_message_is_signed_as_standard_webhooks_verify_it(django_capture_on_commit_callbacks):
    with receiver(200) as running:
        endpoint = WebhookEndpointFactory(url=running.url)
        alert = AlertFactory(user=endpoint.user)
        with django_capture_on_commit_callbacks(execute=True):
            raise_alerts(alert)

    [request] = running.received
    delivery = WebhookDelivery.objects.get()
    verified = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert verified["type"] == "round.created"
    assert request.headers["webhook-id"] == delivery.webhook_id
    assert request.headers["content-type"] == "application/json"
    assert request.body == delivery.body.encode()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)


def test_the_signature_is_the_specifications_example():
    # The example of the Standard Webhooks specification's reference libraries.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'

    signed = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)

    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_tampered_body_does_not_verify():
    endpoint = WebhookEndpointFactory()
    timestamp = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(endpoint.secret, "msg_1", timestamp, b'{"amount": 1}'),
    }
    webhook = Webhook(endpoint.secret)

    assert webhook.verify(b'{"amount": 1}', headers) == {"amount": 1}
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        webhook.verify(b'{"amount": 9}', headers)


def test_only_the_alerts_owner_receives_it_and_only_for_the_events_it_takes():
    owner, stranger = UserFactory(), UserFactory()
    every_event = WebhookEndpointFactory(user=owner)
    rounds_only = WebhookEndpointFactory(user=owner, events=["round.created"])
    WebhookEndpointFactory(user=owner, events=["valuation.created"])
    WebhookEndpointFactory(user=owner, active=False)
    WebhookEndpointFactory(user=stranger)
    alert = AlertFactory(user=owner)

    raise_alerts(alert)

    deliveries = WebhookDelivery.objects.order_by("endpoint_id")
    assert [(d.endpoint, d.alert, d.event) for d in deliveries] == [
        (every_event, alert, "round.created"),
        (rounds_only, alert, "round.created"),
    ]
    assert len({d.webhook_id for d in deliveries}) == 2
    assert all(d.webhook_id.startswith("msg_") for d in deliveries)
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}


def test_nothing_is_written_for_a_user_without_endpoints():
    raise_alerts(AlertFactory())

    assert not WebhookDelivery.objects.exists()


def test_deliveries_roll_back_with_the_matchers_transaction():
    alert = AlertFactory(user=WebhookEndpointFactory().user)

    with pytest.raises(RuntimeError), transaction.atomic():
        alerts_raised.send(sender=Alert, alerts=[alert])
        raise RuntimeError("the matcher failed")

    assert not WebhookDelivery.objects.exists()


def test_the_body_carries_the_record_as_the_api_reads_it_and_the_watch_item():
    funding_round = FundingRoundFactory()
    item = WatchItemFactory(startup=funding_round.startup)
    WebhookEndpointFactory(user=item.user)
    alert = AlertFactory(user=item.user, watch_item=item, record_id=funding_round.pk)

    raise_alerts(alert)

    body = json.loads(WebhookDelivery.objects.get().body)
    api = Client().get(f"/api/v1/rounds/{funding_round.pk}/").json()
    assert body == {
        "type": "round.created",
        "timestamp": alert.created_at.isoformat().replace("+00:00", "Z"),
        "data": {
            "kind": "round",
            "id": funding_round.pk,
            "record": api,
            "watch_item": {
                "id": item.pk,
                "startup": funding_round.startup.slug,
                "investor": None,
                "search": None,
            },
        },
    }


@pytest.mark.parametrize("kind", ["valuation", "claim"])
def test_valuations_and_claims_are_read_as_the_api_reads_them(kind):
    if kind == "valuation":
        record = ValuationMarkFactory()
        api = Client().get(f"/api/v1/valuation-marks/{record.pk}/").json()
    else:
        record = ClaimFactory()
        listed = Client().get(f"/api/v1/rounds/{record.round_id}/").json()["claims"][0]
        api = {"id": record.pk, "record": "round", "record_id": record.round_id, **listed}
    item = WatchItemFactory(investor=InvestorFactory(), startup=None)
    WebhookEndpointFactory(user=item.user, events=[f"{kind}.updated"])

    raise_alerts(
        AlertFactory(
            user=item.user, watch_item=item, kind=kind, event=f"{kind}.updated", record_id=record.pk
        )
    )

    data = json.loads(WebhookDelivery.objects.get().body)["data"]
    assert data["record"] == api
    assert data["watch_item"]["investor"] == item.investor.slug


def test_a_broker_that_is_down_leaves_the_delivery_to_the_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_delivery_task, "delay", broker_down)
    with receiver(200) as running:
        alert = AlertFactory(user=WebhookEndpointFactory(url=running.url).user)
        with django_capture_on_commit_callbacks(execute=True):
            raise_alerts(alert)
        waiting = WebhookDelivery.objects.get()
        assert (waiting.status, running.received) == (DeliveryStatus.PENDING, [])

        assert send_due_deliveries(seconds=5) == 1

    assert running.ids() == [waiting.webhook_id]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
