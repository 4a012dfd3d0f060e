"""Celery tasks of the alerts: matching after each data change (and every minute), the
immediate emails after each match run, the daily digests (docs/alerts.md)."""

from celery import shared_task

from .alert_email import send_digests, send_immediate
from .alert_matching import alerts_match
from .tasks import RETRIED_ON_DATABASE_ERRORS, TRANSIENT


@shared_task(**RETRIED_ON_DATABASE_ERRORS)
def match_alerts_task() -> int:
    """Match every change after the cursor, then email the immediate-mode users their new
    alerts. Runs twice with the same result: the cursor has moved past what was matched, and
    an alert once emailed is marked so. Returns how many alerts were raised."""
    run = alerts_match()
    send_immediate(alerted_users=run.users)
    return run.alerts


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def send_digests_task() -> int:
    """Each digest-mode user's alerts not yet emailed, in one email. Returns emails sent."""
    return send_digests()
