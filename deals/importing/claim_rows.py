"""claims.csv: what each source says of one figure of a round, a stake, a valuation mark or
a compute deal (docs/evidence.md). A row names its record by the record's own key columns,
the figure by its CSV column, and the source by its URL; that triple is the claim's key."""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import Q

from deals.claim_models import RECORD_FIELDS, Claim
from deals.claim_services import claims_reconcile_many
from deals.evidence import FIGURES
from deals.fx import RateBook
from deals.models import (
    ComputeDeal,
    ComputeKind,
    FundingRound,
    Participation,
    ValuationKind,
    ValuationMark,
)
from startups.vocab import Confidence, Qualifier

from . import cells
from .context import CellReader, Context
from .csvfile import Row
from .engine import Staged, Target, Written, fetch_existing

# The columns naming a claim's record, by the record kind (`record`); a kind leaves the
# others blank.
RECORD_KEY_COLUMNS = {
    "round": ("startup_slug", "announced_on", "round_label"),
    "participation": ("startup_slug", "announced_on", "round_label", "investor_slug"),
    "valuation": ("startup_slug", "valued_on", "kind"),
    "compute": ("startup_slug", "buyer", "kind", "chip", "provider", "announced_on"),
}
KEY_COLUMNS = tuple(dict.fromkeys(c for columns in RECORD_KEY_COLUMNS.values() for c in columns))
COLUMNS = [
    "record",
    *KEY_COLUMNS,
    "field",
    "value",
    "currency",
    "qualifier",
    "as_of",
    "reported_on",
    "source_url",
    "confidence",
    "accepted",
    "notes",
]
RECORD_TARGETS = {
    "round": Target(FundingRound, ("startup_id", "announced_on", "round_label")),
    "participation": Target(Participation, ("round_id", "investor_id")),
    "valuation": Target(ValuationMark, ("startup_id", "valued_on", "kind")),
    "compute": Target(ComputeDeal, ("buyer", "kind", "chip", "provider", "announced_on")),
}
RECORD_ID_FIELDS = tuple(f"{name}_id" for name in RECORD_FIELDS.values())
CLAIM_TARGET = Target(
    Claim,
    (*RECORD_ID_FIELDS, "field", "source_id"),
    {"source": "source_url", **{name: "record" for name in RECORD_FIELDS.values()}},
)


def _date(read: CellReader, column: str):
    value = read(column, cells.partial_date) if read.row[column] else None
    if value is None and not read.row[column]:
        read.fail(column, "is required")
    return value[0] if value else None


def _round(read: CellReader, context: Context) -> tuple:
    startup = read.reference("startup_slug", context.startups)
    label = read("round_label")
    if not label:
        read.fail("round_label", "is required")
    return startup, _date(read, "announced_on"), label


def _participation(read: CellReader, context: Context) -> tuple:
    return _round(read, context), read.reference("investor_slug", context.investors)


def _valuation(read: CellReader, context: Context) -> tuple:
    startup = read.reference("startup_slug", context.startups)
    kind = read("kind", cells.choice, cells.choices_of(ValuationKind), ValuationKind.PRESS_REPORT)
    return startup, _date(read, "valued_on"), kind


def _compute(read: CellReader, context: Context) -> tuple:
    # As compute.csv keys it: the buyer is the startup's slug when the row names a startup.
    startup = read.reference("startup_slug", context.startups, False)
    buyer = read("buyer") or (context.startups.slug_of(startup) if startup else "")
    if not buyer:
        read.fail("buyer", "is required when there is no startup_slug")
    kind = read("kind", cells.choice, cells.choices_of(ComputeKind), "")
    if not read.row["kind"]:
        read.fail("kind", "is required")
    return buyer, kind, read("chip"), read("provider"), _date(read, "announced_on")


RECORD_KEYS: dict[str, Callable[[CellReader, Context], tuple]] = {
    "round": _round,
    "participation": _participation,
    "valuation": _valuation,
    "compute": _compute,
}


def stage_claim(row: Row, context: Context) -> Staged:
    read = CellReader(row, context)
    record = read("record", cells.choice, list(FIGURES), "")
    if not row["record"]:
        read.fail("record", f"is required: one of {', '.join(FIGURES)}")
    identity = None
    if record:
        for column in KEY_COLUMNS:
            if row[column] and column not in RECORD_KEY_COLUMNS[record]:
                read.fail(column, f"is not a key of a {record}: leave it blank")
        identity = RECORD_KEYS[record](read, context)
    fields = {
        "field": _figure(read, record),
        "value": _value(read),
        "currency": read("currency", cells.currency),
        "qualifier": read("qualifier", cells.choice, cells.choices_of(Qualifier), Qualifier.EXACT),
        "as_of": read("as_of", cells.optional_date),
        "reported_on": read("reported_on", cells.optional_date),
        "confidence": read(
            "confidence", cells.choice, cells.choices_of(Confidence), Confidence.REPORTED
        ),
        "accepted": read("accepted", cells.boolean, False),
        "notes": read("notes"),
    }
    _currency_fits(read, record, fields)
    if fields["accepted"] and not fields["notes"]:
        read.fail("notes", "is required for an accepted claim: say why it is accepted")
    source_url = read("source_url", cells.url)
    if not row["source_url"]:
        read.fail("source_url", "is required: the source that makes the claim")
    read.check()
    return Staged(
        row.line,
        (record, identity, fields["field"], source_url),
        fields,
        extra={"record": record, "identity": identity, "source_url": source_url},
    )


