from django.core.management import call_command
from django.core.management.base import BaseCommand

from deals.selectors import records_held

DEFAULT_FOLDER = "data/sample"


class Command(BaseCommand):
    help = (
        "Load the bundled sample data into an empty database, as `make run` does; a database "
        "that already holds records is left alone. --reload imports it again (`make sample`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default=DEFAULT_FOLDER)
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Import the sample again over what is there: its rows get their sample values "
            "back, records it does not name are kept.",
        )

    def handle(self, *args, folder: str, reload: bool, **options):
        held = {kind: count for kind, count in records_held().items() if count}
        if held and not reload:
            counts = ", ".join(f"{count} {kind}" for kind, count in held.items())
            self.stdout.write(
                f"The database already holds {counts}: the sample data is not loaded again, "
                "so nothing entered here is overwritten (`make sample` reloads it on purpose)."
            )
            return
        call_command("import_data", folder, verbosity=options["verbosity"])
