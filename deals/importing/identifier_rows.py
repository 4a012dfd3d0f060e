"""One record per identifier, in an import: a row may not give an identifier that an earlier
row of the file gives, nor one that another record in the database carries (the error names
that record). Checked per batch in one query per chunk of rows, before anything is written,
so that the database's unique constraint never has to refuse a whole batch."""

from collections import defaultdict

from django.db import models

from startups.identifiers import IDENTIFIER_KINDS, identifier_owners, taken_message

from .engine import Staged, lookup_chunk

COLUMN = "identifiers"


class IdentifierRows:
    """The identifiers the rows of one file give so far, and the line that gave each."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.given: dict[tuple[str, str], int] = {}

    def keep_unique(self, batch: list[Staged], problem) -> list[Staged]:
        """The rows whose identifiers no other row or record has; the others reported."""
        kept: list[Staged] = []
        size = lookup_chunk()
        for start in range(0, len(batch), size):
            chunk = batch[start : start + size]
            wanted: dict[str, set[str]] = defaultdict(set)
            for staged in chunk:
                for kind in IDENTIFIER_KINDS:
                    if value := staged.fields.get(kind):
                        wanted[kind].add(value)
            owners = identifier_owners(self.model, wanted)
            kept.extend(staged for staged in chunk if self._unique(staged, owners, problem))
        return kept

    def _unique(self, staged: Staged, owners: dict, problem) -> bool:
        unique = True
        for kind in IDENTIFIER_KINDS:
            value = staged.fields.get(kind)
            if not value:
                continue
            first = self.given.setdefault((kind, value), staged.line)
            if first != staged.line:
                problem(staged.line, COLUMN, f"gives {kind}:{value}, as line {first} does")
                unique = False
            owner = owners.get((kind, value))
            if owner is not None and owner[1] != staged.fields["slug"]:
                carried = taken_message(self.model, owner[1])
                problem(staged.line, COLUMN, f"{kind}:{value} {carried}")
                unique = False
        return unique
