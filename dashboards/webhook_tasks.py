"""Sending webhook deliveries in the Celery worker (imported by dashboards.tasks, which the
worker's autodiscovery loads)."""

import time
from contextlib import suppress

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .models import DeliveryStatus, WebhookDelivery
from .signals import BROKER_ERRORS
from .webhook_sending import delivery_send

# A retry due within this many seconds is queued with a countdown; later ones are left to the
# every-minute sweep (a task held for hours by a worker would outlive the broker's visibility
# timeout and be handed out twice).
QUEUED_RETRY_HORIZON_SECONDS = 60
# The sweep sends for at most this long, then leaves the rest to the next minute's sweep.
SWEEP_SECONDS = 50
SWEEP_BATCH = 100
# Database errors worth a retry of the task (the delivery's own retries are its log's).
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def send_delivery_task(delivery_id: int) -> str | None:
    """One attempt of the delivery if it is due (else nothing: running twice is harmless)."""
    status = delivery_send(delivery_id)
    if status == DeliveryStatus.PENDING:
        queue_near_retry(delivery_id)
    return status


def queue_near_retry(delivery_id: int) -> None:
    if send_delivery_task.app.conf.task_always_eager:
        return  # no broker to wait in: the retry is left to the sweep
    next_attempt_at = (
        WebhookDelivery.objects.filter(pk=delivery_id).values_list("next_attempt_at", flat=True)
    ).first()
    if next_attempt_at is None:
        return
    wait = (next_attempt_at - timezone.now()).total_seconds()
    if wait <= QUEUED_RETRY_HORIZON_SECONDS:
        with suppress(*BROKER_ERRORS):  # else the sweep sends it
            send_delivery_task.apply_async((delivery_id,), countdown=max(wait, 0) + 0.1)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def send_due_deliveries_task() -> int:
    """The safety net: every delivery whose attempt is due (its task lost to a broker outage
    or a retry too far off to queue), oldest due first. Returns how many it attempted."""
    return send_due_deliveries(SWEEP_SECONDS)


def send_due_deliveries(seconds: float) -> int:
    deadline = time.monotonic() + seconds
    attempted = 0
    while time.monotonic() < deadline:
        due = list(
            WebhookDelivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        sent = [delivery_id for delivery_id in due if delivery_send(delivery_id) is not None]
        attempted += len(sent)
        if not sent:
            return attempted
    return attempted
