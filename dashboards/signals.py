"""Queues a refresh and the alert matcher when the lower apps say data changed
(startups.changes.data_changed)."""

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


def queue_alert_matching(sender, **kwargs) -> None:
    """After commit: queue the matcher. If the broker is unreachable, the changes wait in the
    feed after the matcher's cursor, and beat's run every minute matches them once it is back."""
    from .alert_tasks import match_alerts_task

    try:
        match_alerts_task.delay()
    except BROKER_ERRORS as error:
        logger.warning("alert matching not queued (%s); beat will run it", error)
