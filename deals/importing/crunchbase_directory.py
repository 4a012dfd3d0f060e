"""The startups and investors a Crunchbase export names: matched to the tracked ones through
the resolver (startups.resolver: permalink, slug, identifier, name or alias after
normalisation), or else created, once per run, and listed in the report's `created`."""

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

from startups.identifiers import normalise_identifier
from startups.names import exact_key
from startups.resolver import AmbiguousReference, ReferenceIndex

from .engine import Staged, Target, Written
from .report import Created, FileCounts, ImportReport

# Room for "-" and 10 hex digits within the 80 characters of a slug.
SLUG_BASE_LENGTH = 60
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def name_key(name: str) -> str:
    """How names compare: NFKC (full-width letters as ASCII), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def new_slug(name: str, taken: set[str]) -> str:
    """An ASCII slug that the same name always gets, even when it has no Latin letters."""
    key = name_key(name)
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    base = slugify(key)[:SLUG_BASE_LENGTH].strip("-_")
    if not re.search("[a-z]", base):
        return f"org-{digest}"
    return f"{base}-{digest}" if base in taken else base


def permalink_of(urls: Iterable[str]) -> str:
    """The Crunchbase permalink in an organisation's URLs ("" when none is a crunchbase.com
    organisation address)."""
    for url in urls:
        try:
            return normalise_identifier("crunchbase", url)
        except ValidationError:
            continue
    return ""


@dataclass
class Named:
    """A startup or investor that a row names, and what a new record of it would hold."""

    name: str
    line: int
    fields: dict[str, Any]
    sources: list[str]
    column: str = ""  # where an ambiguity is reported
    permalink: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.permalink, name_key(self.name)


class Directory:
    """Startups or investors by what rows call them: resolved once per run and name."""

    def __init__(self, model: type[models.Model], target: Target, run: Any, what: str):
        self.target, self.run, self.what = target, run, what
        self.created = 0
        self.index = ReferenceIndex(model.objects.all(), what)
        self.slugs: set[str] = set(self.index.slugs)
        self.ids: dict[tuple[str, str], int] = {}  # Named.key → id
        self.refused: set[tuple[str, str]] = set()

    def find(self, named: Named) -> int | None:
        """The tracked record: by permalink first, then by the resolver's steps on the name;
        AmbiguousReference when the name fits several."""
        if named.key in self.ids:
            return self.ids[named.key]
        if named.permalink and (pk := self.index.identifiers.get(("crunchbase", named.permalink))):
            return pk
        return self.index.find(named.name)

    def resolve(
        self,
        wanted: Iterable[Named],
        file: str,
        counts: FileCounts,
        counted: set[int],
        report: ImportReport,
    ) -> None:
        """Fill self.ids for every wanted name, creating the missing records in one batch."""
        new: dict[str, Staged] = {}
        waiting: dict[tuple[str, str], str] = {}  # Named.key → the key of the record to make
        pending_of: dict[str, str] = {}  # permalink or exact name key → the key of the record
        for named in wanted:
            if named.key in self.refused or named.key in waiting:
                continue
            try:
                pk = self.find(named)
            except AmbiguousReference as error:
                self.refused.add(named.key)
                report.problem(file, named.line, named.column, str(error))
                continue
            if pk is not None:
                self.ids[named.key] = pk
                if pk not in counted:
                    counted.add(pk)
                    counts.unchanged += 1
                continue
            # Two spellings of one new company in the batch (same permalink or same exact key)
            # make one record.
            aliases = [f"crunchbase:{named.permalink}"] if named.permalink else []
            aliases.append(f"name:{exact_key(named.name)}")
            pending = next((pending_of[a] for a in aliases if a in pending_of), aliases[0])
            for alias in aliases:
                pending_of.setdefault(alias, pending)
            waiting[named.key] = pending
            if pending not in new:
                new[pending] = self.stage(named, pending)
        if not new:
            return
        self.run.context.resolve_m2m(new.values())
        written = self.run.write(self.target, list(new.values()), file)
        made: dict[str, int] = {}
        for record in tally(counts, written):
            made[record.staged.extra["pending"]] = record.instance.pk
            counted.add(record.instance.pk)
            self.index.add(record.instance)
            if record.outcome == "created":
                self.created += 1
                report.created.append(
                    Created(
                        file,
                        record.staged.line,
                        self.what,
                        record.instance.slug,
                        record.instance.name_en,
                    )
                )
        for key, pending in waiting.items():
            if pending in made:
                self.ids[key] = made[pending]

    def stage(self, named: Named, pending: str) -> Staged:
        slug = new_slug(named.name, self.slugs)
        self.slugs.add(slug)
        fields = {"slug": slug, "name_en": named.name, **named.fields}
        if CJK.search(named.name):
            fields["name_zh"] = named.name
        if named.permalink:
            # The next export finds it by its permalink, whatever it is called there.
            fields["crunchbase"] = named.permalink
        return Staged(
            named.line, (slug,), fields, m2m={"sources": named.sources}, extra={"pending": pending}
        )


def tally(counts: FileCounts, written: list[Written]) -> list[Written]:
    """Count what was written; records that the database refused (no id) are left out."""
    saved = [record for record in written if record.instance.pk is not None]
    for record in saved:
        setattr(counts, record.outcome, getattr(counts, record.outcome) + 1)
    return saved
