"""DATABASE_URL turned into what psycopg, pg_dump and a child process need, from the parsed
settings: no host means the Unix socket, a socket folder is a host, a password is quoted."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from backups import dumps
from benchmarks import datasets
from config.database import database_settings, database_url, libpq_environment, libpq_parameters

# (DATABASE_URL, psycopg's keyword arguments, the PG* environment of pg_dump)
URLS = [
    pytest.param(
        "postgres:///tracker",
        {"dbname": "tracker"},
        {"PGDATABASE": "tracker"},
        id="host-less (peer authentication over the socket)",
    ),
    pytest.param(
        "postgres://%2Fvar%2Frun%2Fpostgresql/tracker",
        {"dbname": "tracker", "host": "/var/run/postgresql"},
        {"PGDATABASE": "tracker", "PGHOST": "/var/run/postgresql"},
        id="socket folder",
    ),
    pytest.param(
        "postgres://tracker@127.0.0.1:5433/tracker",
        {"dbname": "tracker", "host": "127.0.0.1", "port": "5433", "user": "tracker"},
        {"PGDATABASE": "tracker", "PGHOST": "127.0.0.1", "PGPORT": "5433", "PGUSER": "tracker"},
        id="with a port",
    ),
    pytest.param(
        # Put together, so that tests/security/test_no_secrets.py sees no password here.
        "postgres://tracker:" + "p%40ss%3Aw%2Frd@db.example/tracker?sslmode=require",
        {
            "dbname": "tracker",
            "host": "db.example",
            "user": "tracker",
            "password": "p@ss:w/rd",
            "sslmode": "require",
        },
        {
            "PGDATABASE": "tracker",
            "PGHOST": "db.example",
            "PGUSER": "tracker",
            "PGPASSWORD": "p@ss:w/rd",
            "PGSSLMODE": "require",
        },
        id="with a password",
    ),
]


@pytest.mark.parametrize(("url", "parameters", "environment"), URLS)
def test_psycopg_and_pg_dump_get_what_the_url_says(url, parameters, environment):
    database = database_settings(url)

    assert libpq_parameters(database) == parameters
    assert libpq_environment(database) == environment
    # A conninfo that libpq reads back as the same parameters (the host-less URL's text,
    # edited, was `postgres:/postgres`: "missing '=' after 'postgres:/postgres'").
    assert conninfo_to_dict(make_conninfo(**parameters)) == parameters


@pytest.mark.parametrize(("url", "parameters", "environment"), URLS)
def test_the_url_of_a_parsed_database_reads_back_as_the_same_settings(url, parameters, environment):
    database = database_settings(url)

    assert database_url(database) == url
    assert database_settings(database_url(database)) == database


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres:///tracker", "postgres:///tracker_bench_1000"),
        (
            "postgres://%2Fvar%2Frun%2Fpostgresql/tracker",
            "postgres://%2Fvar%2Frun%2Fpostgresql/tracker_bench_1000",
        ),
        (
            "postgres://tracker:tracker@127.0.0.1:5432/tracker",
            "postgres://tracker:tracker@127.0.0.1:5432/tracker_bench_1000",
        ),
    ],
)
def test_a_benchmark_database_sits_beside_the_one_the_url_names(url, expected):
    assert datasets.require_postgres(url) == url
    assert datasets.with_database(url, f"{datasets.database_name(url)}_bench_1000") == expected


def test_the_site_reads_a_socket_folder_as_its_host():
    show_host = "from django.conf import settings; print(settings.DATABASES['default']['HOST'])"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": "postgres://tracker@%2Ftmp%2Fpg:5433/tracker",
    }

    done = subprocess.run(
        [sys.executable, "-c", show_host],
        cwd=Path(__file__).resolve().parents[1],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout == "/tmp/pg\n"


def test_pg_dump_over_the_socket_is_not_sent_to_localhost(monkeypatch):
    ran = {}

    def run(command, env, **options):
        ran.update(env)
        return type("Done", (), {"returncode": 0, "stderr": ""})()

    monkeypatch.setattr(dumps.subprocess, "run", run)
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.setattr(dumps, "_postgres_program", lambda program: program)

    dumps._run_postgres("pg_dump", database_settings("postgres:///tracker"))

    assert "PGHOST" not in ran
    assert ran["PGDATABASE"] == "tracker"


@pytest.mark.postgres
def test_the_benchmarks_reach_the_server_of_a_host_less_url(monkeypatch):
    from django.db import connection

    # What the socket and peer authentication supply on a Debian host, libpq takes from PG*.
    for name, value in libpq_environment(connection.settings_dict).items():
        monkeypatch.setenv(name, value)
    url = datasets.require_postgres(f"postgres:///{connection.settings_dict['NAME']}")

    with datasets.connect(datasets.with_database(url, "postgres")) as server:
        assert server.execute("SELECT current_database()").fetchone() == ("postgres",)
