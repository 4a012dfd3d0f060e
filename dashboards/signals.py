"""Queues a refresh when the lower apps say data changed (startups.changes.data_changed)."""

import logging

from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What publishing to an unreachable broker raises, whichever layer notices first.
BROKER_ERRORS = (KombuError, RedisError, OSError)


def queue_refresh(sender, pending_id: int, **kwargs) -> None:
    """After commit: queue the refresh. If the broker is unreachable the change is already
    saved and its outbox row waits for the reconcile task; the caller never sees an error."""
    from .tasks import refresh_pending_task

    try:
        refresh_pending_task.delay(pending_id)
    except BROKER_ERRORS as error:
        logger.warning("refresh %s not queued (%s); reconcile will apply it", pending_id, error)
