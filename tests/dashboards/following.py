"""Following, and the change feed as the alert matcher reads it, for the alert tests.

The feed's rows are the database triggers' (startups.change_tracking): a test saves, updates
and deletes records as the application does, and reads the rows those writes left."""

from dashboards.alert_matching import CURSOR_ID
from dashboards.models import AlertCursor, WatchItem
from startups.change_feed import visible_changes
from startups.change_tracking import TRACKED
from startups.models import Change
from tests.factories import WatchItemFactory

KIND_OF_TABLE = {tracked.table: tracked.kind for tracked in TRACKED}


def follows(user, *, startup=None, investor=None, search: str = "") -> WatchItem:
    """`user` follows one startup, one investor or one search."""
    return WatchItemFactory(user=user, startup=startup, investor=investor, search=search)


def latest_change(record) -> Change:
    """The feed's last row about `record`, as its trigger wrote it."""
    kind = KIND_OF_TABLE[record._meta.db_table]
    return Change.objects.filter(kind=kind, record_id=record.pk).latest("id")


def feed_read() -> tuple[int, int]:
    """The matcher's cursor moved to the feed's end, as if it had matched every change so far
    (a test's given part): a run then reads only what the test writes next. Returns the
    cursor's position (txid, change id)."""
    position = visible_changes().values_list("txid", "id").last() or (0, 0)
    AlertCursor.objects.update_or_create(
        pk=CURSOR_ID, defaults={"txid": position[0], "change_id": position[1]}
    )
    return position
