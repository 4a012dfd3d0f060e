"""How fast the import resolves references (startups.resolver.ReferenceIndex): 1,000
references of every kind (slug, identifier, English and Chinese legal name, alias, unknown)
looked up among 10,000 startups. Prints figures; asserts nothing about speed.

    .venv/bin/python -m benchmarks.resolver_lookups             # the index in memory
    .venv/bin/python -m benchmarks.resolver_lookups --database  # and its one query

`--database` writes the startups into the DATABASE_URL database and rolls them back.
"""

import argparse
import contextlib
import os
import random
import time

import django

STARTUPS = 10_000
REFERENCES = 1_000
SEED = 19
USCC_FIRST8 = "91110108"


def synthetic_rows(count: int) -> list[tuple]:
    """(pk, slug, name_en, name_zh, aliases, uscc, lei, wikidata, crunchbase, stock)."""
    from startups.identifiers import _organisation_check_character, _uscc_check_character

    rows = []
    for n in range(count):
        organisation = f"{n:08d}"
        organisation += _organisation_check_character(organisation)
        uscc = USCC_FIRST8 + organisation
        uscc += _uscc_check_character(uscc)
        rows.append(
            (
                n + 1,
                f"startup-{n}",
                f"Synth{n} Intelligence",
                f"合成{n}智能",
                f"Synth{n}; S{n} Labs",
                uscc,
                "",
                f"Q{n + 1000}",
                f"synth-{n}",
                "",
            )
        )
    return rows


def references(rows: list[tuple], count: int) -> list[str]:
    """A mix of what files write: slugs, identifiers, legal names in both languages, aliases,
    and names of nothing."""
    rng = random.Random(SEED)
    forms = [
        lambda r: r[1],
        lambda r: f"uscc:{r[5]}",
        lambda r: r[7],
        lambda r: f"Beijing {r[2]} Technology Co., Ltd.",
        lambda r: f"北京{r[3]}科技有限公司",
        lambda r: r[4].split("; ")[1].upper(),
        lambda r: f"Unknown {r[0]} Ltd.",
    ]
    return [rng.choice(forms)(rng.choice(rows)) for _ in range(count)]


def timed(work):
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def in_memory(rows: list[tuple]) -> None:
    from startups.resolver import ReferenceIndex, UnresolvedReference

    index, built = timed(lambda: ReferenceIndex(rows, "startup"))
    wanted = references(rows, REFERENCES)
    _, keyed = timed(lambda: index.find("Unknown"))  # the first name look-up keys every name

    def look_up_all() -> int:
        found = 0
        for reference in wanted:
            with contextlib.suppress(UnresolvedReference):
                found += index.find(reference) is not None
        return found

    found, looked = timed(look_up_all)
    print(f"startups indexed:              {len(index):>8,}")
    print(f"index from rows (slugs, ids):  {built * 1000:>8.1f} ms")
    print(f"name keys (first name lookup): {keyed * 1000:>8.1f} ms")
    print(f"{REFERENCES:,} look-ups:               {looked * 1000:>8.1f} ms ({found} found)")
    print(f"per look-up:                   {looked / REFERENCES * 1e6:>8.1f} µs")


def from_database(rows: list[tuple]) -> None:
    from django.db import transaction

    from startups.models import Startup
    from startups.resolver import ReferenceIndex

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            Startup.objects.bulk_create(
                Startup(
                    slug=r[1],
                    name_en=r[2],
                    name_zh=r[3],
                    aliases=r[4],
                    uscc=r[5],
                    wikidata=r[7],
                    crunchbase=r[8],
                    sector="",
                )
                for r in rows
            )
            index, loaded = timed(lambda: ReferenceIndex(Startup.objects.all(), "startup"))
            print(f"index's one query ({len(index):,} rows): {loaded * 1000:>8.1f} ms")
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", action="store_true", help="measure the index's query too")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    rows = synthetic_rows(STARTUPS)
    in_memory(rows)
    if options.database:
        from_database(rows)


if __name__ == "__main__":
    main()
