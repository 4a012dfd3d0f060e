"""What a batch of changes is about, for the alert matcher: one event per record and
transaction, with the startup, investors and round that watchlist items are matched against.

Events (docs/alerts.md): `round.created|updated`, `valuation.created|updated`,
`compute_deal.created|updated`, `claim.created|updated`. A participation is part of its round:
its changes are the round's (`round.updated`: an investor joined, or its stake or amount
changed). Every change of one batch about one record makes one event, and a record created in
that batch makes one `<kind>.created` that takes in the rest (a round saved with its
participants and claims is one `round.created`, and so is a round whose participants were
added by later transactions read in the same batch: the record is matched as it is now).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from deals.models import Claim, ComputeDeal, FundingRound, Participation, ValuationMark
from startups.models import Change

# The kinds whose creation, or a change of one of their figures, raises alerts.
MATCHED_KINDS = ("round", "participation", "valuation", "compute_deal", "claim")


@dataclass
class Subject:
    """One event: the record an alert is about, and what of it watchlist items can follow.
    `round_id` is set for the rounds' events (a claim of a round or of a stake too): saved
    `/rounds/` searches are evaluated against it."""

    change: Change
    kind: str
    record_id: int
    created: bool
    startup_id: int | None = None
    investor_ids: set[int] = field(default_factory=set)
    round_id: int | None = None

    @property
    def event(self) -> str:
        return f"{self.kind}.{'created' if self.created else 'updated'}"


def raises_alerts(change: Change) -> bool:
    """A create, or an update that changed a figure; a deletion never does."""
    return change.kind in MATCHED_KINDS and (
        change.action == "created" or (change.action == "updated" and change.figures_changed)
    )


@dataclass
class Records:
    """The records a batch's changes name that still exist (a deleted one is absent)."""

    claims: dict[int, dict] = field(default_factory=dict)
    participations: dict[int, dict] = field(default_factory=dict)
    valuations: dict[int, dict] = field(default_factory=dict)
    compute_deals: dict[int, dict] = field(default_factory=dict)
    rounds: dict[int, dict] = field(default_factory=dict)
    round_investors: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def _by_id(model, ids: Iterable[int], *columns: str) -> dict[int, dict]:
    ids = set(ids)
    if not ids:
        return {}
    return {row["id"]: row for row in model.objects.filter(id__in=ids).values("id", *columns)}


def _ids(changes: list[Change], kind: str) -> set[int]:
    return {change.record_id for change in changes if change.kind == kind}


def load_records(changes: list[Change]) -> Records:
    """Six queries whatever the batch's size: the claims, then the records they and the
    changes name, then every investor of the rounds among them."""
    records = Records()
    records.claims = _by_id(
        Claim, _ids(changes, "claim"), "round_id", "participation_id", "valuation_id",
        "compute_deal_id",
    )  # fmt: skip
    claimed = records.claims.values()
    records.participations = _by_id(
        Participation,
        _ids(changes, "participation") | {c["participation_id"] for c in claimed},
        "round_id",
        "investor_id",
    )
    records.valuations = _by_id(
        ValuationMark, _ids(changes, "valuation") | {c["valuation_id"] for c in claimed},
        "startup_id",
    )  # fmt: skip
    records.compute_deals = _by_id(
        ComputeDeal,
        _ids(changes, "compute_deal") | {c["compute_deal_id"] for c in claimed},
        "startup_id",
        "provider_investor_id",
    )
    round_ids = (
        _ids(changes, "round")
        | {c["round_id"] for c in claimed}
        | {p["round_id"] for p in records.participations.values()}
    )
    records.rounds = _by_id(FundingRound, round_ids, "startup_id")
    joined = Participation.objects.filter(round_id__in=records.rounds).values_list(
        "round_id", "investor_id"
    )
    for round_id, investor_id in joined:
        records.round_investors[round_id].add(investor_id)
    return records


@dataclass(frozen=True)
class Concern:
    """What one change says about which record, and who that concerns."""

    kind: str
    record_id: int
    startup_id: int | None
    investor_ids: frozenset[int]
    round_id: int | None


def _round_concern(records: Records, round_id: int, investor_ids=None) -> Concern | None:
    found = records.rounds.get(round_id)
    if found is None:
        return None
    investors = records.round_investors[round_id] if investor_ids is None else investor_ids
    return Concern("round", round_id, found["startup_id"], frozenset(investors), round_id)


def _record_concern(records: Records, kind: str, record_id: int | None) -> Concern | None:
    """A round, stake, valuation mark or compute deal: its startup and investors (a stake: its
    own investor only); None when it no longer exists."""
    if record_id is None:
        return None
    if kind == "round":
        return _round_concern(records, record_id)
    if kind == "participation":
        stake = records.participations.get(record_id)
        if stake is None:
            return None
        return _round_concern(records, stake["round_id"], {stake["investor_id"]})
    if kind == "valuation":
        mark = records.valuations.get(record_id)
        return mark and Concern("valuation", record_id, mark["startup_id"], frozenset(), None)
    deal = records.compute_deals.get(record_id)
    if deal is None:
        return None
    provider = {deal["provider_investor_id"]} - {None}
    return Concern("compute_deal", record_id, deal["startup_id"], frozenset(provider), None)


def _claimed(records: Records, claim_id: int) -> tuple[str, int | None]:
    claim = records.claims[claim_id]
    for kind, column in (
        ("round", "round_id"),
        ("participation", "participation_id"),
        ("valuation", "valuation_id"),
        ("compute_deal", "compute_deal_id"),
    ):
        if claim[column] is not None:
            return kind, claim[column]
    return "", None


def subjects_of(changes: list[Change]) -> list[Subject]:
    """The events of a batch, one per record, in the order of their first change; changes of
    records deleted since are skipped."""
    changes = [change for change in changes if raises_alerts(change)]
    records = load_records(changes)
    created = {
        (change.kind, change.record_id)
        for change in changes
        if change.action == "created" and change.kind != "participation"
    }
    subjects: dict[tuple, Subject] = {}
    for change in changes:
        if change.kind == "claim":
            if change.record_id not in records.claims:
                continue
            claimed_kind, claimed_id = _claimed(records, change.record_id)
            concern = _record_concern(records, claimed_kind, claimed_id)
            if concern is None:
                continue
            # A claim saved with its record is part of that record's creation.
            if (concern.kind, concern.record_id) not in created:
                concern = Concern(
                    "claim", change.record_id, concern.startup_id, concern.investor_ids,
                    concern.round_id,
                )  # fmt: skip
        else:
            concern = _record_concern(records, change.kind, change.record_id)
            if concern is None:
                continue
        key = (concern.kind, concern.record_id)
        subject = subjects.get(key)
        if subject is None:
            subject = subjects[key] = Subject(
                change=change,
                kind=concern.kind,
                record_id=concern.record_id,
                created=key in created,
                startup_id=concern.startup_id,
                round_id=concern.round_id,
            )
        is_creation = change.action == "created" and change.kind == concern.kind
        if is_creation:
            subject.change = change
        subject.investor_ids |= concern.investor_ids
    return list(subjects.values())