def _figure(read: CellReader, record: str) -> str:
    name = read("field")
    if record and name not in FIGURES[record]:
        allowed = ", ".join(FIGURES[record])
        read.fail("field", f"must be one of {allowed} for a {record} (got {name!r})")
    return name


def _value(read: CellReader):
    value = read("value", cells.decimal)
    if value is None and not read.row["value"]:
        read.fail("value", "is required")
    if value is not None and value < 0:
        read.fail("value", f"must not be negative (got {read.row['value']})")
    return value


def _currency_fits(read: CellReader, record: str, fields: dict) -> None:
    figure = FIGURES[record].get(fields["field"]) if record else None
    if figure is None or not (read.row["currency"] or figure.currency):
        return
    if figure.currency and not read.row["currency"]:
        read.fail("currency", f"is required: {fields['field']} is money")
    elif not figure.currency:
        read.fail("currency", f"must be blank: {fields['field']} is not money")


def attach_records(batch: list[Staged], problem: Callable) -> list[Staged]:
    """Find each row's record, a query per record kind (two for stakes), and set the claim's
    foreign key and natural key; a row whose record is not there is reported and left out."""
    found = _records(batch)
    attached = []
    for staged in batch:
        record_kind, identity = staged.extra["record"], staged.extra["identity"]
        record = found[record_kind].get(_lookup_key(record_kind, identity, found))
        if record is None:
            columns = ", ".join(RECORD_KEY_COLUMNS[record_kind])
            problem(staged.line, "record", f"names no known {record_kind} ({columns})")
            continue
        for kind, name in RECORD_FIELDS.items():
            staged.fields[f"{name}_id"] = record.pk if kind == record_kind else None
        staged.extra["instance"] = record
        attached.append(staged)
    return attached


def _lookup_key(record_kind: str, identity: tuple, found: dict) -> tuple | None:
    if record_kind != "participation":
        return identity
    funding_round = found["round"].get(identity[0])
    return (funding_round.pk, identity[1]) if funding_round else None


def _records(batch: list[Staged]) -> dict[str, dict]:
    wanted: dict[str, set] = {kind: set() for kind in RECORD_TARGETS}
    for staged in batch:
        kind, identity = staged.extra["record"], staged.extra["identity"]
        wanted["round" if kind == "participation" else kind].add(
            identity[0] if kind == "participation" else identity
        )
    found = {
        kind: fetch_existing(RECORD_TARGETS[kind], list(keys)) for kind, keys in wanted.items()
    }
    stakes = [
        (found["round"][s.extra["identity"][0]].pk, s.extra["identity"][1])
        for s in batch
        if s.extra["record"] == "participation" and s.extra["identity"][0] in found["round"]
    ]
    found["participation"] = fetch_existing(RECORD_TARGETS["participation"], stakes)
    return found


def set_claim_keys(batch: list[Staged], source_ids: dict[str, int]) -> None:
    for staged in batch:
        staged.fields["source_id"] = source_ids[staged.extra["source_url"]]
        staged.key = tuple(staged.fields[name] for name in CLAIM_TARGET.key_fields)


def withdraw_rival_acceptances(batch: list[Staged]) -> None:
    """A claim accepted by the file withdraws the acceptance of its figure's other claims, as
    accepting one in the admin does (a figure has one accepted claim)."""
    rivals = Q()
    for staged in batch:
        if staged.fields["accepted"]:
            same_figure = {name: staged.fields[name] for name in RECORD_ID_FIELDS}
            rivals |= Q(**same_figure, field=staged.fields["field"]) & ~Q(
                source_id=staged.fields["source_id"]
            )
    if rivals:
        Claim.objects.filter(rivals, accepted=True).update(accepted=False)


def reconcile_claimed(written: list[Written], book: RateBook) -> None:
    """The records whose claims the file changed take their accepted values."""
    records: dict[type, dict[int, object]] = defaultdict(dict)
    for claim in written:
        if claim.outcome != "unchanged":
            record = claim.staged.extra["instance"]
            records[type(record)][record.pk] = record
    for by_id in records.values():
        claims_reconcile_many(list(by_id.values()), book=book)
