from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.dumps import BackupError, backup, default_path


class Command(BaseCommand):
    help = (
        "Back up the whole database: pg_dump (custom format) for PostgreSQL, an online copy "
        "for SQLite. Into BACKUP_DIR with a timestamped name, or to --file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="Where to write the backup.")

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        path = options["file"] or default_path(Path(settings.BACKUP_DIR), database)
        try:
            backup(database, path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
