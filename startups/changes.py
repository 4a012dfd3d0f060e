"""How a write tells the aggregates that data changed, without importing them.

A service calls `changes_record(...)` inside its transaction: an outbox row (PendingRefresh)
is written with the change, and after commit the `data_changed` signal is sent. The dashboards
app listens to it and queues the refresh; if that fails, the row is still there for the
periodic reconcile.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from .models import PendingRefresh
from .touch import Touched

data_changed = Signal()


def changes_record(touched: Touched) -> PendingRefresh | None:
    """Write the outbox row now; announce it once the transaction commits."""
    if not touched:
        return None
    pending = PendingRefresh.objects.create(
        startup_ids=sorted(touched.startups),
        investor_ids=sorted(touched.investors),
        full=touched.full,
    )
    transaction.on_commit(lambda: data_changed.send(sender=PendingRefresh, pending_id=pending.pk))
    return pending


def touched_by(instances: Iterable) -> Touched:
    """What records (saved or about to be deleted) touch, as their `touched()` says."""
    total = Touched()
    for instance in instances:
        touch = getattr(instance, "touched", None) if instance is not None else None
        if touch is not None:
            total = total | touch()
    return total
