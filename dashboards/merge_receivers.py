"""Following across a merge: watchlist items of the merged record follow the survivor.

deals.merging sends `records_merging` inside its transaction, before the merged record (and
with it, by cascade, whatever still points at it) is deleted; `merge_undoing` when it is
recreated. A user who followed both keeps one item: the merged record's alerts move to it.
"""

import datetime as dt
from typing import Any

from .follow_models import Alert, WatchItem


def follows_merge(
    sender, *, kind: str, survivor_id: int, merged_id: int, **kwargs
) -> dict[str, Any]:
    """Repoint the merged record's watchlist items and alerts; return what moved."""
    column = f"{kind}_id"
    following = dict(WatchItem.objects.filter(**{column: survivor_id}).values_list("user_id", "pk"))
    moved, dropped = [], []
    for item in WatchItem.objects.filter(**{column: merged_id}).order_by("pk"):
        kept = following.get(item.user_id)
        if kept is None:
            moved.append(item.pk)
            continue
        alerts = list(item.alerts.values_list("pk", flat=True))
        Alert.objects.filter(pk__in=alerts).update(watch_item_id=kept)
        dropped.append(
            {
                "id": item.pk,
                "user": item.user_id,
                "created_at": item.created_at.isoformat(),
                "alerts": alerts,
            }
        )
        item.delete()
    WatchItem.objects.filter(pk__in=moved).update(**{column: survivor_id})
    about = Alert.objects.filter(kind=kind, record_id=merged_id)
    alerts = list(about.values_list("pk", flat=True))
    about.update(record_id=survivor_id)
    return {"watch_items": moved, "watch_items_dropped": dropped, "alerts": alerts}


def follows_unmerge(
    sender, *, kind: str, survivor_id: int, merged_id: int, moved: dict[str, Any], **kwargs
) -> None:
    """Put back what follows_merge moved (the merged record exists again)."""
    column = f"{kind}_id"
    WatchItem.objects.filter(pk__in=moved.get("watch_items", []), **{column: survivor_id}).update(
        **{column: merged_id}
    )
    for item in moved.get("watch_items_dropped", []):
        WatchItem.objects.create(id=item["id"], user_id=item["user"], **{column: merged_id})
        WatchItem.objects.filter(pk=item["id"]).update(
            created_at=dt.datetime.fromisoformat(item["created_at"])
        )
        Alert.objects.filter(pk__in=item["alerts"]).update(watch_item_id=item["id"])
    Alert.objects.filter(pk__in=moved.get("alerts", []), kind=kind, record_id=survivor_id).update(
        record_id=merged_id
    )
