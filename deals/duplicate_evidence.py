"""The signals of the possible-duplicates report (deals.duplicates) besides names: an
identifier of one record named in the other, founders in common, rounds on the same day with
an investor in common. Each yields (lower id, higher id, what they share)."""

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F

from startups.identifiers import normalise_identifier
from startups.names import words_of
from startups.vocab import DatePrecision

from .models import Participation

if TYPE_CHECKING:
    from .duplicates import NamedRecord

# A founder named by more startups than this is a placeholder ("unknown"), not a person.
LARGEST_FOUNDER_GROUP = 20
# "Yan Junjie (founder, chairman & CEO; ex-SenseTime VP)": the remark is not a name.
FOUNDER_REMARK = re.compile(r"[(\uff08][^)\uff09]*[)\uff09]")
FOUNDER_SEPARATORS = re.compile("[;,\uff0c\u3001/&\uff1b]|\\band\\b")
# How identifiers are written in aliases and notes: "kind:value", a Crunchbase address, or a
# bare code whose shape names its kind.
KIND_VALUE = re.compile(r"\b(uscc|lei|wikidata|crunchbase|stock)\s*[:\uff1a]\s*([\w.:-]+)", re.I)
CRUNCHBASE_ADDRESS = re.compile(r"crunchbase\.com/organization/([\w.-]+)", re.I)
BARE_CODES = (
    ("uscc", re.compile(r"\b[0-9A-Z]{18}\b")),
    ("lei", re.compile(r"\b[0-9A-Z]{18}[0-9]{2}\b")),
    ("wikidata", re.compile(r"\bQ[1-9][0-9]{0,11}\b")),
    ("stock", re.compile(r"\b[A-Z]{2,6}:[0-9A-Z.]{1,10}\b")),
)


def _mentioned(text: str) -> Iterator[tuple[str, str]]:
    """Every (kind, stored value) an identifier in the text may stand for."""
    found = [(kind.lower(), value) for kind, value in KIND_VALUE.findall(text)]
    found += [("crunchbase", value) for value in CRUNCHBASE_ADDRESS.findall(text)]
    for kind, pattern in BARE_CODES:
        found += [(kind, value) for value in pattern.findall(text)]
    for kind, value in found:
        try:
            yield kind, normalise_identifier(kind, value.rstrip(".:"))
        except ValidationError:
            continue


def identifier_mentions(records: list["NamedRecord"]) -> Iterator[tuple[int, int, dict]]:
    """Pairs where one record's aliases or notes name an identifier the other carries."""
    holder = {
        (kind, value): record.pk for record in records for kind, value in record.identifiers.items()
    }
    seen = set()
    for record in records:
        for kind, value in _mentioned(record.text):
            other = holder.get((kind, value))
            if other is None or other == record.pk:
                continue
            pair = (min(record.pk, other), max(record.pk, other), kind, value)
            if pair not in seen:
                seen.add(pair)
                yield pair[0], pair[1], {"identifier": f"{kind}:{value}"}


def founder_names(founders: str) -> list[str]:
    """The founders' names in a startup's `founders` text, without their remarks."""
    names = FOUNDER_SEPARATORS.split(FOUNDER_REMARK.sub(" ", founders or ""))
    return [" ".join(name.split()) for name in names if name.strip()]


def shared_founders(records: list["NamedRecord"]) -> Iterator[tuple[int, int, str]]:
    """Pairs of startups naming the same founder (compared without case, space, punctuation)."""
    holders: dict[str, set[int]] = defaultdict(set)
    shown: dict[str, str] = {}
    for record in records:
        for name in founder_names(record.founders):
            key = words_of(name).replace(" ", "")
            if len(key) >= 2:
                holders[key].add(record.pk)
                shown.setdefault(key, name)
    for key, pks in holders.items():
        if 1 < len(pks) <= LARGEST_FOUNDER_GROUP:
            for a, b in combinations(sorted(pks), 2):
                yield a, b, shown[key]


@dataclass(frozen=True)
class SameDayRounds:
    day: date
    investor: str
    label: str  # the round's label when both rounds carry it ("Series B"), else ""


def same_day_rounds(among: set[int] | None = None) -> Iterator[tuple[int, int, SameDayRounds]]:
    """Pairs of startups with rounds announced on the same day (dated to the day) and an
    investor in both; one row per pair and day, naming one such investor, and the label when
    the two rounds have the same one (then they may well be one round). One query."""
    # One filter() call: both conditions on investor__participations are about the same
    # participation of the same investor (the other startup's).
    other = "investor__participations__round__"
    rows = Participation.objects.filter(
        round__date_precision=DatePrecision.DAY,
        **{
            f"{other}date_precision": DatePrecision.DAY,
            f"{other}announced_on": F("round__announced_on"),
            f"{other}startup__gt": F("round__startup"),
        },
    )
    if among is not None:
        rows = rows.filter(round__startup__in=among, **{f"{other}startup__in": among})
    columns = ("round__startup", f"{other}startup", "round__announced_on")
    found: dict[tuple[int, int, date], SameDayRounds] = {}
    for a, b, day, investor, label, other_label in rows.values_list(
        *columns, "investor__name_en", "round__round_label", f"{other}round_label"
    ).order_by(*columns, "investor__name_en"):
        same_label = label if label.casefold() == other_label.casefold() else ""
        if (a, b, day) not in found or (same_label and not found[(a, b, day)].label):
            found[(a, b, day)] = SameDayRounds(day, investor, same_label)
    for (a, b, _day), rounds in found.items():
        yield a, b, rounds
