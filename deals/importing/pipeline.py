"""One import run: files in dependency order, every row validated, all written in one
transaction or nothing at all."""

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from simple_history.utils import bulk_update_with_history
from tqdm import tqdm

from deals.models import FundingRound, Investor, Participation
from deals.services import investor_ancestry_rebuild, usd_recompute
from startups.resolver import UnresolvedReference
from startups.services import sources_for_urls

from . import behind
from .claim_rows import (
    attach_records,
    reconcile_claimed,
    set_claim_keys,
    withdraw_rival_acceptances,
)
from .context import Context
from .csvfile import read_rows
from .engine import (
    BATCH_SIZE,
    RowProblems,
    Staged,
    Target,
    Written,
    fetch_existing,
    write_batch,
)
from .identifier_rows import IdentifierRows
from .report import FileCounts, ImportReport
from .specs import SPEC_BY_NAME, SPECS, FileSpec
from .uniform import create_uniform, signature

ROUND_TARGET = Target(FundingRound, ("startup_id", "announced_on", "round_label"))
PARTICIPANT_TARGET = Target(
    Participation, ("round_id", "investor_id"), promote_only=frozenset({"is_lead"})
)


class _Rollback(Exception):
    pass


KNOWN_NAMES = ", ".join(f"{spec.name}.csv" for spec in SPECS)
NAMED_AFTER_A_TABLE = f"a file is named after its table, one of {KNOWN_NAMES}"


def spec_for(name: str) -> FileSpec | None:
    path = Path(name)
    if path.suffix.lower() != ".csv":
        return None
    return SPEC_BY_NAME.get(path.stem.lower())


def is_csv_file(path: Path) -> bool:
    # Hidden files are the operating system's or an editor's (macOS's `._rounds.csv`).
    return path.is_file() and path.suffix.lower() == ".csv" and not path.name.startswith(".")


