"""The signals of the possible-duplicates report (deals.duplicates) besides names: an
identifier of one record named in the other, founders in common, rounds on the same day with
an investor in common. Each yields (lower id, higher id, what they share)."""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection

from startups.identifiers import normalise_identifier
from startups.names import words_of
from startups.vocab import DatePrecision

from .models import FundingRound, Investor, Participation

if TYPE_CHECKING:
    from .duplicates import NamedRecord

# A founder named by more startups than this is a placeholder ("unknown"), not a person.
LARGEST_FOUNDER_GROUP = 20
# "Yan Junjie (founder, chairman & CEO; ex-SenseTime VP)": the remark is not a name.
FOUNDER_REMARK = re.compile(r"[(\uff08][^)\uff09]*[)\uff09]")
FOUNDER_SEPARATORS = re.compile("[;,\uff0c\u3001/&\uff1b]|\\band\\b")
# An investor in more rounds than this on one day (a fund's busy day, or a placeholder date)
# links none of their startups: one duplicated round is two rounds that day.
BUSIEST_DAY = 3
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


SAME_DAY_ROUNDS = """
WITH day_rounds AS (
    SELECT p.investor_id, r.announced_on AS day, r.startup_id, r.round_label
    FROM {participation} p JOIN {round} r ON r.id = p.round_id
    WHERE r.date_precision = %(day)s
), quiet_days AS (
    SELECT investor_id, day FROM day_rounds
    GROUP BY investor_id, day HAVING COUNT(*) BETWEEN 2 AND %(busiest)s
)
SELECT a.startup_id, b.startup_id, a.day, i.name_en, a.round_label, b.round_label
FROM quiet_days q
JOIN day_rounds a ON a.investor_id = q.investor_id AND a.day = q.day
JOIN day_rounds b ON b.investor_id = q.investor_id AND b.day = q.day
    AND b.startup_id > a.startup_id
JOIN {investor} i ON i.id = q.investor_id
{among}
ORDER BY a.startup_id, b.startup_id, a.day, i.name_en
"""


def same_day_rounds(among: set[int] | None = None) -> Iterator[tuple[int, int, SameDayRounds]]:
    """Pairs of startups with rounds announced on the same day (dated to the day) and an
    investor in both, not on one of its busy days; one row per pair and day, naming one such
    investor, and the label when the two rounds have the same one (then they may well be one
    round). One query, grouping by investor and day first so that the pairs stay few."""
    params: dict = {"day": DatePrecision.DAY, "busiest": BUSIEST_DAY}
    where = ""
    if among is not None:
        # Ids of records already read, as integers: written into the statement.
        ids = ", ".join(str(int(pk)) for pk in among) or "NULL"
        where = f"WHERE a.startup_id IN ({ids}) AND b.startup_id IN ({ids})"
    sql = SAME_DAY_ROUNDS.format(
        participation=Participation._meta.db_table,
        round=FundingRound._meta.db_table,
        investor=Investor._meta.db_table,
        among=where,
    )
    found: dict[tuple[int, int, date], SameDayRounds] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for a, b, day, investor, label, other_label in cursor.fetchall():
            day = date.fromisoformat(day) if isinstance(day, str) else day
            same_label = label if label.casefold() == other_label.casefold() else ""
            if (a, b, day) not in found or (same_label and not found[(a, b, day)].label):
                found[(a, b, day)] = SameDayRounds(day, investor, same_label)
    for (a, b, _day), rounds in found.items():
        yield a, b, rounds


def affiliated(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Those pairs of investors where one is the other's parent, or an ancestor of it: an
    affiliate is a record of its own on purpose (Alibaba Cloud under Alibaba)."""
    parents = dict(Investor.objects.filter(parent__isnull=False).values_list("pk", "parent"))

    def ancestors(pk: int) -> set[int]:
        found: set[int] = set()
        while (pk := parents.get(pk)) is not None and pk not in found:
            found.add(pk)
        return found

    return {(a, b) for a, b in pairs if a in ancestors(b) or b in ancestors(a)}
