"""Celery tasks of the bulk data pages: small, idempotent, taking ids."""

from celery import shared_task

from .uploads import import_previews_expire


@shared_task
def expire_import_previews_task() -> int:
    """Delete expired import previews (run hourly by beat); a re-run finds none."""
    return import_previews_expire()
