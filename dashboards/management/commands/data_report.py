from django.core.management.base import BaseCommand

from dashboards.coverage_selectors import coverage
from dashboards.coverage_text import report_lines


class Command(BaseCommand):
    help = (
        "Print what the database covers: startups (AI, by sector), rounds per year, each "
        "giant's tracked deals per year against the published counts, and per kind of "
        "record those with no source, those resting on copies alone and the disputed figures."
    )

    def handle(self, *args, **options):
        for line in report_lines(coverage()):
            self.stdout.write(line)
