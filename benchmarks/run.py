"""The benchmark suite: raw timings first, then one `ratio <name> <value>` line per figure.

    DATABASE_URL=postgres://... python -m benchmarks.run [--scale large|small]

`large` is the issue's million rounds (about 8 minutes once the dataset exists, plus 8 to
generate it the first time); `small` runs the same steps on small data in under a minute, so
that the test suite can keep the scripts working. docs/benchmarks.md reads the figures.
"""

import argparse
import functools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import datasets, import_floor, processes, replication
from .import_files import write as write_import_files
from .processes import ROOT

WORK = ROOT / ".bench"
SEED = 1


@dataclass(frozen=True)
class Scale:
    large_rounds: int  # the dataset the figures are about
    small_rounds: int  # the constant-time figures compare against this one
    sqlite_rounds: int  # the database Datasette and the API both serve
    import_rounds: int
    http_seconds: int
    large_changes: int  # rows of the change feed, against small_changes
    small_changes: int
    changes_rounds: int  # times each side of the feed is read, in turn
    page_repeats: int = 15  # server times of a page, of which the median is taken
    watchlists: int = 10_000  # that the alerts bench fans one new round out against


SCALES = {
    "large": Scale(1_000_000, 1_000, 100_000, 100_000, 15, 1_000_000, 1_000, 3),
    "small": Scale(1_000, 200, 300, 300, 1, 5_000, 500, 1, page_repeats=5, watchlists=2_000),
}
TARGETS = {
    "refresh_vs_sql": "<= 1.3",
    "incremental_vs_full": "<= 0.01",
    "overview_large_vs_small": "<= 1.2",
    "stats_large_vs_small": "<= 1.2",
    "search_large_vs_small": "<= 1.2",
    "api_list_vs_floor": ">= 0.7",
    "api_vs_datasette": ">= 1.0",
    "import_vs_sql_floor": ">= 0.5",
    "changes_large_vs_small": "<= 1.2",
    "alerts_fanout_vs_sql": "<= 2.0",
}
ROUNDS_PAGE = "/api/v1/rounds/?page_size=50"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def probe(url: str, name: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.probes", name],
        cwd=ROOT,
        env=datasets.bench_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"probe {name} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def full_refresh_in_worker(url: str) -> processes.Finished:
    """A full refresh run by a real Celery worker (solo pool: the task runs in the process
    whose peak memory is read), or by the management command when there is no Redis."""
    env = datasets.bench_env(url, LOG_LEVEL="INFO")
    if not os.environ.get("REDIS_URL"):
        return processes.run_measured(
            [sys.executable, "manage.py", "refresh_aggregates", "--full"], env
        )
    worker = [
        str(processes.BIN / "celery"), "-A", "config", "worker", "--pool", "solo",
        "--queues", env["CELERY_QUEUE"], "--without-mingle", "--without-gossip", "-l", "info",
    ]  # fmt: skip
    generation = "SELECT COALESCE(MAX(generation), 0) FROM dashboards_aggregatestate"
    with datasets.connect(url, autocommit=True) as conn:
        before = conn.execute(generation).fetchone()[0]
        send = "from dashboards.tasks import refresh_full_task; refresh_full_task.delay()"
        subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {send}"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        with processes.until_stopped(worker, env) as finished:
            while conn.execute(generation).fetchone()[0] == before:
                time.sleep(0.5)
    return finished


def refresh_seconds(finished: processes.Finished) -> float:
    # The worker's log line and the command's summary say it with and without a capital.
    found = re.search(
        r"aggregates refreshed \(full.*?\) in ([\d.]+) s", finished.output, re.IGNORECASE
    )
    if found is None:
        raise SystemExit(f"no refresh time in the output:\n{finished.output}")
    return float(found.group(1))


def sqlite_dataset(rounds: int) -> Path:
    """The SQLite dataset, generated under another name and renamed once whole: a run stopped
    halfway leaves nothing that a later run would take for finished."""
    path = WORK / f"sqlite_{rounds}.sqlite3"
    if path.exists():
        with sqlite3.connect(path) as conn:
            try:
                marker = conn.execute(f"SELECT rounds FROM {datasets.MARKER}").fetchone()
            except sqlite3.OperationalError:  # written by a version that named it at once
                marker = None
        if marker == (rounds,):
            say(f"reusing {path.name}")
            return path
        path.unlink()
    say(f"generating {path.name}: {rounds:,} rounds")
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    url = f"sqlite:///{partial}"
    datasets.manage(url, "migrate", "--noinput", "-v0")
    datasets.manage(url, "generate_synthetic", "--rounds", str(rounds), "--seed", str(SEED))
    with sqlite3.connect(partial) as conn:
        conn.execute(f"CREATE TABLE {datasets.MARKER} (rounds integer, seed integer)")
        conn.execute(f"INSERT INTO {datasets.MARKER} VALUES (?, ?)", (rounds, SEED))
    partial.rename(path)
    return path


def import_files(rounds: int) -> tuple[Path, int]:
    folder = WORK / f"import_{rounds}"
    if not folder.exists():  # renamed once whole, as the SQLite dataset
        partial = folder.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        write_import_files(partial, rounds, seed=SEED)
        # Rates, so that CNY amounts get their USD figures as in a real import.
        shutil.copy(ROOT / "data/sample/fx_rates.csv", partial)
        partial.rename(folder)
    lines = sum(len(path.read_text().splitlines()) - 1 for path in folder.glob("*.csv"))
    return folder, lines


def copy_seconds(url: str, folder: Path) -> float:
    with datasets.connect(url) as conn:
        started = time.perf_counter()
        import_floor.stage(conn, folder)
        conn.commit()
        return time.perf_counter() - started


@dataclass
class Run:
    scale: Scale
    server: str
    sample_data: str = "data/sample"

    # The synthetic databases, made on first use: `--only import` needs neither, and making
    # the large one takes minutes.
    @functools.cached_property
    def large(self) -> str:
        return datasets.synthetic(self.server, self.scale.large_rounds, SEED, say)

    @functools.cached_property
    def small(self) -> str:
        return datasets.synthetic(self.server, self.scale.small_rounds, SEED, say)


def measure_refresh(run: Run) -> dict[str, float]:
    say("full refresh in a worker")
    worker = full_refresh_in_worker(run.large)
    raw = {"refresh_full_s": refresh_seconds(worker), "refresh_worker_peak_mib": worker.peak_mib}
    say("the same aggregates by hand-written SQL")
    floor = probe(run.large, "floor")
    raw["refresh_floor_sql_s"] = floor["seconds"]
    raw.update({f"refresh_floor_{part}_s": sec for part, sec in floor["parts"].items()})
    say("refresh after one new round")
    incremental = probe(run.large, "incremental")
    raw["refresh_incremental_s"] = incremental["seconds"]
    raw["refresh_incremental_delete_s"] = incremental["after_delete"]
    return raw


def measure_pages(run: Run) -> dict[str, float]:
    say("overview, statistics and search, large and small")
    large, small = probe(run.large, "pages"), probe(run.small, "pages")
    return {
        f"{name}_{size}_ms": sizes[name] * 1000
        for name in ("overview", "stats", "search")
        for size, sizes in (("large", large), ("small", small))
    }


def measure_api(run: Run) -> dict[str, float]:
    say("rounds API against the bare .values() view, under gunicorn and wrk")
    seconds = run.scale.http_seconds
    with processes.gunicorn(datasets.bench_env(run.large), ROUNDS_PAGE) as base:
        api = processes.wrk(base + ROUNDS_PAGE, seconds)
        bare = processes.wrk(base + "/bench/floor/rounds/?page_size=50", seconds)
    return {
        "api_rps": api.requests_per_second,
        "api_p50_ms": api.p50_ms,
        "api_p99_ms": api.p99_ms,
        "floor_view_rps": bare.requests_per_second,
        "floor_view_p50_ms": bare.p50_ms,
    }


def measure_replica(run: Run) -> dict[str, float]:
    say("rounds API with reads on a streaming replica, against all on the primary")
    # The small dataset: a page of the rounds list is the same index read at any size, and
    # copying the large one to a cluster of its own would take minutes for the same figure.
    seconds = run.scale.http_seconds
    with replication.replicated_copy(run.small) as copy:
        primary_env = datasets.bench_env(copy.primary_url, REDIS_URL="")
        replica_env = {**primary_env, "DATABASE_REPLICA_URLS": copy.replica_url}
        # The replica as the only database, no router: what the replica server itself costs,
        # apart from the routing (the rounds list only reads).
        direct_env = datasets.bench_env(copy.replica_url, REDIS_URL="")
        with (
            processes.gunicorn(primary_env, ROUNDS_PAGE) as on_primary,
            processes.gunicorn(replica_env, ROUNDS_PAGE) as on_replica,
            processes.gunicorn(direct_env, ROUNDS_PAGE) as on_replica_direct,
        ):
            bases = {"primary": on_primary, "replica": on_replica, "direct": on_replica_direct}
            # There and back (A B C C B A), and the better run of each side: whichever side
            # ran first or during other work on this shared machine is not what it shows.
            loads: dict[str, list[processes.Load]] = {side: [] for side in bases}
            for side in [*bases, *reversed(bases)]:
                loads[side].append(processes.wrk(bases[side] + ROUNDS_PAGE, seconds))
    best = {
        side: max(runs, key=lambda load: load.requests_per_second) for side, runs in loads.items()
    }
    return {
        "api_primary_rps": best["primary"].requests_per_second,
        "api_primary_p50_ms": best["primary"].p50_ms,
        "api_replica_rps": best["replica"].requests_per_second,
        "api_replica_p50_ms": best["replica"].p50_ms,
        "api_replica_direct_rps": best["direct"].requests_per_second,
    }


def measure_datasette(run: Run) -> dict[str, float]:
    say("rounds API against Datasette, one SQLite database")
    path, seconds = sqlite_dataset(run.scale.sqlite_rounds), run.scale.http_seconds
    with processes.gunicorn(datasets.bench_env(f"sqlite:///{path}"), ROUNDS_PAGE) as base:
        ours = processes.wrk(base + ROUNDS_PAGE, seconds)
    table = f"/{path.stem}/deals_fundinground.json?_size=50&_sort_desc=announced_on"
    with processes.datasette(path, table) as base:
        theirs = processes.wrk(base + table, seconds)
    return {
        "api_sqlite_rps": ours.requests_per_second,
        "api_sqlite_p50_ms": ours.p50_ms,
        "datasette_rps": theirs.requests_per_second,
        "datasette_p50_ms": theirs.p50_ms,
    }


def measure_import(run: Run) -> dict[str, float]:
    say("import against COPY")
    folder, lines = import_files(run.scale.import_rounds)
    say("  the same rows by hand-written SQL into the same tables (the import's floor)")
    parts = import_floor.run(datasets.empty(run.server, "import"), folder)
    floor = {f"import_floor_{part}_s": sec for part, sec in parts.items()}
    floor["import_floor_s"] = sum(parts.values())
    say("  import_data")
    target = datasets.empty(run.server, "import")
    imported = processes.run_measured(
        [sys.executable, "manage.py", "import_data", str(folder)], datasets.bench_env(target)
    )
    return {
        "import_rows": lines,
        "import_s": imported.seconds,
        "import_peak_mib": imported.peak_mib,
        "copy_s": copy_seconds(target, folder),
        **floor,
    }


def measure_changes(run: Run) -> dict[str, float]:
    say("a page of the change feed from mid-feed, large and small")
    sizes = (run.scale.large_changes, run.scale.small_changes)
    urls = datasets.changes(run.server, sizes, say)
    # The two sides in turn, and the fastest read of each: the page does the same work at
    # both sizes (the same queries, each an index read), so what the median adds on this
    # shared machine is other work's, not the feed's (docs/benchmarks.md).
    reads: dict[str, list[dict]] = {"large": [], "small": []}
    for _ in range(run.scale.changes_rounds):
        for side, url in zip(reads, urls, strict=True):
            reads[side].append(probe(url, "changes"))
    figures = {}
    for side, probes in reads.items():
        figures[f"changes_{side}_ms"] = min(p["fastest"] for p in probes) * 1000
        figures[f"changes_{side}_median_ms"] = min(p["page"] for p in probes) * 1000
    return figures


def measure_alerts(run: Run) -> dict[str, float]:
    watchlists = f"{run.scale.watchlists:,} watchlists"
    say(f"one new round fanned out against {watchlists}, against one INSERT ... SELECT")
    fanout = probe(run.large, "alerts")
    return {
        "alerts_fanout_s": fanout["seconds"],
        "alerts_floor_sql_s": fanout["floor_seconds"],
        "alerts_raised": fanout["alerts"],
        "alerts_watchlists": fanout["watchlists"],
    }


def measure_bundled(run: Run) -> dict[str, float]:
    say(f"the bundled data ({run.sample_data}) into a fresh database, as `make run` loads it")
    # As `make run` without Redis does: the import's refresh runs in-process, then in full.
    env = datasets.bench_env(datasets.empty(run.server, "bundled"), REDIS_URL="")
    load = [sys.executable, "manage.py", "load_sample_data", run.sample_data]
    loaded = processes.run_measured(load, env)
    refresh = [sys.executable, "manage.py", "refresh_aggregates", "--full"]
    refreshed = processes.run_measured(refresh, env)
    return {
        "bundled_import_s": loaded.seconds + refreshed.seconds,
        "bundled_load_s": loaded.seconds,
        "bundled_refresh_s": refreshed.seconds,
    }


SECTIONS = {
    "refresh": measure_refresh,
    "pages": measure_pages,
    "api": measure_api,
    "replica": measure_replica,
    "datasette": measure_datasette,
    "import": measure_import,
    "changes": measure_changes,
    "alerts": measure_alerts,
    "bundled": measure_bundled,
}
RATIOS = {
    "refresh_vs_sql": ("refresh_full_s", "refresh_floor_sql_s"),
    "incremental_vs_full": ("refresh_incremental_s", "refresh_full_s"),
    "overview_large_vs_small": ("overview_large_ms", "overview_small_ms"),
    "stats_large_vs_small": ("stats_large_ms", "stats_small_ms"),
    "search_large_vs_small": ("search_large_ms", "search_small_ms"),
    "changes_large_vs_small": ("changes_large_ms", "changes_small_ms"),
    "api_list_vs_floor": ("api_rps", "floor_view_rps"),
    "api_vs_datasette": ("api_sqlite_rps", "datasette_rps"),
    # No target: on one machine the replica shares the primary's cores, so about 1.0 says the
    # routing costs nothing; on a machine of its own it is where reads scale.
    "api_replica_vs_primary": ("api_replica_rps", "api_primary_rps"),
    # Rows per second of each, so the ratio of the times the other way round. No target: COPY
    # into text tables is no reachable reference for an import into a constrained schema
    # with history (docs/benchmarks.md); printed to show how far it is.
    "import_vs_copy": ("copy_s", "import_s"),
    # How far the import is from the best possible into these tables, and that best's own
    # ratio to COPY, which is the ceiling of import_vs_copy.
    "import_vs_sql_floor": ("import_floor_s", "import_s"),
    "sql_floor_vs_copy": ("copy_s", "import_floor_s"),
    "alerts_fanout_vs_sql": ("alerts_fanout_s", "alerts_floor_sql_s"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=SCALES, default="large")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"some of: {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--sample-data",
        default="data/sample",
        help="the bundled data that `make run` loads (the Makefile's SAMPLE_DATA)",
    )
    args = parser.parse_args()
    run = Run(SCALES[args.scale], datasets.require_postgres(os.environ.get("DATABASE_URL")))
    run.sample_data = args.sample_data
    # Read by the probes, which run in processes of their own.
    os.environ["BENCH_PAGE_REPEATS"] = str(run.scale.page_repeats)
    os.environ["BENCH_WATCHLISTS"] = str(run.scale.watchlists)
    WORK.mkdir(exist_ok=True)
    processes.wrk_path()
    raw: dict[str, float] = {}
    failed = []
    for name in args.only.split(","):
        # Each section's figures are printed as soon as it ends: a later failure loses none.
        try:
            figures = SECTIONS[name.strip()](run)
        except SystemExit as error:
            failed.append(name)
            say(f"section {name} failed: {error}")
            continue
        for key, value in figures.items():
            print(f"raw {key} {value:.4g}", flush=True)
        raw.update(figures)
    for name, (numerator, denominator) in RATIOS.items():
        if numerator in raw and denominator in raw:
            value = raw[numerator] / raw[denominator]
            target = TARGETS.get(name)
            print(f"ratio {name} {value:.3f}  ({f'target {target}' if target else 'no target'})")
    if failed:
        raise SystemExit(f"no figures from: {', '.join(failed)}")


if __name__ == "__main__":
    main()
