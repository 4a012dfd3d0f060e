"""Celery tasks: small, idempotent, retried on transient database errors."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from startups.models import PendingRefresh

from .refresh import refresh_full, refresh_pending

# The worker's autodiscovery loads this module only: the webhook tasks register from here.
from .webhook_tasks import send_delivery_task, send_due_deliveries_task  # noqa: F401

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
# A task that a database outage interrupts is retried, with backoff, for about half an hour.
RETRIED_ON_DATABASE_ERRORS = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(**RETRIED_ON_DATABASE_ERRORS)
def refresh_pending_task(pending_id: int | None = None) -> int:
    """Apply pending outbox rows (the one named by `pending_id` among them).

    Runs twice with the same result: rows already applied are gone, and a second run finds
    nothing to do. Returns how many rows it applied.
    """
    applied = 0
    while (result := refresh_pending()) is not None:
        applied += result.applied
    return applied


@shared_task(**RETRIED_ON_DATABASE_ERRORS)
def refresh_full_task() -> int:
    return refresh_full().data_version


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def reconcile_task() -> int:
    """The safety net: apply what an outage kept from being queued."""
    if not PendingRefresh.objects.exists():
        return 0
    logger.info("reconcile: %d pending refresh row(s)", PendingRefresh.objects.count())
    return refresh_pending_task()


# The worker finds tasks in `tasks` modules: the alerts' are registered with these.
from . import alert_tasks  # noqa: E402, F401
