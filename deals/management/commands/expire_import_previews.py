from django.conf import settings
from django.core.management.base import BaseCommand

from deals.uploads import import_previews_expire


class Command(BaseCommand):
    help = (
        "Delete the admin's import previews not confirmed within IMPORT_PREVIEW_TTL_HOURS "
        "(beat runs this hourly; for setups without a worker, run it from cron)."
    )

    def handle(self, *args, **options):
        deleted = import_previews_expire()
        self.stdout.write(
            f"{deleted} import preview(s) older than {settings.IMPORT_PREVIEW_TTL_HOURS} h deleted."
        )
