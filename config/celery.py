"""The Celery app: Redis broker when REDIS_URL is set, in-process tasks otherwise."""

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init
from django.core.exceptions import ImproperlyConfigured

# Imported here, where every start of Django passes (config/__init__.py), to register its
# deployment check.
from config.task_broker import refuse_to_start_without_a_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def worker_needs_a_broker(**kwargs) -> None:
    refuse_to_start("The Celery worker")


@beat_init.connect
def beat_needs_a_broker(**kwargs) -> None:
    refuse_to_start("Celery beat")


def refuse_to_start(program: str) -> None:
    """Celery logs and ignores an exception raised by a signal's receiver: exit instead."""
    try:
        refuse_to_start_without_a_broker(program)
    except ImproperlyConfigured as error:
        raise SystemExit(f"ImproperlyConfigured: {error}") from error
