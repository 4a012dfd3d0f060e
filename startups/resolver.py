"""Which startup or investor a reference names: one rule for the import, the API and search.

A reference is what a person or a file writes to name a record: its slug ("moonshot-ai"), an
identifier ("uscc:91110108MA01ABCD5T", or a bare value that only one kind accepts, such as a
valid USCC or "Q123"), or a name ("Beijing Moonshot Technology Co., Ltd.", "月之暗面").
It is tried in that order, and the first step that matches decides:

1. the slug, exactly;
2. an identifier: `kind:value`, or a bare value of a shape only one kind has (USCC, LEI,
   Wikidata QID, `EXCHANGE:CODE`, a crunchbase.com/organization/ address). A bare Crunchbase
   permalink is not tried: "moonshot-ai" has the shape of any slug or word;
3. the exact key (startups.names.exact_key) of the English or Chinese name, an alias or
   the slug (so "HongShan" finds the slug hongshan);
4. the loose key (startups.names.loose_key) of the same, only when no exact key matches.

One record: it is the answer. Several at the same step: `AmbiguousReference`, naming the
candidates, never a guess. None: `NoMatch`; only the Crunchbase mapping then creates a record.

The models are given, never imported: `startups` resolves `deals.Investor` without knowing it.
`ReferenceIndex` loads every record once (one query) and answers from memory, for imports;
`resolve_reference` looks one reference up for a single write.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from .identifiers import (
    CRUNCHBASE_URL,
    IDENTIFIER_FIELDS,
    IDENTIFIER_KINDS,
    normalise_identifier,
    parse_identifier,
)
from .names import exact_key, loose_key
from .vocab import split_list

# The kinds a bare value is tried as; crunchbase only as an address (CRUNCHBASE_URL).
BARE_KINDS = ("uscc", "lei", "wikidata", "stock")
# What a bare identifier can look like at all (spaces aside): a USCC, an LEI, a QID or its
# address, EXCHANGE:CODE.
BARE_SHAPE = re.compile(
    r"[0-9A-Za-z]{18}|[0-9A-Za-z]{20}|[Qq][0-9]+|https?://\S+|[A-Za-z]+:[0-9A-Za-z.]+"
)
# How many candidates an ambiguity error names before "and N more".
CANDIDATES_NAMED = 5
# What a slug may hold (startups.models.slug_validator): only such text is looked up as one.
SLUG = re.compile(r"[A-Za-z0-9_-]+")
COLUMNS = ("pk", "slug", "name_en", "name_zh", "aliases", *IDENTIFIER_FIELDS)


class UnresolvedReference(ValueError):
    """A reference that names no single record; the message reads after the column name."""


class NoMatch(UnresolvedReference):
    pass


class AmbiguousReference(UnresolvedReference):
    def __init__(self, message: str, candidates: list["Candidate"]):
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class Candidate:
    pk: int
    slug: str
    name_en: str
    name_zh: str

    def __str__(self) -> str:
        names = " / ".join(dict.fromkeys(n for n in (self.name_en, self.name_zh) if n))
        return f"{self.slug} ({names})"


def _candidate(values: tuple) -> Candidate:
    return Candidate(*values[:4])


def _names(values: tuple) -> tuple[str, ...]:
    _pk, slug, name_en, name_zh, aliases = values[:5]
    # The slug is a name too: "HongShan" finds the slug hongshan.
    return tuple(dict.fromkeys(n for n in (name_en, name_zh, *split_list(aliases), slug) if n))


def _identifiers(values: tuple) -> list[tuple[str, str]]:
    return [
        (kind, value) for kind, value in zip(IDENTIFIER_FIELDS, values[5:], strict=True) if value
    ]


def identifier_in(reference: str) -> tuple[str, str] | None:
    """The (kind, value) a reference gives, None when it is no identifier.

    `kind:value` with a known kind is an identifier, and a bad one is an UnresolvedReference
    saying what is wrong; a bare value counts only when exactly one kind accepts it.
    """
    text = reference.strip()
    kind, colon, _value = text.partition(":")
    if colon and kind.strip().lower() in IDENTIFIER_KINDS:
        try:
            return parse_identifier(text)
        except ValidationError as error:
            raise UnresolvedReference(
                _("the identifier %(identifier)r %(problem)s")
                % {"identifier": text, "problem": " ".join(error.messages)}
            ) from None
    if CRUNCHBASE_URL.match(text):
        return "crunchbase", normalise_identifier("crunchbase", text)
    if not BARE_SHAPE.fullmatch(text.replace(" ", "")):
        return None  # most names: no kind would take them, and asking each costs an error
    accepted = []
    for bare_kind in BARE_KINDS:
        try:
            accepted.append((bare_kind, normalise_identifier(bare_kind, text)))
        except ValidationError:
            continue
    return accepted[0] if len(accepted) == 1 else None


def _ambiguous(reference: str, candidates: list[Candidate]) -> AmbiguousReference:
    candidates = sorted(candidates, key=lambda c: c.slug)
    named = ", ".join(str(c) for c in candidates[:CANDIDATES_NAMED])
    if len(candidates) > CANDIDATES_NAMED:
        named += " " + _("and %(count)s more") % {"count": len(candidates) - CANDIDATES_NAMED}
    return AmbiguousReference(
        _("could be any of %(candidates)s: name one by its slug (got %(reference)r)")
        % {"candidates": named, "reference": reference},
        candidates,
    )


def _no_match(reference: str, what: str) -> NoMatch:
    return NoMatch(
        _("names no known %(what)s (got %(reference)r)") % {"what": what, "reference": reference}
    )


class ReferenceIndex:
    """Every record of a model by slug, identifier and name key, loaded in one query.

    Built once per import; `add` keeps it current as the import writes records. The name
    keys are computed on the first look-up by name (most files name records by slug).
    """

    def __init__(self, queryset: QuerySet | Iterable[tuple], what: str = "record"):
        self.what = what
        # Each record's COLUMNS as loaded: little is made of a row until a name is looked up.
        self.rows: dict[int, tuple] = {}
        self.slugs: dict[str, int] = {}
        self.identifiers: dict[tuple[str, str], int] = {}
        self._exact: dict[str, set[int]] | None = None
        self._loose: dict[str, set[int]] | None = None
        rows = queryset.values_list(*COLUMNS) if isinstance(queryset, QuerySet) else queryset
        for values in rows:
            self._keep(values)

    def __len__(self) -> int:
        return len(self.rows)

    def _keep(self, values: tuple) -> None:
        pk = values[0]
        self.rows[pk] = values
        self.slugs[values[1]] = pk
        for identifier in _identifiers(values):
            self.identifiers[identifier] = pk
        if self._exact is not None:
            self._index_names(values)

    def add(self, instance: Model) -> None:
        """The record as it is now (new, or changed by the import)."""
        if (old := self.rows.get(instance.pk)) is not None:
            self._forget(old)
        self._keep(tuple(getattr(instance, column) for column in COLUMNS))

    def _forget(self, values: tuple) -> None:
        pk, slug = values[:2]
        if self.slugs.get(slug) == pk:
            del self.slugs[slug]
        for identifier in _identifiers(values):
            if self.identifiers.get(identifier) == pk:
                del self.identifiers[identifier]
        if self._exact is not None:
            for name in _names(values):
                self._exact.get(exact_key(name), set()).discard(pk)
                self._loose.get(loose_key(name), set()).discard(pk)

    def _index_names(self, values: tuple) -> None:
        for name in _names(values):
            self._exact.setdefault(exact_key(name), set()).add(values[0])
            self._loose.setdefault(loose_key(name), set()).add(values[0])

    def _name_keys(self) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
        if self._exact is None:
            self._exact, self._loose = {}, {}
            for values in self.rows.values():
                self._index_names(values)
        return self._exact, self._loose

    def slug_of(self, pk: int) -> str:
        return self.rows[pk][1]

    def resolve(self, reference: str) -> int:
        """The id of the one record the reference names, or an UnresolvedReference."""
        found = self.find(reference)
        if found is None:
            raise _no_match(reference, self.what)
        return found

    def find(self, reference: str) -> int | None:
        """Like resolve, but None when nothing matches (still an error when several do)."""
        text = (reference or "").strip()
        if text in self.slugs:
            return self.slugs[text]
        if (identifier := identifier_in(text)) is not None:
            if identifier in self.identifiers:
                return self.identifiers[identifier]
            if ":" in text and text.partition(":")[0].strip().lower() in IDENTIFIER_KINDS:
                return None  # `kind:value` names an identifier, not a name
        return self.find_by_name(text)

    def find_by_name(self, name: str) -> int | None:
        """The record with this name or alias: exact keys first, loose keys if none match."""
        exact, loose = self._name_keys()
        for keys, key in ((exact, exact_key(name)), (loose, loose_key(name))):
            matches = keys.get(key)
            if matches and len(matches) == 1:
                return next(iter(matches))
            if matches:
                raise _ambiguous(name, [_candidate(self.rows[pk]) for pk in matches])
        return None


def resolve_reference(queryset: QuerySet, reference: Any, what: str = "record") -> Model:
    """The one record of `queryset` that `reference` names, for a single write.

    A slug costs one query, as before the resolver; anything else loads the index of the
    queryset (one more query) and resolves it there.
    """
    text = str(reference or "").strip()
    if SLUG.fullmatch(text) and (record := queryset.filter(slug=text).first()) is not None:
        return record
    index = ReferenceIndex(queryset.all(), what)
    return queryset.get(pk=index.resolve(text))
