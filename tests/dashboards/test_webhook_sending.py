"""Attempts, retries with backoff for 24 hours, timeouts, refusals at delivery time, and the
endpoint disabled after 24 hours of failures (dashboards.webhook_sending). Time is moved by
a clock the code reads (django.utils.timezone.now), never slept through."""

import datetime as dt
from itertools import pairwise

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from dashboards.alert_signals import alerts_raised
from dashboards.models import Alert, DeliveryStatus, Follower, WebhookDelivery
from dashboards.webhook_sending import RETRY_WINDOW, delivery_claim, delivery_send
from dashboards.webhook_tasks import send_due_deliveries
from dashboards.webhook_urls import Target
from tests.factories import AlertFactory, WebhookEndpointFactory
from tests.webhook_receiver import HANG, receiver

pytestmark = pytest.mark.django_db

REFUSED = "webhooks are sent to public addresses only."


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> dt.datetime:
        return self.now

    def move_to(self, moment: dt.datetime) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def private_addresses_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def delivery_to(url: str, **endpoint_fields) -> WebhookDelivery:
    """A round alert for an endpoint at `url`, raised as the matcher raises it."""
    endpoint = WebhookEndpointFactory(url=url, **endpoint_fields)
    with transaction.atomic():
        alerts_raised.send(sender=Alert, alerts=[AlertFactory(user=endpoint.user)])
    return WebhookDelivery.objects.get()


def next_attempt(clock: Clock, delivery: WebhookDelivery) -> str | None:
    """Moves the clock to the delivery's next attempt and makes it."""
    delivery.refresh_from_db()
    clock.move_to(delivery.next_attempt_at)
    return delivery_send(delivery.pk)


@pytest.mark.usefixtures("private_addresses_allowed")
def test_a_receiver_answering_500_then_200_is_retried_then_logged_delivered(clock):
    with receiver(500, 200) as running:
        delivery = delivery_to(running.url)
        created = delivery.created_at

        assert delivery_send(delivery.pk) == DeliveryStatus.PENDING
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.response_code, delivery.error) == (
            1,
            500,
            "HTTP 500: ok",
        )
        wait = (delivery.next_attempt_at - created).total_seconds()
        assert 4.5 <= wait <= 5.5
        assert next_attempt(clock, delivery) == DeliveryStatus.DELIVERED

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    assert (delivery.error, delivery.next_attempt_at) == ("", None)
    assert delivery.delivered_at == clock.now
    assert running.ids() == [delivery.webhook_id] * 2
    assert running.received[0].body == running.received[1].body == delivery.body.encode()


