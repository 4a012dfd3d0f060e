"""Reading the change feed in the order its rows became visible, so a poller never skips one."""

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .change_models import Change

# Every transaction with an id below this has ended (committed or rolled back).
SNAPSHOT_XMIN = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


def visible_changes() -> QuerySet[Change]:
    """The feed in (txid, id) order. On PostgreSQL a row shows only once every transaction
    older than its own has ended: a transaction still open may yet add rows with a smaller
    txid, which would otherwise land behind a client's cursor."""
    changes = Change.objects.order_by("txid", "id")
    if connection.vendor == "postgresql":
        changes = changes.filter(txid__lt=RawSQL(SNAPSHOT_XMIN, []))
    return changes


def changes_after(txid: int, change_id: int) -> QuerySet[Change]:
    return visible_changes().filter(Q(txid__gt=txid) | Q(txid=txid, id__gt=change_id))
