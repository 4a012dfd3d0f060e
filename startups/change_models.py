"""The change feed: one row for every create, update and delete of a record, of every kind.

Rows are written by database triggers (not by Python code), so that no write path (service,
admin, API, import, bulk update, raw SQL) can forget one, and in the writing transaction, so a
rolled-back change leaves none. They are the feed API clients poll (`/api/v1/changes/`) and the
outbox the alerts are matched from.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    DELETED = "deleted", _("deleted")


class Change(models.Model):
    """A record was created, updated or deleted.

    The feed is read in (`txid`, `id`) order. On PostgreSQL `txid` is the writing
    transaction's id and a row is shown only once every transaction with a smaller id has
    ended, so a change that commits after a client read the feed still sorts after that
    client's cursor. SQLite runs one writer at a time, so the id order is the commit order and
    `txid` is 0.
    """

    txid = models.BigIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=30)
    record_id = models.BigIntegerField(_("record id"))
    # The record's slug for the kinds that have one; for a deletion, the tombstone's key.
    record_key = models.CharField(_("key"), max_length=80, blank=True)
    action = models.CharField(_("action"), max_length=7, choices=ChangeAction.choices)
    # For an update: whether one of the record's figures (amount, date, valuation...) differs.
    figures_changed = models.BooleanField(default=False)
    occurred_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["txid", "id"]
        verbose_name = _("change")
        indexes = [
            models.Index(fields=["txid", "id"], name="change_feed_order"),
            models.Index(fields=["kind", "txid", "id"], name="change_feed_kind_order"),
            models.Index(fields=["occurred_at"], name="change_occurred_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_key or self.record_id} {self.action}"


class ChangeFeedPurge(models.Model):
    """How far the retention task has deleted the feed (one row): the last (txid, id) it
    deleted. A cursor before it may have missed rows that are gone; the API answers 410."""

    txid = models.BigIntegerField()
    change_id = models.BigIntegerField()
    purged_at = models.DateTimeField()

    class Meta:
        verbose_name = _("change feed purge")

    def __str__(self) -> str:
        return f"purged through ({self.txid}, {self.change_id}) at {self.purged_at}"
