import sys

from django.core.management.base import BaseCommand, CommandError

from deals.importing import import_paths


class Command(BaseCommand):
    help = (
        "Import CSV files of the format in data/sample/README.md (a folder or files). "
        "All or nothing: any error leaves the database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Folders or CSV files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, write nothing."
        )
        parser.add_argument(
            "--mapping",
            choices=["native", "crunchbase"],
            default="native",
            help="native: the files of the import format; crunchbase: a funding-rounds export.",
        )

    def handle(self, *args, **options):
        progress = sys.stderr.isatty() and options["verbosity"] > 0
        if options["mapping"] == "crunchbase":
            from deals.importing.crunchbase import import_crunchbase

            report = import_crunchbase(
                options["paths"], dry_run=options["dry_run"], progress=progress
            )
        else:
            report = import_paths(options["paths"], dry_run=options["dry_run"], progress=progress)
        for problem in report.problems:
            self.stderr.write(str(problem))
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} error(s); nothing was written.")
