"""What the admin's bulk pages keep between requests: import previews awaiting confirmation
and exports built by a task."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class PendingUpload(models.Model):
    """Files uploaded in the admin, previewed as a dry run, kept until confirmed.

    Kept in the database, not on a web container's disk, so that the confirmation may land
    on any web process.
    """

    uploaded_by = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="pending_uploads"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_names = models.CharField(max_length=1000)
    payload = models.BinaryField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_names} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def expiry_cutoff() -> dt.datetime:
        """Previews made before this have expired (IMPORT_PREVIEW_TTL_HOURS)."""
        return timezone.now() - dt.timedelta(hours=settings.IMPORT_PREVIEW_TTL_HOURS)

    @property
    def expired(self) -> bool:
        return self.created_at < self.expiry_cutoff()


class DataExport(models.Model):
    """An export of every table, built by a task (deals.tasks) and kept until downloaded or
    expired: in the database, like the previews, so that any web process can serve it."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    requested_by = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="data_exports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    files_done = models.PositiveIntegerField(default=0)
    files_total = models.PositiveIntegerField(default=0)
    archive = models.BinaryField(null=True, editable=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status}, {self.created_at:%Y-%m-%d %H:%M})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @staticmethod
    def expiry_cutoff() -> dt.datetime:
        """Exports made before this have expired (EXPORT_TTL_HOURS)."""
        return timezone.now() - dt.timedelta(hours=settings.EXPORT_TTL_HOURS)
