"""Celery tasks of the startups app: small, idempotent."""

from celery import shared_task
from django.conf import settings

from .change_feed import changes_purge


@shared_task
def purge_old_changes_task() -> int:
    """Delete the change feed's rows older than CHANGES_KEEP_DAYS (run daily by beat); a
    re-run finds none left to delete."""
    return changes_purge(keep_days=settings.CHANGES_KEEP_DAYS)
