from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deals.duplicates import DEFAULT_MIN_SCORE, possible_duplicates

KINDS = {"startups": "startup", "investors": "investor"}


def score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise ArgumentTypeError(f"must be a number from 0 to 1 (got {text!r})")
    return value


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ArgumentTypeError(f"must be a whole number of at least 1 (got {text!r})")
    return int(text)


class Command(BaseCommand):
    help = (
        "List the pairs of startups and/or investors that may be one record entered twice, "
        "best first, with their score (0 to 1) and the reasons for it (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kinds", nargs="*", help="startups and/or investors (default: both)")
        parser.add_argument("--limit", type=positive, help="at most this many pairs per kind")
        parser.add_argument(
            "--min-score",
            type=score,
            default=DEFAULT_MIN_SCORE,
            help=f"leave out pairs scoring less, 0 to 1 (default {DEFAULT_MIN_SCORE})",
        )

    def handle(self, *args, **options):
        kinds = options["kinds"] or list(KINDS)
        if unknown := [kind for kind in kinds if kind not in KINDS]:
            raise CommandError(f"Unknown kind {unknown[0]!r}: give startups and/or investors.")
        if len(set(kinds)) != len(kinds):
            raise CommandError("Name each kind once.")
        for kinds_name in kinds:
            pairs = possible_duplicates(
                KINDS[kinds_name], limit=options["limit"], min_score=options["min_score"]
            )
            self.stdout.write(
                f"Possible duplicate {kinds_name}: {len(pairs)} pair(s) "
                f"scoring at least {options['min_score']:.2f}"
            )
            for pair in pairs:
                self.stdout.write(
                    f"{pair.score:.3f}  {pair.a.slug} ({pair.a})  <->  {pair.b.slug} ({pair.b})"
                )
                for reason in pair.reasons:
                    self.stdout.write(f"       - {reason.text}")
