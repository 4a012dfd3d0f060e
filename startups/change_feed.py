"""Reading the change feed in the order its rows became visible, so a poller never skips one;
and deleting what is older than the retention period."""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .change_models import Change, ChangeFeedPurge

# The smallest id of a transaction that may still add rows to this database's feed: the
# oldest one running in the current snapshot, else every transaction below the snapshot's
# xmax has ended. The snapshot's running transactions include those of the other databases
# of the server; a transaction connected to another database cannot write here, so it is
# left out. Those are read by a statement of their own, before the snapshot is taken: read in
# the same statement, a transaction that ended between the snapshot and the read was not seen
# anywhere and held back every row after it (a long transaction elsewhere ending at that
# moment). A transaction that began after the read is kept: that only delays a row. The low
# 32 bits of a 64-bit transaction id are its `xid`.
TRANSACTIONS_ELSEWHERE = """
    SELECT backend_xid::text::bigint FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()
"""
OLDEST_OPEN_TXID = """
    SELECT coalesce(
        min(running::text::bigint),
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint
    )
    FROM pg_snapshot_xip(pg_current_snapshot()) AS running
    WHERE NOT (running::text::bigint & 4294967295) = ANY(%s::bigint[])
"""

# Rows deleted per statement by the retention task: a few MB of index work per transaction,
# short enough not to hold up the writers, large enough that a year of rows goes in minutes.
PURGE_BATCH_SIZE = 10_000


def visible_changes() -> QuerySet[Change]:
    """The feed in (txid, id) order. On PostgreSQL a row shows only once every transaction
    older than its own has ended: a transaction still open may yet add rows with a smaller
    txid, which would otherwise land behind a client's cursor."""
    changes = Change.objects.order_by("txid", "id")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(TRANSACTIONS_ELSEWHERE)
            elsewhere = [xid for (xid,) in cursor.fetchall()]
        changes = changes.filter(txid__lt=RawSQL(OLDEST_OPEN_TXID, [elsewhere]))
    return changes


def changes_after(txid: int, change_id: int) -> QuerySet[Change]:
    return visible_changes().filter(Q(txid__gt=txid) | Q(txid=txid, id__gt=change_id))


def purged_past(txid: int, change_id: int) -> bool:
    """Whether rows after this position have been deleted by the retention task: a reader
    there has missed changes it can no longer read."""
    purge = ChangeFeedPurge.objects.first()
    return purge is not None and (txid, change_id) < (purge.txid, purge.change_id)


def changes_purge(*, keep_days: int, batch_size: int = PURGE_BATCH_SIZE) -> int:
    """Delete the rows older than `keep_days`, tombstones included, a batch per transaction,
    oldest first; each batch moves the purge horizon (`purged_past`) in the same transaction.
    Returns how many rows were deleted."""
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                Change.objects.filter(occurred_at__lt=cutoff)
                .order_by("txid", "id")
                .values_list("txid", "id")[:batch_size]
            )
            if not batch:
                return deleted
            Change.objects.filter(id__in=[change_id for _, change_id in batch]).delete()
            _move_horizon(max(batch))
        deleted += len(batch)


def _move_horizon(last: tuple[int, int]) -> None:
    now = timezone.now()
    purge, created = ChangeFeedPurge.objects.select_for_update().get_or_create(
        pk=1, defaults={"txid": last[0], "change_id": last[1], "purged_at": now}
    )
    if not created:
        purge.txid, purge.change_id = max(last, (purge.txid, purge.change_id))
        purge.purged_at = now
        purge.save()