def csv_files(paths: Iterable[str | Path], report: ImportReport) -> list[Path]:
    """The files that the paths name. A folder gives every CSV file in it: one whose name is
    not a table's is refused by `run_import` (never skipped), other files (its README.md) are
    left alone, and a folder with no CSV file at all is refused here."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            in_folder = sorted(p for p in path.iterdir() if is_csv_file(p))
            if not in_folder:
                report.problem(
                    str(path), None, None, f"holds no CSV file to import: {NAMED_AFTER_A_TABLE}"
                )
            found.extend(in_folder)
        elif path.is_file():
            found.append(path)
        else:
            report.problem(str(path), None, None, "does not exist")
    return found


def run_import(
    files: Iterable[tuple[str, BinaryIO]],
    *,
    dry_run: bool = False,
    user: Any = None,
    progress: bool = False,
    report: ImportReport | None = None,
) -> ImportReport:
    """Import named CSV streams; any problem anywhere leaves the database as it was."""
    report = report or ImportReport()
    report.dry_run = dry_run
    ordered = []
    for name, handle in files:
        spec = spec_for(name)
        if spec is None:
            report.problem(
                name, None, None, f"is not a file of the import format: {NAMED_AFTER_A_TABLE}"
            )
        else:
            ordered.append((SPECS.index(spec), name, handle, spec))
    ordered.sort(key=lambda item: item[0])

    def load() -> None:
        context = Context(user=user)
        for _, name, handle, spec in ordered:
            FileImport(spec, name, context, report, progress).run(handle)
        context.announce_changes()

    return all_or_nothing(report, load, dry_run=dry_run)


def all_or_nothing(
    report: ImportReport, load: Callable[[], None], *, dry_run: bool = False
) -> ImportReport:
    """Run `load` in one transaction, rolled back when it reported a problem or on a dry run.

    Every importer (native, Crunchbase) goes through here, so that "nothing written" means
    the same for all of them.
    """
    report.dry_run = dry_run
    started = time.perf_counter()
    try:
        with transaction.atomic():
            with behind.settled():
                load()
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    report.seconds = time.perf_counter() - started
    report.sort_problems()
    return report


def import_paths(paths: Iterable[str | Path], **options: Any) -> ImportReport:
    report = ImportReport()
    handles = [(path.name, path.open("rb")) for path in csv_files(paths, report)]
    try:
        return run_import(handles, report=report, **options)
    finally:
        for _, handle in handles:
            handle.close()


class FileImport:
    def __init__(
        self, spec: FileSpec, name: str, context: Context, report: ImportReport, progress: bool
    ):
        self.spec, self.name, self.context, self.report = spec, name, context, report
        self.progress = progress
        self.counts = report.counts(name)
        self.seen: dict[tuple, int] = {}
        self.parents: list[tuple[int, str, str]] = []
        self.unchanged: set[int] = set()
        self.changed_currencies: set[str] = set()
        self.accepted: dict[tuple, int] = {}
        self.identifiers = IdentifierRows(spec.target.model)

    def problem(self, line: int | None, column: str | None, message: str) -> None:
        self.report.problem(self.name, line, column, message)

    def run(self, handle: BinaryIO) -> None:
        rows = read_rows(self.name, handle, self.spec.required, self.report)
        batch: list[Staged] = []
        for row in tqdm(rows, desc=self.name, unit=" rows", disable=not self.progress):
            try:
                staged = self.spec.stage(row, self.context)
            except RowProblems as bad:
                for column, message in bad.problems:
                    self.problem(row.line, column, message)
                continue
            if staged.key in self.seen:
                columns = ", ".join(self.spec.key_columns)
                self.problem(
                    row.line,
                    None,
                    f"repeats the key ({columns}) of line {self.seen[staged.key]}",
                )
                continue
            self.seen[staged.key] = row.line
            batch.append(staged)
            if len(batch) >= BATCH_SIZE:
                self.flush(batch)
                batch = []
        self.flush(batch)
        self.finish()

    def flush(self, batch: list[Staged]) -> None:
        # What the batch writes last goes out while the next batch is staged (`behind`).
        with behind.batch():
            self.write_all(batch)

    def write_all(self, batch: list[Staged]) -> None:
        if self.spec.name == "participations":
            batch = self.attach_rounds(batch)
        if self.spec.name == "fx_rates":
            self.attach_rate_sources(batch)
        if self.spec.name == "claims":
            batch = self.attach_claim_records(batch)
        if self.spec.name in {"startups", "investors"}:
            batch = self.identifiers.keep_unique(batch, self.problem)
        if not batch:
            return
        self.context.resolve_m2m(batch)
        written = self.write(self.spec.target, batch, self.counts)
        if self.spec.name in {"startups", "investors"}:
            known = (
                self.context.startups if self.spec.name == "startups" else self.context.investors
            )
            for record in written:
                known.add(record.instance)
        if self.spec.name == "startups":
            self.context.new_startups.update(
                w.instance.pk for w in written if w.outcome == "created"
            )
        if self.spec.name == "investors":
            self.parents.extend(
                (w.staged.line, w.instance.slug, w.staged.extra["parent_slug"]) for w in written
            )
            self.unchanged |= {w.instance.pk for w in written if w.outcome == "unchanged"}
        if self.spec.name == "rounds":
            self.write_round_investors(written)
        if self.spec.name == "fx_rates":
            self.changed_currencies |= {
                w.instance.currency for w in written if w.outcome != "unchanged"
            }
        if self.spec.name == "claims":
            reconcile_claimed(written, self.context.rates)

    def write(
        self, target: Target, batch: list[Staged], counts: FileCounts, all_new: bool = False
    ) -> list[Written]:
        written = write_batch(
            target,
            batch,
            **self.writing(),
            touched=self.context.touched,
            all_new=all_new,
            may_exist=self.round_may_exist if target is SPEC_BY_NAME["rounds"].target else None,
        )
        for record in written:
            setattr(counts, record.outcome, getattr(counts, record.outcome) + 1)
        return written

    def round_may_exist(self, staged: Staged) -> bool:
        """A round of a startup this run created is new: it is not looked up."""
        return staged.fields["startup_id"] not in self.context.new_startups

    def writing(self) -> dict[str, Any]:
        """What every write of this file is told: rates, where problems go, who and why."""
        return {
            "rates": self.context.rates,
            "problem": self.problem,
            "user": self.context.user,
            "reason": f"import {self.name}",
        }

    def attach_rounds(self, batch: list[Staged]) -> list[Staged]:
        """Participations name their round by its key: find the rounds in one query."""
        rounds = fetch_existing(ROUND_TARGET, list({s.extra["round"] for s in batch}))
        attached = []
        for staged in batch:
            funding_round = rounds.get(staged.extra["round"])
            if funding_round is None:
                self.problem(
                    staged.line,
                    None,
                    "names no known round (startup_slug, announced_on, round_label)",
                )
                continue
            staged.fields["round_id"] = funding_round.pk
            staged.key = (funding_round.pk, staged.fields["investor_id"])
            staged.money_date = funding_round.announced_on
            staged.extra["startup_id"] = funding_round.startup_id
            attached.append(staged)
        return attached

    def attach_claim_records(self, batch: list[Staged]) -> list[Staged]:
        """A claim names its record by the record's key and its source by URL (a bare source
        is made for a new URL, as on every file); accepting one withdraws its rivals'."""
        batch = attach_records(batch, self.problem)
        urls = {s.extra["source_url"] for s in batch}
        set_claim_keys(batch, {source.url: source.pk for source in sources_for_urls(urls)})
        batch = [staged for staged in batch if self.accepted_once(staged)]
        withdraw_rival_acceptances(batch)
        return batch

    def accepted_once(self, staged: Staged) -> bool:
        if not staged.fields["accepted"]:
            return True
        figure = staged.key[:-1]  # the record and field, without the source
        first = self.accepted.setdefault(figure, staged.line)
        if first != staged.line:
            self.problem(
                staged.line, "accepted", f"line {first} accepts another claim of this figure"
            )
        return first == staged.line

    def attach_rate_sources(self, batch: list[Staged]) -> None:
        urls = {s.extra["source_url"] for s in batch if s.extra["source_url"]}
        ids = {source.url: source.pk for source in sources_for_urls(urls)}
        for staged in batch:
            staged.fields["source_id"] = ids.get(staged.extra["source_url"])

    def write_round_investors(self, written: list[Written]) -> None:
        """rounds.csv's lead_investors and participants create participations too."""
        counts = self.report.counts(f"{self.name} → participations")
        created = [w for w in written if w.outcome == "created"]
        left = self.create_uniform(created, counts)
        if left:
            self.write(PARTICIPANT_TARGET, left, counts, all_new=True)
        known = round_participations([w for w in written if w.outcome != "created"])[False]
        if known:
            self.write(PARTICIPANT_TARGET, known, counts)

    def create_uniform(self, rounds: list[Written], counts: FileCounts) -> list[Staged]:
        """The participations of new rounds, written without an instance each (they differ
        only in their round, investor and lead flag); what `create_uniform` could not vouch
        for is returned, staged for `write`."""
        links = [(w, i, lead) for w in rounds for i, lead in w.staged.extra["investors"].items()]
        rows = [(LEAD_SIGNATURES[lead], (w.instance.pk, investor)) for w, investor, lead in links]
        writing = self.writing()
        first_line = links[0][0].staged.line if links else None
        left = create_uniform(
            PARTICIPANT_TARGET,
            ("round_id", "investor_id"),
            rows,
            rates=writing["rates"],
            user=writing["user"],
            reason=writing["reason"],
            refused=lambda error: self.problem(first_line, None, f"the database refused: {error}"),
        )
        # Whom they touch, their rounds' records told already (add_touched).
        counts.created += len(rows) - len(left)
        return [participation(*links[position]) for position in left]

    def finish(self) -> None:
        if self.spec.name == "investors":
            self.link_parents()
        if self.spec.name == "fx_rates" and self.changed_currencies:
            self.context.reload_rates()
            usd_recompute(currencies=self.changed_currencies)

    def link_parents(self) -> None:
        """Parents may come later in the file than their affiliates: link them at the end."""
        known = self.context.investors
        before = dict(Investor.objects.values_list("pk", "parent_id"))
        wanted: dict[int, tuple[int, int | None]] = {}
        for line, slug, parent_reference in self.parents:
            parent = None
            if parent_reference:
                try:
                    parent = known.resolve(parent_reference)
                except UnresolvedReference as error:
                    self.problem(line, "parent_slug", str(error))
                    continue
            wanted[known.resolve(slug)] = (line, parent)
        after = {**before, **{pk: parent for pk, (_, parent) in wanted.items()}}
        for pk, (line, _) in wanted.items():
            if _in_cycle(pk, after):
                self.problem(line, "parent_slug", "makes a cycle of parents")
        changed = [pk for pk in wanted if before.get(pk) != after[pk]]
        if changed and not self.report.problems:
            investors = list(Investor.objects.filter(pk__in=changed))
            for investor in investors:
                investor.parent_id = after[investor.pk]
                if investor.pk in self.unchanged:
                    self.counts.unchanged -= 1
                    self.counts.updated += 1
            self.context.touched.full = True  # the affiliate tree moved
            bulk_update_with_history(
                investors,
                Investor,
                ["parent_id"],
                batch_size=BATCH_SIZE,
                default_user=self.context.user,
                default_change_reason=f"import {self.name}",
            )
        investor_ancestry_rebuild()


