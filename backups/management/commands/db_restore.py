from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.dumps import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by db_backup (one transaction on "
        "PostgreSQL: a failed restore changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", help="The backup to restore.")

    def handle(self, *args, **options):
        path = options["file"]
        if path is None:
            found = sorted(Path(settings.BACKUP_DIR).glob("tracker-*"), reverse=True)
            newest = f" The newest: {found[0]}" if found else ""
            raise CommandError(f"Name the backup to restore (BACKUP_FILE=...).{newest}")
        try:
            restore(settings.DATABASES["default"], path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path}.")
