"""Possible duplicates: pairs of startups, or of investors, that may be one record entered
twice, ranked by how strongly the evidence says so (the admin's Possible duplicates page and
`manage.py find_duplicates`).

Each signal gives a pair a reason and a weight (how sure it alone makes us):

- an identifier of one named in the other's aliases or notes ("crunchbase:moonshot-ai"): 1.0;
- equal exact keys of any of their names, in either language (startups.names): 0.9;
- equal loose keys (also without city, country, "AI"): 0.8;
- equal core keys (also without generic words: "Intelligence", "Capital", 智能, 资本): 0.6;
- similar names (trigram similarity of core keys, deals.duplicate_names): 0.7 x similarity;
- a founder in common (startups): 0.35;
- rounds announced on the same day with an investor in common (startups): 0.3, or 0.5 when
  they also have the same label (one round entered under both).

An investor and its affiliates (Alibaba and Alibaba Cloud) are never a pair: they are
separate records on purpose. Names that match but name different cities (the Beijing and the
Shanghai AI funds) are two records, not one: they give no reason. A pair's score combines its
reasons as independent evidence, 1 - (1 - w1)(1 - w2)...: each reason raises it, none past 1.
A merged record is deleted (startups.merge_models), so pairs with it are gone from the report
once the merge is done.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Model
from django.utils.translation import gettext as _

from startups.identifiers import IDENTIFIER_KINDS
from startups.models import MergeKind, Startup
from startups.names import exact_key, loose_key
from startups.vocab import split_list

from .duplicate_evidence import (
    affiliated,
    identifier_mentions,
    same_day_rounds,
    shared_founders,
)
from .duplicate_names import core_key, in_different_cities, similar_pairs
from .models import Investor

KINDS = {MergeKind.STARTUP: Startup, MergeKind.INVESTOR: Investor}
# A lone same-day round (0.3) is listed only with another reason.
DEFAULT_MIN_SCORE = 0.35
# A key shared by more records than this is a generic name, not a duplicate ("AI Lab").
LARGEST_NAME_GROUP = 20

WEIGHTS = {
    "identifier": 1.0,
    "exact_key": 0.9,
    "loose_key": 0.8,
    "core_key": 0.6,
    "similar_name": 0.7,  # times the similarity
    "founder": 0.35,
    "round": 0.3,
    "same_round": 0.5,  # same day, same label, an investor in common
}


@dataclass(frozen=True)
class Reason:
    signal: str
    weight: float
    text: str


@dataclass
class DuplicatePair:
    kind: str
    a_id: int
    b_id: int
    reasons: list[Reason] = field(default_factory=list)
    a: Model | None = None
    b: Model | None = None

    @property
    def score(self) -> float:
        doubt = 1.0
        for reason in self.reasons:
            doubt *= 1.0 - reason.weight
        return round(1.0 - doubt, 3)


@dataclass
class NamedRecord:
    """What the signals read of one record."""

    pk: int
    names: list[str]
    exact_keys: set[str]
    loose_keys: set[str]
    core_keys: set[str]
    identifiers: dict[str, str]
    text: str  # aliases and notes, where another record's identifier may be named
    founders: str = ""


def model_of(kind: str) -> type[Model]:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    return KINDS[kind]


def named_records(kind: str, ids: Iterable[int] | None = None) -> list[NamedRecord]:
    """Every record of the kind (or those of `ids`), with its names' keys: one query."""
    model = model_of(kind)
    columns = ["pk", "name_en", "name_zh", "aliases", "notes", *IDENTIFIER_KINDS]
    if model is Startup:
        columns.append("founders")
    rows = model.objects.order_by("pk")
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    records = []
    for row in rows.values(*columns):
        names = [name for name in (row["name_en"], row["name_zh"]) if name.strip()]
        names += split_list(row["aliases"])
        records.append(
            NamedRecord(
                pk=row["pk"],
                names=names,
                exact_keys={key for name in names if (key := exact_key(name))},
                loose_keys={key for name in names if (key := loose_key(name))},
                core_keys={key for name in names if (key := core_key(name))},
                identifiers={kind: row[kind] for kind in IDENTIFIER_KINDS if row[kind]},
                text=f"{row['aliases']}\n{row['notes']}",
                founders=row.get("founders", ""),
            )
        )
    return records


def _equal_keys(records: list[NamedRecord], attribute: str) -> dict[tuple[int, int], list[str]]:
    """The pairs of records with a key in common, and those keys."""
    holders: dict[str, set[int]] = defaultdict(set)
    for record in records:
        for key in getattr(record, attribute):
            holders[key].add(record.pk)
    shared: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key, pks in sorted(holders.items()):
        if 1 < len(pks) <= LARGEST_NAME_GROUP:
            for pair in combinations(sorted(pks), 2):
                shared[pair].append(key)
    return shared


