"""Celery tasks of the bulk data pages: small, idempotent, taking ids."""

from celery import shared_task

from .bulk_exports import data_export_build, data_exports_expire
from .uploads import import_previews_expire


@shared_task(acks_late=True)
def build_data_export_task(export_id: int) -> None:
    """Build the admin's export of every table; a re-run finds it claimed and does nothing."""
    data_export_build(export_id)


@shared_task
def expire_bulk_data_task() -> int:
    """Delete expired import previews and exports (run hourly by beat); a re-run finds none."""
    return import_previews_expire() + data_exports_expire()
