"""The Crunchbase mapping of import_data: a funding-rounds CSV export becomes startups,
investors, rounds and participations through the same engine, model validation and single
transaction as the native format. The column → field table is in docs/import.md."""

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from tqdm import tqdm

from deals.models import FundingRound, Investor
from deals.services import investor_ancestry_rebuild
from startups.models import Startup
from startups.resolver import AmbiguousReference
from startups.rules import missing_source
from startups.sectors import sector_fields
from startups.vocab import Confidence, DatePrecision, Qualifier

from . import cells
from .context import CellReader, Context
from .crunchbase_directory import Directory, Named, name_key, permalink_of, tally
from .csvfile import Row, read_rows
from .engine import BATCH_SIZE, RowProblems, Staged, Target, Written, write_batch
from .pipeline import PARTICIPANT_TARGET, all_or_nothing, round_participations
from .report import ImportReport
from .specs import SPEC_BY_NAME

ORG = "Organization Name"
ORG_URL = "Organization Name URL"
FUNDING_TYPE = "Funding Type"
MONEY = "Money Raised"
MONEY_CURRENCY = "Money Raised Currency"
MONEY_USD = "Money Raised Currency (in USD)"
ANNOUNCED = "Announced Date"
LEADS = "Lead Investors"
INVESTORS = "Investor Names"
INDUSTRIES = "Organization Industries"
LOCATION = "Organization Location"
PRE_MONEY = "Pre-Money Valuation"
PRE_MONEY_CURRENCY = "Pre-Money Valuation Currency"
TRANSACTION_URL = "Transaction Name URL"
REQUIRED = [ORG, FUNDING_TYPE, ANNOUNCED]

# Industries that make a startup an AI startup; compared whole and case-insensitively, so
# "AI" matches the industry "AI" and not "Retail".
AI_INDUSTRIES = frozenset(
    "artificial intelligence|generative ai|machine learning|natural language processing|"
    "computer vision|deep learning|intelligent systems|ai".split("|")
)
# The last part of "Beijing, Beijing, China" → the ISO 3166 code of Startup.country.
COUNTRY_CODES = {"china": "CN", "hong kong": "HK", "singapore": "SG", "united states": "US"}
# "Sequoia Capital China, Inc." is one investor in a comma-separated list, not two.
COMPANY_SUFFIXES = frozenset({"inc", "inc.", "ltd", "ltd.", "llc", "lp", "l.p.", "co.", "corp."})
ACRONYMS = {"ipo": "IPO", "ico": "ICO"}
# Crunchbase's own USD figure may differ from ours by this share before the report lists it.
USD_TOLERANCE = Decimal("0.05")
SEPARATORS = re.compile(r"[,\s]")

# The native targets, with errors named by the Crunchbase columns that the fields come from.
STARTUP_TARGET = dataclasses.replace(
    SPEC_BY_NAME["startups"].target,
    column_of={"slug": ORG, "name_en": ORG, "name_zh": ORG, "city": LOCATION, "country": LOCATION},
)
INVESTOR_TARGET = dataclasses.replace(
    SPEC_BY_NAME["investors"].target,
    column_of={"slug": INVESTORS, "name_en": INVESTORS, "name_zh": INVESTORS},
)
ROUND_TARGET = dataclasses.replace(
    SPEC_BY_NAME["rounds"].target,
    column_of={
        "startup": ORG,
        "announced_on": ANNOUNCED,
        "round_label": FUNDING_TYPE,
        "amount": MONEY,
        "amount_currency": MONEY_CURRENCY,
        "post_money_valuation": PRE_MONEY,
        "valuation_currency": PRE_MONEY_CURRENCY,
    },
)
PARTICIPATION_TARGET = dataclasses.replace(PARTICIPANT_TARGET, column_of={"investor": INVESTORS})


def money(value: str) -> Decimal | None:
    """Whole units as Crunchbase writes them: 1000000 or 1,000,000."""
    text = cells.text(value)
    if not text:
        return None
    try:
        number = Decimal(SEPARATORS.sub("", text))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise cells.CellError(f"must be a number such as 1000000 or 1,000,000 (got {text!r})")
    cells.written_in_full(text)
    return number


def announced(value: str):
    day, precision = cells.partial_date(value)
    if precision != DatePrecision.DAY:
        raise cells.CellError(f"must be a date as YYYY-MM-DD (got {cells.text(value)!r})")
    return day


def round_label(value: str) -> str:
    """'series_b', 'SERIES B' and 'Series B' are all 'Series B'; 'post_ipo_equity' is
    'Post IPO Equity'. Parts of one or two characters are upper-cased ('a+' → 'A+')."""

    def title(part: str) -> str:
        if part.lower() in ACRONYMS:
            return ACRONYMS[part.lower()]
        return part.upper() if len(part) <= 2 else part[:1].upper() + part[1:].lower()

    words = cells.text(value).replace("_", " ").split()
    return " ".join("-".join(title(part) for part in word.split("-")) for word in words)