def round_participations(written: list[Written]) -> dict[bool, list[Staged]]:
    """The participations that written rounds name (extra["investors"]: id -> is_lead),
    keyed by whether their round was just created: then none of them exists yet, and there
    is nothing to look up (write_batch's `all_new`)."""
    groups: dict[bool, list[Staged]] = {True: [], False: []}
    for w in written:
        for investor_id, is_lead in w.staged.extra["investors"].items():
            groups[w.outcome == "created"].append(participation(w, investor_id, is_lead))
    return groups


def participation(w: Written, investor_id: int, is_lead: bool) -> Staged:
    """The participation of an investor that a written round names."""
    return Staged(
        w.staged.line,
        (w.instance.pk, investor_id),
        {"round_id": w.instance.pk, "investor_id": investor_id, "is_lead": is_lead},
        money_date=w.instance.announced_on,
        extra={"startup_id": w.instance.startup_id},
    )


# A participation that rounds.csv names sets no field but its ids and the lead flag.
LEAD_SIGNATURES = {lead: signature({"is_lead": lead}) for lead in (True, False)}


def _in_cycle(start: int, parents: dict[int, int | None]) -> bool:
    seen, current = set(), parents.get(start)
    while current is not None:
        if current == start or current in seen:
            return current == start
        seen.add(current)
        current = parents.get(current)
    return False
