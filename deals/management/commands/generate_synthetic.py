import sys
import time

from django.core.management.base import BaseCommand

from deals.importing import import_paths
from deals.models import FxRate
from deals.synthetic import generate


class Command(BaseCommand):
    help = (
        "Write a synthetic dataset (invented companies, for benchmarks): about N rounds, "
        "N/5 startups, N/100 investors. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if not FxRate.objects.exists():
            # USD figures need the monthly rates: load the bundled ones first.
            report = import_paths(["data/sample/fx_rates.csv", "data/sample/sources.csv"])
            self.stdout.write(f"loaded FX rates: {report.ok}")
        started = time.perf_counter()
        counts = generate(options["rounds"], seed=options["seed"], progress=sys.stderr.isatty())
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{counts.rounds} rounds, {counts.participations} participations, "
            f"{counts.startups} startups, {counts.investors} investors, "
            f"{counts.valuation_marks} valuation marks, {counts.sources} sources "
            f"in {seconds:.1f} s ({counts.rounds / seconds:,.0f} rounds/s)"
        )
