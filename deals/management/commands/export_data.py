from pathlib import Path

from django.core.management.base import BaseCommand

from deals.exporting import export_all


class Command(BaseCommand):
    help = "Write every table as CSV in the import format (data/sample/README.md) into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, **options):
        for name, count in export_all(options["directory"]).items():
            self.stdout.write(f"{name:<22}{count:>8} rows")
