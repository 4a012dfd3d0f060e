"""A synthetic dataset at the scale of ITJuzi or Crunchbase, for benchmarks.

Invented companies and investors ("Synthetic Startup 17", sources under example.invalid), never
mixed with the real sample data's figures. Deterministic for a seed. Written straight into the
tables in batches (COPY on PostgreSQL, executemany on SQLite) with ids assigned here, so that
a million rounds take minutes; history is not recorded for this generated data.
"""

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from startups.changes import changes_record
from startups.models import Source, Startup
from startups.sectors import OUTSIDE_CORE, Sector
from startups.touch import Touched

from .fx import RateBook
from .importing.copying import copy_rows
from .models import FundingRound, Investor, Participation, ValuationMark
from .services import investor_ancestry_rebuild

# Rows buffered per COPY or executemany.
WRITE_BATCH = 20_000
LABELS = [
    "Angel",
    "Seed",
    "Pre-A",
    "Series A",
    "Series A+",
    "Series B",
    "Series B+",
    "Series C",
    "Series D",
    "Series E",
    "Strategic",
    "Pre-IPO",
]
CITIES = [
    "Beijing",
    "Shanghai",
    "Shenzhen",
    "Hangzhou",
    "Guangzhou",
    "Chengdu",
    "Suzhou",
    "Nanjing",
    "Wuhan",
    "Hefei",
    "Xi'an",
    "Hong Kong",
]
KINDS = ["vc", "vc", "vc", "pe", "corporate", "corporate_vc", "state", "asset_manager"]
SOURCE_ROOT = "https://example.invalid/synthetic"
FIRST_YEAR, LAST_YEAR = 2015, 2026


@dataclass
class Counts:
    investors: int = 0
    startups: int = 0
    rounds: int = 0
    participations: int = 0
    valuation_marks: int = 0
    sources: int = 0


class TableWriter:
    """Buffered inserts of plain tuples into one table."""

    def __init__(self, model, columns: list[str], defaults: dict | None = None):
        self.table = model._meta.db_table if hasattr(model, "_meta") else model
        self.columns = columns
        self.defaults = defaults or {}
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, **values) -> None:
        values = {**self.defaults, **values}
        self.rows.append(tuple(values.get(column) for column in self.columns))
        if len(self.rows) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            copy_rows(self.table, self.columns, self.rows)
        else:
            names, marks = ", ".join(self.columns), ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {self.table} ({names}) VALUES ({marks})", self.rows
                )
        self.written += len(self.rows)
        self.rows = []


# The AI sectors of synthetic AI startups, in turn by id (drawing them would change every
# later draw, and so every figure measured on the synthetic data before): a fifth of them
# outside the core definition (embodied AI), a fifth unclassified.
SYNTHETIC_SECTORS = [*Sector.values[:3], *OUTSIDE_CORE[:1], ""]


def _sector(pk: int, is_ai: bool) -> dict:
    sector = SYNTHETIC_SECTORS[pk % len(SYNTHETIC_SECTORS)] if is_ai else Sector.NOT_AI
    return {"is_ai": is_ai, "sector": sector}


def columns_of(model) -> list[str]:
    """The columns a writer names: those with a database default are left to it."""
    return [
        field.column
        for field in model._meta.concrete_fields
        if field.db_default is models.NOT_PROVIDED
    ]


