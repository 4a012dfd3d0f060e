from django.core.management.base import BaseCommand

from dashboards.refresh import refresh_full, refresh_pending


class Command(BaseCommand):
    help = "Refresh the aggregates: the pending changes, or everything with --full."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Recompute every aggregate.")

    def handle(self, *args, **options):
        if options["full"]:
            result = refresh_full()
        else:
            result, applied = None, 0
            while (step := refresh_pending()) is not None:
                result, applied = step, applied + step.applied
            if result is None:
                self.stdout.write("Nothing pending; the aggregates are up to date.")
                return
            result.applied = applied
        kind = "full" if result.full else "incremental"
        self.stdout.write(
            f"Aggregates refreshed ({kind}, {result.applied} pending change(s) applied, "
            f"data version {result.data_version}) in {result.seconds:.2f} s."
        )
