"""What an import run knows across files: the records it can name, rates, who is importing."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from deals.fx import RateBook
from deals.models import Investor
from startups.changes import changes_record
from startups.models import Startup
from startups.resolver import ReferenceIndex, UnresolvedReference
from startups.rules import missing_source
from startups.services import sources_for_urls, tags_for_slugs
from startups.touch import Touched

from . import cells
from .csvfile import Row
from .engine import RowProblems, Staged

# Records touched by one import above which the incremental refresh would redo most of the
# work of a full one anyway.
FULL_REFRESH_ABOVE = 5000


@dataclass
class Context:
    user: Any = None
    rates: RateBook = field(default_factory=RateBook.load)
    touched: Touched = field(default_factory=Touched)
    # Startups this run created: nothing stored can name them yet.
    new_startups: set[int] = field(default_factory=set)
    # Source ids by URL and tag ids by slug, as this run found or made them.
    source_ids: dict[str, int] = field(default_factory=dict)
    tag_ids: dict[str, int] = field(default_factory=dict)
    _startups: ReferenceIndex | None = None
    _investors: ReferenceIndex | None = None

    @property
    def startups(self) -> ReferenceIndex:
        """Every startup by slug, identifier and name (startups.resolver), loaded once."""
        if self._startups is None:
            self._startups = ReferenceIndex(Startup.objects.all(), "startup")
        return self._startups

    @property
    def investors(self) -> ReferenceIndex:
        if self._investors is None:
            self._investors = ReferenceIndex(Investor.objects.all(), "investor")
        return self._investors

    def forget_slugs(self) -> None:
        self._startups = self._investors = None

    def announce_changes(self) -> None:
        """One outbox row for the whole run; past a size, a full refresh is cheaper."""
        if len(self.touched.startups) + len(self.touched.investors) > FULL_REFRESH_ABOVE:
            self.touched = Touched(full=True)
        changes_record(self.touched)

    def reload_rates(self) -> None:
        self.rates = RateBook.load()

    def resolve_m2m(self, batch: Iterable[Staged]) -> None:
        """Turn staged source URLs and tag slugs into ids, creating the missing ones. A file
        cites its sources row after row: those this run has seen are not looked up again
        (nor is the database waited for, `behind`)."""
        batch = list(batch)
        _resolve(
            batch,
            "sources",
            lambda urls: {s.url: s.pk for s in sources_for_urls(urls)},
            self.source_ids,
        )
        _resolve(
            batch,
            "tags",
            lambda slugs: {t.slug: t.pk for t in tags_for_slugs(slugs)},
            self.tag_ids,
        )


def _resolve(batch: list[Staged], name: str, lookup: Callable[[list], dict], ids: dict) -> None:
    wanted = [value for row in batch for value in row.m2m.get(name, [])]
    if unseen := [value for value in dict.fromkeys(wanted) if value not in ids]:
        ids.update(lookup(unseen))
    for row in batch:
        if name in row.m2m:
            row.m2m[name] = [ids[value] for value in row.m2m[name]]


class CellReader:
    """Parses a row's cells, collecting every bad cell before giving up on the row."""

    def __init__(self, row: Row, context: Context):
        self.row, self.context = row, context
        self.problems: list[tuple[str | None, str]] = []

    def __call__(self, column: str, parse: Callable = cells.text, *args: Any) -> Any:
        try:
            return parse(self.row[column], *args)
        except cells.CellError as error:
            self.problems.append((column, str(error)))
            return None

    def fail(self, column: str | None, message: str) -> None:
        self.problems.append((column, message))

    def reference(self, column: str, known: ReferenceIndex, required: bool = True) -> int | None:
        """The id of the record the cell names by slug, identifier or name (startups.resolver);
        a cell naming none, or several, is a problem of its column."""
        reference = self.row[column]
        if not reference:
            if required:
                self.fail(column, "is required")
            return None
        return self.resolve(column, known, reference)

    def resolve(self, column: str, known: ReferenceIndex, reference: str) -> int | None:
        try:
            return known.resolve(reference)
        except UnresolvedReference as error:
            self.fail(column, str(error))
            return None

    def sources(self, model: type[models.Model]) -> list[str] | None:
        """The source_url column's URLs, refused when empty for a record that needs them."""
        urls = self("source_url", cells.urls)
        if urls is not None and (message := missing_source(model, urls)):
            self.fail("source_url", message)
        return urls

    def date(self, column: str, precision_column: str = "date_precision"):
        value = self(column, cells.partial_date, self.row[precision_column])
        return value if value else (None, None)

    def check(self) -> None:
        if self.problems:
            raise RowProblems(self.problems)
