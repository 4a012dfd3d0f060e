"""The record of one merge of a duplicate startup or investor into the one that stays.

The merged record is deleted; this row keeps what its old addresses need (its slug: pages
answer 301 and the API 308 to the survivor) and what undoing the merge needs (`snapshot`:
the merged record's own fields, and the ids of every row that was moved from it, by relation;
the survivor's fields before the merge filled its blanks).

Startups and investors live in different apps, so the survivor is named by kind and id
rather than by a foreign key.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MergeKind(models.TextChoices):
    STARTUP = "startup", _("startup")
    INVESTOR = "investor", _("investor")


class Merge(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=MergeKind.choices)
    survivor_id = models.BigIntegerField(_("merged into (id)"))
    survivor_slug = models.CharField(_("merged into"), max_length=80)
    merged_id = models.BigIntegerField(_("merged record (id)"))
    merged_slug = models.CharField(_("merged record"), max_length=80)
    merged_name = models.CharField(_("merged record's name"), max_length=200)
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        constraints = [
            # A slug is merged away once at a time: its old address has one place to go.
            models.UniqueConstraint(
                fields=["kind", "merged_slug"],
                condition=Q(undone_at__isnull=True),
                name="merge_one_live_per_slug",
            ),
        ]
        indexes = [models.Index(fields=["kind", "survivor_id"], name="merge_survivor")]

    def __str__(self) -> str:
        return f"{self.kind} {self.merged_slug} → {self.survivor_slug}"

    @property
    def undone(self) -> bool:
        return self.undone_at is not None