@pytest.mark.usefixtures("private_addresses_allowed")
def test_a_receiver_that_hangs_times_out_and_is_retried(clock, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    with receiver(HANG, 204) as running:
        delivery = delivery_to(running.url)

        assert delivery_send(delivery.pk) == DeliveryStatus.PENDING
        delivery.refresh_from_db()
        assert (delivery.response_code, delivery.error) == (None, "timed out")
        assert 300 <= delivery.latency_ms < 2000
        assert next_attempt(clock, delivery) == DeliveryStatus.DELIVERED

    assert running.ids() == [delivery.webhook_id] * 2
    assert WebhookDelivery.objects.get().response_code == 204


@pytest.mark.usefixtures("private_addresses_allowed")
def test_an_attempt_is_claimed_so_that_no_other_worker_sends_it_meanwhile(clock):
    delivery = delivery_to("http://127.0.0.1:9/hooks")

    claimed = delivery_claim(delivery.pk)
    again = delivery_claim(delivery.pk)

    assert claimed is not None and claimed.attempts == 1
    assert again is None
    assert send_due_deliveries(seconds=1) == 0
    # A worker killed mid-attempt leaves it due again once the attempt's time is up.
    clock.move_to(clock.now + dt.timedelta(seconds=26))
    assert delivery_claim(delivery.pk).attempts == 2


@pytest.mark.parametrize(
    ("url", "resolved", "reason"),
    [
        ("https://127.0.0.1/hooks", None, "127.0.0.1, a loopback address"),
        ("https://169.254.169.254/latest/", None, "169.254.169.254, a link-local address"),
        # A name that resolved to a public address when saved, and to a private one now.
        ("https://hooks.example.com/in", ["93.184.215.14", "10.0.0.7"], "10.0.0.7, a private"),
        ("https://hooks.example.com/in", ["::ffff:127.0.0.1"], "::ffff:127.0.0.1, a loopback"),
    ],
)
def test_a_url_to_a_private_address_is_refused_at_delivery_and_logged(
    clock, monkeypatch, url, resolved, reason
):
    if resolved is not None:
        monkeypatch.setattr("dashboards.webhook_urls.resolve", lambda host, port: resolved)
    delivery = delivery_to(url)

    assert delivery_send(delivery.pk) == DeliveryStatus.PENDING

    delivery.refresh_from_db()
    assert delivery.error.startswith("not sent: The host ")
    assert reason in delivery.error and delivery.error.endswith(REFUSED)
    assert (delivery.attempts, delivery.response_code) == (1, None)


def test_http_is_refused_at_delivery_without_the_setting(clock):
    delivery = delivery_to("http://93.184.215.14/hooks")

    delivery_send(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.error == "not sent: The URL must start with https://."


@pytest.mark.usefixtures("private_addresses_allowed")
def test_the_attempt_connects_to_the_address_that_was_checked(monkeypatch):
    """No second look-up between the check and the connection (DNS rebinding)."""
    with receiver(200) as running:
        port = int(running.url.split(":")[2].split("/")[0])
        checked = Target("http", "hooks.example.com", port, "/in?x=1", ("127.0.0.1",))
        monkeypatch.setattr("dashboards.webhook_sending.checked_target", lambda url: checked)
        delivery = delivery_to(f"http://hooks.example.com:{port}/in?x=1")

        assert delivery_send(delivery.pk) == DeliveryStatus.DELIVERED

    [request] = running.received
    assert (request.path, request.headers["host"]) == ("/in?x=1", f"hooks.example.com:{port}")


@pytest.mark.usefixtures("private_addresses_allowed")
def test_24_hours_of_failures_fail_the_message_disable_the_endpoint_and_email_its_owner(
    clock, django_capture_on_commit_callbacks
):
    with receiver(503) as running:
        delivery = delivery_to(running.url)
        Follower.objects.create(user=delivery.endpoint.user, language="zh-hans", feed_secret="f")
        created = delivery.created_at
        attempts_at = [clock.now]
        with django_capture_on_commit_callbacks(execute=True):
            status = delivery_send(delivery.pk)
            while status == DeliveryStatus.PENDING:
                status = next_attempt(clock, delivery)
                attempts_at.append(clock.now)

    delivery.refresh_from_db()
    endpoint = delivery.endpoint
    waits = [round((b - a).total_seconds()) for a, b in pairwise(attempts_at)]
    assert waits[:4] == pytest.approx([5, 30, 180, 1080], rel=0.11)
    assert max(waits) <= 2 * 60 * 60 * 1.1
    assert attempts_at[-1] == created + RETRY_WINDOW
    assert (delivery.status, delivery.attempts) == ("failed", len(attempts_at))
    assert len(running.ids()) == delivery.attempts
    assert set(running.ids()) == {delivery.webhook_id}
    assert (endpoint.active, endpoint.disabled_at) == (False, clock.now)
    assert endpoint.disabled_reason == "every delivery failed for 24 hours"
    [email] = mail.outbox
    assert email.to == [endpoint.user.email]
    assert email.subject == f"Webhook 端点已停用：{endpoint.url}"  # noqa: RUF001
    assert "HTTP 503: ok" in email.body


@pytest.mark.usefixtures("private_addresses_allowed")
def test_an_endpoint_that_answered_meanwhile_stays_on(clock):
    with receiver(503) as running:
        delivery = delivery_to(running.url)
        WebhookDelivery.objects.create(
            endpoint=delivery.endpoint,
            webhook_id="msg_answered",
            event="round.created",
            status=DeliveryStatus.DELIVERED,
            delivered_at=clock.now + dt.timedelta(hours=1),
        )
        status = delivery_send(delivery.pk)
        while status == DeliveryStatus.PENDING:
            status = next_attempt(clock, delivery)

    delivery.endpoint.refresh_from_db()
    assert status == DeliveryStatus.FAILED
    assert delivery.endpoint.active
    assert mail.outbox == []


def test_a_delivery_to_an_endpoint_turned_off_is_not_sent(clock):
    delivery = delivery_to("http://127.0.0.1:9/hooks")
    delivery.endpoint.active = False
    delivery.endpoint.save()

    assert delivery_send(delivery.pk) is None

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 0)
    assert delivery.error == "not sent: the endpoint is disabled"
