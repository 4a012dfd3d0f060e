"""One attempt of a webhook delivery, its log, its retry, and the endpoint that keeps failing.

An attempt is claimed before anything is sent: the row is locked (select_for_update, skip
locked), its attempt counted and its next attempt moved past the time the POST may take, then
committed. A second worker finds it locked or not due and sends nothing; a worker killed
mid-POST leaves it due again once that time has passed, with the same `webhook-id` and body.
The POST itself runs outside any transaction, so no lock is held while a receiver is slow.
"""

import datetime as dt
import logging
import random
import time
from http.client import HTTPException

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .webhook_http import post
from .webhook_notices import endpoint_disabled_email
from .webhook_signing import signed_headers
from .webhook_urls import RefusedURL, checked_target

logger = logging.getLogger(__name__)

# A message is retried for this long after it was written, then logged failed; an endpoint
# that received nothing during a message's whole window is disabled.
RETRY_WINDOW = dt.timedelta(hours=24)
# Retries wait 5 s, 30 s, 3 min, 18 min, 1 h 48 min, then every 2 h (the last one when the
# window ends), each +-10% so that the retries of many messages to one receiver that was down
# do not all arrive at once.
FIRST_RETRY_SECONDS = 5
BACKOFF_FACTOR = 6
LONGEST_WAIT_SECONDS = 2 * 60 * 60
JITTER = 0.1
# What an attempt may take beyond the connect and answer timeouts before another may start.
CLAIM_MARGIN_SECONDS = 5
LOG_ERROR_LENGTH = 500
# What the delivery log shows of each delivery (the API and the admin).
DELIVERY_LOG_FIELDS = (
    "webhook_id",
    "event",
    "status",
    "attempts",
    "response_code",
    "latency_ms",
    "error",
    "next_attempt_at",
    "created_at",
    "delivered_at",
)


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt, after `attempts` failed ones."""
    wait = min(FIRST_RETRY_SECONDS * BACKOFF_FACTOR ** (attempts - 1), LONGEST_WAIT_SECONDS)
    return wait * random.uniform(1 - JITTER, 1 + JITTER)


def claim_time() -> dt.timedelta:
    """Longest an attempt may hold its claim: connect, send and wait for the answer."""
    return dt.timedelta(seconds=2 * settings.WEBHOOKS_TIMEOUT_SECONDS + CLAIM_MARGIN_SECONDS)


@transaction.atomic
def delivery_claim(delivery_id: int) -> WebhookDelivery | None:
    """The delivery, claimed for one attempt; None when it is not due, is being sent by
    someone else, or is done. A delivery to an endpoint turned off is logged failed."""
    now = timezone.now()
    delivery = (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .first()
    )
    if delivery is None:
        return None
    if not delivery.endpoint.active:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.error = "not sent: the endpoint is disabled"
        delivery.save(update_fields=["status", "next_attempt_at", "error"])
        return None
    delivery.attempts += 1
    delivery.next_attempt_at = now + claim_time()
    delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def delivery_send(delivery_id: int) -> str | None:
    """One attempt, if the delivery is due and free: POSTs its body, signed, and logs the
    outcome. Returns the status it leaves (None: nothing was attempted)."""
    delivery = delivery_claim(delivery_id)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    try:
        target = checked_target(endpoint.url)
    except RefusedURL as refused:
        return attempt_logged(delivery, error=f"not sent: {refused}")
    body = delivery.body.encode("utf-8")
    headers = signed_headers(endpoint.secret, delivery.webhook_id, int(time.time()), body)
    started = time.monotonic()
    try:
        answer = post(target, headers, body, settings.WEBHOOKS_TIMEOUT_SECONDS)
    except (OSError, HTTPException) as failure:
        latency_ms = round((time.monotonic() - started) * 1000)
        reason = str(failure) or type(failure).__name__
        return attempt_logged(delivery, latency_ms=latency_ms, error=reason)
    error = "" if 200 <= answer.status < 300 else f"HTTP {answer.status}: {answer.excerpt}"
    return attempt_logged(
        delivery, response_code=answer.status, latency_ms=answer.latency_ms, error=error
    )


def attempt_logged(
    delivery: WebhookDelivery,
    *,
    response_code: int | None = None,
    latency_ms: int | None = None,
    error: str = "",
) -> str:
    """Logs the attempt (delivered when there is no error) and schedules the next one, or
    gives up once the retry window has passed. Nothing is written if the attempt was
    overtaken (another attempt was claimed meanwhile)."""
    now = timezone.now()
    fields = {
        "response_code": response_code,
        "latency_ms": latency_ms,
        "error": error[:LOG_ERROR_LENGTH],
    }
    if not error:
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    else:
        deadline = delivery.created_at + RETRY_WINDOW
        retry_at = now + dt.timedelta(seconds=retry_delay(delivery.attempts))
        if now >= deadline:
            fields |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
        else:
            # The last attempt is made when the window ends, not before.
            fields |= {"status": DeliveryStatus.PENDING, "next_attempt_at": min(retry_at, deadline)}
    with transaction.atomic():
        logged = WebhookDelivery.objects.filter(
            pk=delivery.pk, attempts=delivery.attempts, status=DeliveryStatus.PENDING
        ).update(**fields)
        if logged and fields["status"] == DeliveryStatus.FAILED:
            endpoint_failed(delivery, now)
    if error:
        logger.info("webhook %s attempt %d: %s", delivery.webhook_id, delivery.attempts, error)
    return fields["status"]


def endpoint_failed(delivery: WebhookDelivery, now: dt.datetime) -> None:
    """A message failed for its whole retry window: if nothing reached the endpoint since the
    message was written either, every attempt has failed for that long, and it is disabled."""
    endpoint = delivery.endpoint
    if not endpoint.deliveries.filter(delivered_at__gte=delivery.created_at).exists():
        endpoint_disable(endpoint, now)


def endpoint_disable(endpoint: WebhookEndpoint, now: dt.datetime) -> None:
    """Turns the endpoint off (once), fails its waiting messages, and emails its owner
    after commit."""
    reason = "every delivery failed for 24 hours"
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=now, disabled_reason=reason
    )
    if not disabled:
        return
    endpoint.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        error="not sent: the endpoint was disabled",
    )
    logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)
    transaction.on_commit(lambda: endpoint_disabled_email(endpoint.pk))