def investor_names(value: str) -> list[str]:
    names: list[str] = []
    for part in (p.strip() for p in (value or "").split(",")):
        if part and names and part.casefold() in COMPANY_SUFFIXES:
            names[-1] += f", {part}"
        elif part:
            names.append(part)
    return names


@dataclass
class Parsed:
    line: int
    startup: Named
    investors: list[tuple[Named, bool]]  # (investor, is_lead)
    round_fields: dict[str, Any]
    sources: list[str]


class CrunchbaseRun:
    """One import of one or more exports; names and rates are read once for all files."""

    def __init__(self, report: ImportReport, context: Context, progress: bool):
        self.report, self.context, self.progress = report, context, progress
        self.startups = Directory(Startup, STARTUP_TARGET, self, "startup")
        self.investors = Directory(Investor, INVESTOR_TARGET, self, "investor")

    def write(
        self, target: Target, staged: list[Staged], file: str, all_new: bool = False
    ) -> list[Written]:
        return write_batch(
            target,
            staged,
            rates=self.context.rates,
            problem=partial(self.report.problem, file),
            user=self.context.user,
            reason=f"import {file} (Crunchbase)",
            touched=self.context.touched,
            all_new=all_new,
        )

    def finish(self) -> None:
        if self.investors.created:
            investor_ancestry_rebuild()


