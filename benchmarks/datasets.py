"""The benchmark databases, on the PostgreSQL server that DATABASE_URL names.

Each size gets a database of its own, named after the one in DATABASE_URL (`tracker` gives
`tracker_bench_1000000`), so that the database in DATABASE_URL is never touched. A dataset is
generated once and reused while its marker table says it holds the same rounds and seed.
"""

import os
import subprocess
import sys

import psycopg

from config.database import POSTGRESQL, database_settings, database_url, libpq_parameters

from .processes import ROOT

MARKER = "benchmark_dataset"
SETTINGS = "benchmarks.settings"


class NotPostgres(SystemExit):
    pass


def require_postgres(url: str | None) -> str:
    if not url or database_settings(url).get("ENGINE") != POSTGRESQL:
        raise NotPostgres(
            "make bench measures PostgreSQL: set DATABASE_URL to a PostgreSQL server, e.g. "
            "postgres://tracker:tracker@127.0.0.1:5432/tracker or postgres:///tracker (got "
            f"{url or 'no DATABASE_URL, which means SQLite'}). Its own database is left "
            "alone; the benchmark databases are created beside it."
        )
    return url


def with_database(url: str, name: str) -> str:
    return database_url({**database_settings(url), "NAME": name})


def database_name(url: str) -> str:
    return database_settings(url)["NAME"]


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(**libpq_parameters(database_settings(url)), **kwargs)


def bench_env(url: str, **extra: str) -> dict[str, str]:
    defaults = {"DEBUG": "0", "LOG_LEVEL": "WARNING", "CELERY_QUEUE": "benchmarks"}
    return {
        **os.environ,
        **defaults,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        **extra,
    }


def manage(url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=bench_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def recreate(server_url: str, name: str) -> str:
    with connect(with_database(server_url, "postgres"), autocommit=True) as admin:
        drop_database(admin, name)
        admin.execute(f'CREATE DATABASE "{name}"')
    return with_database(server_url, name)


def drop_database(admin: psycopg.Connection, name: str) -> None:
    """Drop `name`, ending its sessions. FORCE cannot end an autovacuum worker that the last
    run's writes started (a superuser's process: "must be a member of the role whose process
    is being terminated"); a plain DROP cancels autovacuum itself."""
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.errors.InsufficientPrivilege:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _marker(url: str) -> tuple[int, int] | None:
    try:
        with connect(url) as conn:
            row = conn.execute(f"SELECT rounds, seed FROM {MARKER}").fetchone()
    except psycopg.Error:
        return None
    return tuple(row) if row else None


def synthetic(server_url: str, rounds: int, seed: int, say) -> str:
    """A database holding `rounds` synthetic rounds with fresh aggregates."""
    name = f"{database_name(server_url)}_bench_{rounds}"
    url = with_database(server_url, name)
    if _marker(url) == (rounds, seed):
        say(f"reusing {name} ({rounds:,} rounds, seed {seed})")
        # The code may have moved on since: new tables, and aggregates to fill them.
        if "Applying" in manage(url, "migrate", "--noinput"):
            say("  migrated; refreshing its aggregates in full")
            manage(url, "refresh_aggregates", "--full")
        return url
    say(f"generating {name}: {rounds:,} rounds, seed {seed}")
    migrated(server_url, name)
    say("  " + manage(url, "generate_synthetic", "--rounds", str(rounds), "--seed", str(seed)))
    manage(url, "refresh_aggregates", "--full")
    with connect(url) as conn:
        conn.execute(f"CREATE TABLE {MARKER} (rounds integer, seed integer)")
        conn.execute(f"INSERT INTO {MARKER} VALUES (%s, %s)", [rounds, seed])
    return url


def empty(server_url: str, suffix: str) -> str:
    """A freshly migrated database with no records."""
    return migrated(server_url, f"{database_name(server_url)}_bench_{suffix}")


_templates: dict[str, str] = {}
# Said of the template database once it is migrated whole (a database's comment is not copied
# into the databases made from it).
TEMPLATE_READY = "migrated by benchmarks.datasets"


def _template(server_url: str) -> str:
    """The migrated database the others are copied from, kept between runs: a later run applies
    only the migrations added since (about 3 s, where migrating from scratch takes 30)."""
    name = f"{database_name(server_url)}_bench_template"
    url = with_database(server_url, name)
    with connect(with_database(server_url, "postgres"), autocommit=True) as admin:
        said = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if said == (TEMPLATE_READY,):
            manage(url, "migrate", "--noinput", "-v0")
            return name
        recreate(server_url, name)
        manage(url, "migrate", "--noinput", "-v0")
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{TEMPLATE_READY}'")
    return name


def migrated(server_url: str, name: str) -> str:
    """A new database `name`, migrated: a copy of the template database, since a run needs
    half a dozen fresh databases."""
    if server_url not in _templates:
        _templates[server_url] = _template(server_url)
    with connect(with_database(server_url, "postgres"), autocommit=True) as admin:
        drop_database(admin, name)
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_templates[server_url]}"')
    return with_database(server_url, name)


# `count` feed rows of a few kinds and actions, each transaction writing three, all of them
# older than the transaction that adds them (so that all are visible): one INSERT ... SELECT,
# not the triggers, which would need `count` records written first.
FILL_CHANGES = """
    INSERT INTO startups_change
        (txid, kind, record_id, record_key, action, figures_changed, occurred_at)
    SELECT pg_current_xact_id()::text::bigint - 1 - (%(count)s - n) / 3,
           (ARRAY['round', 'startup', 'participation', 'valuation'])[1 + n %% 4],
           n,
           '',
           (ARRAY['created', 'updated', 'deleted'])[1 + n %% 3],
           n %% 2 = 0,
           now() - make_interval(secs => %(count)s - n)
    FROM generate_series(1, %(count)s) AS n
"""


def changes(server_url: str, counts: tuple[int, ...], say) -> list[str]:
    """A database of its own per count, whose change feed holds that many rows (and no
    records)."""
    urls, missing = [], []
    for count in counts:
        urls.append(with_database(server_url, f"{database_name(server_url)}_bench_changes_{count}"))
        try:
            with connect(urls[-1]) as conn:
                held = conn.execute("SELECT count(*) FROM startups_change").fetchone()[0]
        except psycopg.Error:
            held = None
        if held == count:
            say(f"reusing {database_name(urls[-1])} ({count:,} changes)")
            manage(urls[-1], "migrate", "--noinput", "-v0")
        else:
            missing.append((count, urls[-1]))
    for count, url in missing:
        say(f"generating {database_name(url)}: {count:,} changes")
        migrated(server_url, database_name(url))
        with connect(url) as conn:
            conn.execute(FILL_CHANGES, {"count": count})
        with connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE startups_change")
    return urls
