import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from deals.importing import import_paths
from startups.statement_timeout import long_statement_timeout

# Who the history names for an import run without --user: an account that stands for the
# command line, inactive and without a password, so it can never sign in.
COMMAND_LINE_USER = "import_data"


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
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=f"Whom the history names for this import (default: {COMMAND_LINE_USER}).",
        )

    def handle(self, *args, **options):
        progress = sys.stderr.isatty() and options["verbosity"] > 0
        user = importing_user(options["user"], create=not options["dry_run"])
        # Large files: each statement may take the long timeout, not the web's.
        with long_statement_timeout():
            if options["mapping"] == "crunchbase":
                from deals.importing.crunchbase import import_crunchbase

                report = import_crunchbase(
                    options["paths"], dry_run=options["dry_run"], progress=progress, user=user
                )
            else:
                report = import_paths(
                    options["paths"], dry_run=options["dry_run"], progress=progress, user=user
                )
        for file, problems, more in report.problems_by_file():
            for problem in problems:
                self.stderr.write(str(problem))
            if more:
                self.stderr.write(f"{file}: and {more} more error(s)")
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        for created in report.created:
            self.stdout.write(str(created))
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{report.error_count} error(s); nothing was written.")


def importing_user(username: str | None, *, create: bool):
    """The named user, or the command line's own account (created by the first real run)."""
    users = get_user_model().objects
    if username is not None:
        try:
            return users.get(username=username)
        except users.model.DoesNotExist:
            raise CommandError(f"--user {username}: no such user.") from None
    if not create:
        return users.filter(username=COMMAND_LINE_USER).first()
    user, created = users.get_or_create(username=COMMAND_LINE_USER, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