class CrunchbaseFile:
    """One export: rows parsed one by one, then written batch by batch."""

    def __init__(self, name: str, run: CrunchbaseRun):
        self.name, self.importer, self.report = name, run, run.report
        # The file's own line counts its rounds, as rounds.csv does in the native format.
        self.counts = {"rounds": self.report.counts(name)}
        for what in ("startups", "investors", "participations"):
            self.counts[what] = self.report.counts(f"{name} → {what}")
        self.counted: dict[str, set[int]] = {"startups": set(), "investors": set()}
        self.seen: dict[tuple, int] = {}

    def warn(self, line: int, message: str) -> None:
        self.report.warnings.append(f"{self.name} line {line}: {message}")

    def run(self, handle: BinaryIO) -> None:
        rows = read_rows(self.name, handle, REQUIRED, self.report)
        batch: list[Parsed] = []
        for row in tqdm(rows, desc=self.name, unit=" rows", disable=not self.importer.progress):
            try:
                batch.append(self.parse(row))
            except RowProblems as bad:
                for column, message in bad.problems:
                    self.report.problem(self.name, row.line, column, message)
            if len(batch) >= BATCH_SIZE:
                self.flush(batch)
                batch = []
        self.flush(batch)

    def parse(self, row: Row) -> Parsed:
        read = CellReader(row, self.importer.context)
        for column in (ORG, FUNDING_TYPE):
            if not row[column]:
                read.fail(column, "is required")
        announced_on = read(ANNOUNCED, announced)
        amount, currency = read(MONEY, money), read(MONEY_CURRENCY, cells.currency)
        pre_money, pre_currency = read(PRE_MONEY, money), read(PRE_MONEY_CURRENCY, cells.currency)
        if pre_money is not None and pre_money < 0:
            read.fail(PRE_MONEY, f"must not be negative (got {pre_money:f})")
        organization_urls = read(ORG_URL, cells.urls) or []
        sources = read(TRANSACTION_URL, cells.urls) or organization_urls
        if not row[TRANSACTION_URL] and (message := missing_source(FundingRound, sources)):
            read.fail(TRANSACTION_URL, f"{message} (this column, or else {ORG_URL})")
        read.check()
        post_money = None
        if pre_money is not None:
            if amount is not None and currency and pre_currency == currency:
                post_money = pre_money + amount
            else:
                raised = f"{currency} {amount:,.0f}" if amount is not None else "undisclosed"
                self.warn(
                    row.line,
                    f"post-money valuation left blank: the pre-money valuation "
                    f"({pre_currency or 'no currency'} {pre_money:,.0f}) and the money raised "
                    f"({raised}) do not add up in one currency",
                )
        self.check_usd(row, amount, currency, announced_on)
        startup = Named(
            row[ORG],
            row.line,
            {},
            organization_urls or sources,
            column=ORG,
            permalink=permalink_of(organization_urls),
        )
        if not self.is_tracked(startup):
            startup.fields = self.startup_fields(row)
        leads = investor_names(row[LEADS])
        investors = {name_key(name): (name, True) for name in leads}
        for name in investor_names(row[INVESTORS]):
            investors.setdefault(name_key(name), (name, False))
        return Parsed(
            row.line,
            startup,
            [
                (Named(name, row.line, {}, sources, column=LEADS if lead else INVESTORS), lead)
                for name, lead in investors.values()
            ],
            {
                "announced_on": announced_on,
                "date_precision": DatePrecision.DAY,
                "round_label": round_label(row[FUNDING_TYPE]),
                "amount": amount,
                "amount_currency": currency,
                "amount_qualifier": Qualifier.EXACT,
                "post_money_valuation": post_money,
                "valuation_currency": currency if post_money is not None else "",
                "valuation_qualifier": Qualifier.EXACT,
                "confidence": Confidence.REPORTED,
            },
            sources,
        )

    def is_tracked(self, startup: Named) -> bool:
        """Whether the startup is known (an ambiguous name counts: it is reported, not made)."""
        try:
            return self.importer.startups.find(startup) is not None
        except AmbiguousReference:
            return True

    def startup_fields(self, row: Row) -> dict[str, Any]:
        """What a new startup gets from the row; an existing one is left as it is."""
        industries = {name_key(i) for i in row[INDUSTRIES].split(",")}
        fields = {
            **sector_fields(sector=None, is_ai=bool(industries & AI_INDUSTRIES)),
            "confidence": Confidence.REPORTED,
        }
        parts = [part.strip() for part in row[LOCATION].split(",") if part.strip()]
        if len(parts) > 1:
            fields["city"] = parts[0]
        if parts and name_key(parts[-1]) in COUNTRY_CODES:
            fields["country"] = COUNTRY_CODES[name_key(parts[-1])]
        elif parts:
            # Startup.country is an ISO code and never blank: keep its default, and say so.
            default = Startup._meta.get_field("country").default
            self.warn(
                row.line,
                f"the country {parts[-1]!r} of {row[LOCATION]!r} has no ISO code in the mapping "
                f"(China, Hong Kong, Singapore, United States): the default {default} is kept",
            )
        return fields

    def check_usd(self, row: Row, amount: Decimal | None, currency: str, on) -> None:
        """Our USD figure is kept; the report lists where Crunchbase's is more than 5% off."""
        if amount is None or not currency:
            return
        try:
            theirs = money(row[MONEY_USD])
        except cells.CellError as error:
            self.warn(row.line, f"{MONEY_USD} {error}; not compared")
            theirs = None
        ours, rate = self.importer.context.rates.to_usd(amount, currency, on)
        if ours is None:
            said = "" if theirs is None else f"; Crunchbase says USD {theirs:,.0f}, not compared"
            self.warn(
                row.line,
                f"no {currency} rate on or before {on} in our FX table, so the USD figure of "
                f"{currency} {amount:,.0f} is unknown{said}",
            )
        elif theirs is not None and abs(theirs - ours) > ours * USD_TOLERANCE:
            gap = f" ({(theirs - ours) / ours:+.1%})" if ours else ""
            self.warn(
                row.line,
                f"Crunchbase's USD figure {theirs:,.0f} differs from ours {ours:,.0f}{gap}, "
                f"which converts {currency} {amount:,.0f} at {rate.normalize():f} per USD; "
                "ours is kept",
            )

    def flush(self, batch: list[Parsed]) -> None:
        if not batch:
            return
        run, counts, counted = self.importer, self.counts, self.counted
        startups = (p.startup for p in batch)
        run.startups.resolve(
            startups, self.name, counts["startups"], counted["startups"], self.report
        )
        investors = (named for p in batch for named, _ in p.investors)
        run.investors.resolve(
            investors, self.name, counts["investors"], counted["investors"], self.report
        )
        staged = []
        for parsed in batch:
            startup = run.startups.ids.get(parsed.startup.key)
            if startup is None:
                continue  # its startup was refused, and reported
            fields = {"startup_id": startup, **parsed.round_fields}
            key = (startup, fields["announced_on"], fields["round_label"])
            if key in self.seen:
                first = f"({ORG}, {ANNOUNCED}, {FUNDING_TYPE}) of line {self.seen[key]}"
                self.report.problem(self.name, parsed.line, None, f"repeats the round {first}")
                continue
            self.seen[key] = parsed.line
            investors: dict[int, bool] = {}
            for named, lead in parsed.investors:
                # Two names of one investor in a row: a lead under either stays a lead.
                if (investor := run.investors.ids.get(named.key)) is not None:
                    investors[investor] = investors.get(investor, False) or lead
            sources, on = {"sources": parsed.sources}, fields["announced_on"]
            staged.append(Staged(parsed.line, key, fields, sources, on, {"investors": investors}))
        run.context.resolve_m2m(staged)
        written = tally(counts["rounds"], run.write(ROUND_TARGET, staged, self.name))
        for all_new, participations in round_participations(written).items():
            if participations:
                saved = run.write(PARTICIPATION_TARGET, participations, self.name, all_new)
                tally(counts["participations"], saved)


def import_crunchbase(
    paths: Iterable[str | Path], *, dry_run: bool = False, progress: bool = False, user: Any = None
) -> ImportReport:
    """Import Crunchbase funding-rounds exports (files, or folders of .csv files) in one
    transaction; any problem in any of them leaves the database as it was."""
    report = ImportReport()
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(path.glob("*.csv")))
        elif path.is_file():
            found.append(path)
        else:
            report.problem(str(path), None, None, "does not exist")

    def load() -> None:
        run = CrunchbaseRun(report, Context(user=user), progress)
        for path in found:
            with path.open("rb") as handle:
                CrunchbaseFile(path.name, run).run(handle)
        run.finish()
        run.context.announce_changes()

    return all_or_nothing(report, load, dry_run=dry_run)