class Reasons(defaultdict):
    """The reasons found so far, by pair (lower id first)."""

    def __init__(self) -> None:
        super().__init__(list)

    def add(self, a: int, b: int, signal: str, text: str, weight: float | None = None) -> None:
        self[(min(a, b), max(a, b))].append(Reason(signal, weight or WEIGHTS[signal], text))

    def same_name(self, a: int, b: int) -> bool:
        return any(reason.signal.endswith("_key") for reason in self.get((a, b), []))


def _name_reasons(records: list[NamedRecord], reasons: Reasons) -> None:
    for a, b, mention in identifier_mentions(records):
        reasons.add(a, b, "identifier", _("%(identifier)s of one is named in the other") % mention)
    names = {record.pk: record.names for record in records}
    exact = _equal_keys(records, "exact_keys")
    for (a, b), keys in exact.items():
        text = _("same name once suffixes are dropped: %(key)s")
        reasons.add(a, b, "exact_key", text % {"key": ", ".join(keys)})
    for (a, b), keys in _equal_keys(records, "loose_keys").items():
        if (a, b) not in exact and not in_different_cities(names[a], names[b]):
            text = _("same name once suffixes, places and “AI” are dropped: %(key)s")
            reasons.add(a, b, "loose_key", text % {"key": ", ".join(keys)})
    for (a, b), keys in _equal_keys(records, "core_keys").items():
        if not reasons.same_name(a, b) and not in_different_cities(names[a], names[b]):
            text = _("same name but for words like “Intelligence” or “Capital”: %(key)s")
            reasons.add(a, b, "core_key", text % {"key": ", ".join(keys)})
    # The distinctive part of the names only: "Baichuan Intelligence" and "Zhipu
    # Intelligence" are not alike.
    keys = {record.pk: record.core_keys for record in records}
    for (a, b), similar in similar_pairs(keys).items():
        if reasons.same_name(a, b) or in_different_cities(names[a], names[b]):
            continue
        text = _("similar names: %(a)s ~ %(b)s (%(similarity)d%%)") % {
            "a": similar.a_key,
            "b": similar.b_key,
            "similarity": round(similar.similarity * 100),
        }
        reasons.add(a, b, "similar_name", text, WEIGHTS["similar_name"] * similar.similarity)


def _startup_reasons(records: list[NamedRecord], reasons: Reasons, among: set[int] | None):
    for a, b, founder in shared_founders(records):
        reasons.add(a, b, "founder", _("same founder: %(founder)s") % {"founder": founder})
    for a, b, rounds in same_day_rounds(among):
        found = {"date": rounds.day.isoformat(), "investor": rounds.investor}
        if rounds.label:
            text = _("the same round (%(label)s, %(date)s) with %(investor)s")
            reasons.add(a, b, "same_round", text % {**found, "label": rounds.label})
        else:
            text = _("rounds on the same day (%(date)s) with %(investor)s")
            reasons.add(a, b, "round", text % found)


def pair_reasons(
    kind: str, records: list[NamedRecord], *, only_these: bool = False
) -> dict[tuple[int, int], list[Reason]]:
    """Every pair of these records that some signal links, with its reasons (`only_these`:
    the records are a few of their kind, so queries are limited to them)."""
    reasons = Reasons()
    _name_reasons(records, reasons)
    if kind == MergeKind.STARTUP:
        among = {record.pk for record in records} if only_these else None
        _startup_reasons(records, reasons, among)
    else:
        for pair in affiliated(list(reasons)):
            del reasons[pair]
    return reasons


def possible_duplicates(
    kind: str, *, limit: int | None = None, min_score: float = DEFAULT_MIN_SCORE
) -> list[DuplicatePair]:
    """The pairs of records of the kind that may be duplicates, best first, with both
    records fetched (`pair.a`, `pair.b`)."""
    records = named_records(kind)
    pairs = [
        DuplicatePair(kind, a, b, reasons)
        for (a, b), reasons in pair_reasons(kind, records).items()
    ]
    pairs = [pair for pair in pairs if pair.score >= min_score]
    pairs.sort(key=lambda pair: (-pair.score, pair.a_id, pair.b_id))
    if limit is not None:
        pairs = pairs[:limit]
    fetched = model_of(kind).objects.in_bulk({pk for p in pairs for pk in (p.a_id, p.b_id)})
    for pair in pairs:
        pair.a, pair.b = fetched[pair.a_id], fetched[pair.b_id]
    return pairs


def duplicate_pair(kind: str, a: Model, b: Model) -> DuplicatePair:
    """Why two given records may be duplicates (no reason: nothing links them)."""
    records = named_records(kind, [a.pk, b.pk])
    low, high = sorted([a.pk, b.pk])
    reasons = pair_reasons(kind, records, only_these=True).get((low, high), [])
    return DuplicatePair(kind, a.pk, b.pk, reasons, a, b)
