"""What the admin's bulk pages keep between requests: import previews awaiting confirmation."""

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