def stamped(now) -> dict:
    """Columns every synthetic record shares; text columns left empty are ''."""
    return {
        "created_at": now,
        "updated_at": now,
        "confidence": "estimate",
        "notes": "synthetic",
        "aliases": "",
        "name_zh": "",
        "founders": "",
        "focus": "",
        "products_summary": "",
        "ipo_exchange": "",
        "website": "",
        "description": "",
        "hq_country": "",
        "hq_city": "",
        "city": "",
        "original_publisher": "",
        "disputed_fields": "",
    }


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def generate(rounds: int, seed: int = 1, progress: bool = False) -> Counts:
    """Write about `rounds` rounds, rounds/5 startups and rounds/100 investors."""
    rng = random.Random(seed)
    book = RateBook.load()
    now = timezone.now()
    counts = Counts()
    with transaction.atomic():
        investor_ids, weights = _investors(rng, max(rounds // 100, 10), now, counts)
        sources = _sources(max(rounds // 10, 10), now, counts)
        _startups_and_rounds(
            rng, rounds, investor_ids, weights, sources, book, now, counts, progress
        )
        reset_sequences(Investor, Startup, FundingRound, Participation, ValuationMark, Source)
        investor_ancestry_rebuild()
        changes_record(Touched(full=True))
    return counts


def _investors(rng, count: int, now, counts: Counts) -> tuple[list[int], list[float]]:
    first = next_id(Investor)
    writer = TableWriter(Investor, columns_of(Investor), stamped(now))
    ids = list(range(first, first + count))
    for number, pk in enumerate(ids):
        # One in five is an affiliate of an earlier investor: trees up to a few levels deep.
        parent = rng.choice(ids[:number]) if number > 10 and rng.random() < 0.2 else None
        writer.add(
            id=pk,
            slug=f"syn-inv-{pk}",
            name_en=f"Synthetic Investor {pk}",
            name_zh=f"合成投资方{pk}",
            kind=rng.choice(KINDS),
            parent_id=parent,
            hq_country="CN",
            hq_city=rng.choice(CITIES),
        )
    writer.flush()
    counts.investors = len(ids)
    # A few investors do most deals, as in real markets (Zipf-like weights).
    weights = list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(count)))
    return ids, weights


def _sources(count: int, now, counts: Counts) -> list[int]:
    first = next_id(Source)
    writer = TableWriter(Source, columns_of(Source), stamped(now))
    ids = list(range(first, first + count))
    for pk in ids:
        writer.add(
            id=pk,
            url=f"{SOURCE_ROOT}/{pk}",
            publisher="Synthetic",
            title=f"Synthetic report {pk}",
            kind="",
            notes="generated for benchmarks",
        )
    writer.flush()
    counts.sources = count
    return ids


def _usd(book: RateBook, value: Decimal | None, currency: str, on: dt.date):
    return book.to_usd(value, currency, on)


def _startups_and_rounds(
    rng, rounds, investor_ids, weights, sources, book, now, counts, progress
) -> None:
    startup_writer = TableWriter(Startup, columns_of(Startup), stamped(now))
    round_writer = TableWriter(FundingRound, columns_of(FundingRound), stamped(now))
    part_writer = TableWriter(Participation, columns_of(Participation), stamped(now))
    link_writer = TableWriter(FundingRound.sources.through, ["fundinground_id", "source_id"])
    mark_writer = TableWriter(ValuationMark, columns_of(ValuationMark), stamped(now))
    startup_id, round_id = next_id(Startup), next_id(FundingRound)
    part_id, mark_id = next_id(Participation), next_id(ValuationMark)
    bar = tqdm(total=rounds, unit=" rounds", disable=not progress)
    left = rounds
    for number in range(rounds):
        if left <= 0:
            break
        n_rounds = min(rng.randint(1, 9), left)  # five on average: startups about rounds/5
        left -= n_rounds
        pk = startup_id + number
        founded = dt.date(rng.randint(FIRST_YEAR - 2, LAST_YEAR - 1), rng.randint(1, 12), 1)
        # AI share rising over time: later companies are more often AI startups.
        p_ai = 0.15 + 0.6 * max(0, founded.year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)
        startup_writer.add(
            id=pk,
            slug=f"syn-{pk}",
            name_en=f"Synthetic Startup {pk}",
            name_zh=f"合成公司{pk}",
            country="CN",
            city=rng.choice(CITIES),
            founded_on=founded,
            founded_precision="month",
            **_sector(pk, rng.random() < p_ai),
            status="private",
        )
        valuation = Decimal(int(rng.lognormvariate(16.5, 1.0)))
        day = founded
        for step in range(n_rounds):
            day = min(day + dt.timedelta(days=rng.randint(90, 540)), dt.date(LAST_YEAR, 10, 31))
            down = rng.random() < 0.08
            valuation = (
                valuation * Decimal(rng.uniform(0.5, 0.9) if down else rng.lognormvariate(0.6, 0.3))
            ).quantize(1)
            currency = "CNY" if rng.random() < 0.5 else "USD"
            scale = Decimal(7) if currency == "CNY" else Decimal(1)
            disclosed = rng.random() > 0.15
            amount = (
                (valuation * Decimal(rng.uniform(0.08, 0.25)) * scale).quantize(1)
                if disclosed
                else None
            )
            qualifier = rng.choices(["exact", "approx", "at_least"], [8, 1, 1])[0]
            post = (valuation * scale) if rng.random() < 0.6 else None
            amount_usd, amount_rate = _usd(book, amount, currency, day)
            post_usd, post_rate = _usd(book, post, currency, day)
            round_writer.add(
                id=round_id,
                confidence=rng.choice(["confirmed", "reported", "estimate"]),
                startup_id=pk,
                announced_on=day,
                date_precision="day" if rng.random() < 0.7 else "month",
                round_label=f"{LABELS[min(step, len(LABELS) - 1)]} {step + 1}",
                amount=amount,
                amount_currency=currency if amount else "",
                amount_qualifier=qualifier,
                amount_usd=amount_usd,
                amount_fx_rate=amount_rate,
                post_money_valuation=post,
                valuation_currency=currency if post else "",
                valuation_qualifier="exact",
                post_money_valuation_usd=post_usd,
                valuation_fx_rate=post_rate,
                compute_credit_currency="",
                compute_credit_qualifier="exact",
            )
            link_writer.add(fundinground_id=round_id, source_id=rng.choice(sources))
            for position, investor in enumerate(
                _sample(rng, investor_ids, weights, rng.randint(1, 4))
            ):
                part_writer.add(
                    id=part_id,
                    round_id=round_id,
                    investor_id=investor,
                    is_lead=position == 0,
                    amount_currency="",
                    amount_qualifier="exact",
                    stake_qualifier="exact",
                    compute_credit_currency="",
                    compute_credit_qualifier="exact",
                )
                part_id += 1
            round_id += 1
            bar.update(1)
        if rng.random() < 0.01:
            mark_writer.add(
                id=mark_id,
                startup_id=pk,
                valued_on=day,
                date_precision="month",
                value=valuation,
                currency="USD",
                value_qualifier="approx",
                value_usd=valuation,
                fx_rate=Decimal(1),
                kind="press_report",
            )
            mark_id += 1
    bar.close()
    for writer in (startup_writer, round_writer, part_writer, link_writer, mark_writer):
        writer.flush()
    counts.startups, counts.rounds = startup_writer.written, round_writer.written
    counts.participations, counts.valuation_marks = part_writer.written, mark_writer.written


def _sample(rng, population: list[int], weights: list[float], k: int) -> list[int]:
    chosen: list[int] = []
    while len(chosen) < k:
        pick = rng.choices(population, cum_weights=weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen
