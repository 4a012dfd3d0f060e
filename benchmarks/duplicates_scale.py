"""How long the possible-duplicates report takes at 2,000 and 10,000 startups.

    DATABASE_URL=postgres://... python -m benchmarks.duplicates_scale [--sizes 2000 10000]

For each size, in a transaction rolled back at the end (the database is left as it was):
synthetic rounds (deals.synthetic, five per startup, so same-day rounds of busy investors are
as common as in a large dataset), then every startup and investor renamed with invented but
plausible names in English and Chinese (brand syllables, legal suffixes, cities; founders),
and one startup in a hundred entered twice under a variant of its name (its legal name, its
Chinese legal name, a typo). Prints the seconds `possible_duplicates()` takes per kind, the
pairs found, and how many of the planted duplicates rank among them.

On SQLite (DATABASE_URL unset) it runs the Python fallback instead of pg_trgm.
"""

import argparse
import os
import random
import time

# Invented pinyin-like syllables (initial + final): several hundred, as brand names use.
INITIALS = "b p m f d t n l g k h j q x zh ch sh r z c s y w".split()
FINALS = (
    "a o e ai ei ao ou an en ang eng ong i ia ie iao iu ian in iang ing u ua uo uai ui uan un"
).split()
SYLLABLES = [initial + final for initial in INITIALS for final in FINALS]
WORDS = ["AI", "Technology", "Robotics", "Intelligence", "Labs", "Tech", "Semiconductor", ""]
# Chinese names from the 3,000 first CJK ideographs: invented, as varied as real ones.
HANZI = [chr(0x4E00 + offset) for offset in range(3_000)]
SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo".split()
)
CITIES = [("Beijing", "北京"), ("Shanghai", "上海"), ("Shenzhen", "深圳"), ("Hangzhou", "杭州")]
DUPLICATE_SHARE = 100  # one startup in this many is entered twice


def brand(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def chinese(rng: random.Random) -> str:
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(2, 4)))


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2))).capitalize()
    return f"{rng.choice(SURNAMES)} {given}"


def variant(rng: random.Random, name_en: str, name_zh: str) -> tuple[str, str]:
    """How the same company is entered a second time."""
    city_en, city_zh = rng.choice(CITIES)
    return rng.choice(
        [
            (f"{city_en} {name_en} Technology Co., Ltd.", ""),
            ("", f"{city_zh}{name_zh}科技有限公司"),
            (name_en[:-1] + name_en[-1] * 2, ""),  # a typo: the last letter twice
            (name_en.upper(), name_zh),
        ]
    )


def rename(rng: random.Random, startups: int) -> set[tuple[int, int]]:
    """Plausible names for every startup and investor; returns the planted duplicate pairs."""
    from deals.models import Investor
    from startups.models import Startup

    records = list(Startup.objects.order_by("pk").only("pk"))
    planted: set[tuple[int, int]] = set()
    for index, record in enumerate(records):
        record.name_en = f"{brand(rng)} {rng.choice(WORDS)}".strip()
        record.name_zh = chinese(rng) + rng.choice(["", "科技", "智能"])
        record.founders = "; ".join(person(rng) for _ in range(rng.randint(1, 3)))
        if index % DUPLICATE_SHARE == 1:
            original = records[index - 1]
            record.name_en, record.name_zh = variant(rng, original.name_en, original.name_zh)
            record.name_en = record.name_en or f"Entry {index}"
            planted.add((original.pk, record.pk))
    Startup.objects.bulk_update(records, ["name_en", "name_zh", "founders"], batch_size=2_000)
    investors = list(Investor.objects.order_by("pk").only("pk"))
    for record in investors:
        record.name_en = f"{brand(rng)} {rng.choice(['Capital', 'Ventures', 'Partners', 'Fund'])}"
        record.name_zh = chinese(rng) + rng.choice(["资本", "创投", "基金"])
    Investor.objects.bulk_update(investors, ["name_en", "name_zh"], batch_size=2_000)
    return planted


def measure(startups: int, seed: int = 1) -> dict:
    from django.db import transaction

    from deals.duplicates import possible_duplicates
    from deals.models import Investor
    from deals.synthetic import generate
    from startups.models import Startup

    result: dict = {"startups": startups}
    with transaction.atomic():
        started = time.perf_counter()
        generate(rounds=startups * 5, seed=seed)
        planted = rename(random.Random(seed), startups)
        result["setup_s"] = round(time.perf_counter() - started, 1)
        result["startups"] = Startup.objects.count()
        result["investors"] = Investor.objects.count()
        for kind in ("startup", "investor"):
            started = time.perf_counter()
            pairs = possible_duplicates(kind)
            result[f"{kind}_s"] = round(time.perf_counter() - started, 2)
            result[f"{kind}_pairs"] = len(pairs)
            if kind == "startup":
                found = {(pair.a_id, pair.b_id) for pair in pairs}
                result["planted"] = len(planted)
                result["planted_found"] = len(planted & found)
                top = {(pair.a_id, pair.b_id) for pair in pairs[: len(planted)]}
                result["planted_in_top"] = len(planted & top)
        transaction.set_rollback(True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 10_000])
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection

    for size in args.sizes:
        result = measure(size)
        print(f"{connection.vendor} " + " ".join(f"{key}={value}" for key, value in result.items()))


if __name__ == "__main__":
    main()
