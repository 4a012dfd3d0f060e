"""Where a full refresh spends its time, statement by statement: the refresh run as the worker
runs it, each SQL statement timed on its way to the database, and the slowest printed with
the step of the refresh that sent it.

    DATABASE_URL=postgres://.../tracker_bench_1000000 python -m benchmarks.refresh_profile
"""

import json
import re
import time
from collections import defaultdict

SHOWN = 25
COMPARED = re.compile(r"FULL JOIN (\w+)")
DIGESTED = re.compile(r"hash_record_extended\(.*\bFROM (\w+)", re.DOTALL)
TARGET = re.compile(
    r"\b(?:INSERT INTO|CREATE (?:UNIQUE )?INDEX \S+ ON|CREATE TEMPORARY TABLE|"
    r"ANALYZE|DROP TABLE|CREATE TABLE|DELETE FROM|ALTER TABLE)\s+\"?(\w+)"
)


def label(sql: str) -> str:
    """The statement's verb and the table it writes, e.g. 'INSERT INTO dashboards_coinvestment',
    and for the comparisons of dashboards.amend the table compared with or digested."""
    digested = DIGESTED.search(sql)
    if digested:
        return f"digest of {digested.group(1)}"
    found = TARGET.search(sql)
    if found is None:
        return " ".join(sql.split())[:60]
    name = " ".join(found.group(0).replace('"', "").split())
    compared = COMPARED.search(sql)
    return f"{name} (against {compared.group(1)})" if compared else name


def profile() -> dict:
    from django.db import connection

    from dashboards.refresh import refresh_full

    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, label(sql)))

    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        refresh_full()
    total = time.perf_counter() - started
    by_label: dict[str, float] = defaultdict(float)
    for seconds, name in timings:
        by_label[name] += seconds
    slowest = sorted(by_label.items(), key=lambda item: -item[1])[:SHOWN]
    return {
        "total_s": round(total, 2),
        "statements": len(timings),
        "in_database_s": round(sum(seconds for seconds, _ in timings), 2),
        "slowest": [[name, round(seconds, 2)] for name, seconds in slowest],
    }


def main() -> None:
    import django

    django.setup()
    found = profile()
    for name, seconds in found.pop("slowest"):
        print(f"{seconds:8.2f} s  {name}")
    print(json.dumps(found))


if __name__ == "__main__":
    main()
