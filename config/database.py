"""DATABASE_URL read once, the way the site reads it, for every program that talks to the
database outside Django's connection: the benchmarks (psycopg), backups (pg_dump and
pg_restore), and child processes given a URL of their own.

Each is built from the parsed settings, never by editing the URL's text: a URL without a host
(`postgres:///tracker`, peer authentication over the Unix socket, Debian's default) has no
`//host` part to keep, and a socket folder is a host that starts with `/`.
"""

from typing import Any
from urllib.parse import quote, unquote, urlencode

import environ

POSTGRESQL = "django.db.backends.postgresql"
# OPTIONS that Django's PostgreSQL backend reads itself; the others go to libpq as they are.
DJANGO_ONLY_OPTIONS = frozenset({"isolation_level", "server_side_binding", "assume_role", "pool"})
# libpq's environment variable for each parameter that pg_dump and pg_restore may need.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
}


def database_settings(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for `url`, as django-environ reads it, except that a socket
    folder written percent-encoded as the host (`postgres://%2Fvar%2Frun%2Fpostgresql/db`,
    libpq's own form) is decoded: django-environ keeps it encoded, a host name to look up."""
    settings = environ.Env.db_url_config(url)
    if settings.get("ENGINE") == POSTGRESQL:
        settings["HOST"] = unquote(settings.get("HOST") or "")
    return settings


def libpq_parameters(database: dict[str, Any]) -> dict[str, str]:
    """psycopg.connect's keyword arguments for a DATABASES entry, as Django's backend makes
    them: an empty HOST or PORT is left out, so that libpq uses its defaults (the Unix socket
    and 5432, or PGHOST and PGPORT when they are set)."""
    parameters = {"dbname": str(database.get("NAME") or "postgres")}
    for key, name in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if database.get(key):
            parameters[name] = str(database[key])
    for name, value in (database.get("OPTIONS") or {}).items():
        if name not in DJANGO_ONLY_OPTIONS:
            parameters[name] = str(value)
    return parameters


def libpq_environment(database: dict[str, Any]) -> dict[str, str]:
    """The PG* variables that make pg_dump or psql reach the same database (the password
    too: the environment, unlike the command line, is not shown by `ps`)."""
    return {
        LIBPQ_ENVIRONMENT[name]: value
        for name, value in libpq_parameters(database).items()
        if name in LIBPQ_ENVIRONMENT
    }


def database_url(database: dict[str, Any]) -> str:
    """A URL that `database_settings` reads back as `database`: for another process's
    DATABASE_URL. A socket folder is percent-encoded, an absent host stays absent."""
    user = quote(str(database.get("USER") or ""), safe="")
    password = quote(str(database.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = str(database.get("HOST") or "")
    host = f"[{host}]" if ":" in host else quote(host, safe="")
    port = f":{database['PORT']}" if database.get("PORT") else ""
    options = database.get("OPTIONS") or {}
    query = f"?{urlencode(options)}" if options else ""
    name = quote(str(database.get("NAME") or ""), safe="")
    return f"postgres://{credentials}{host}{port}/{name}{query}"


def with_statement_timeout(database: dict[str, Any], seconds: float) -> None:
    """Start every connection of `database` with PostgreSQL's statement_timeout (0: none),
    as a libpq startup option (no query per connection), kept beside any `options` that
    DATABASE_URL gave."""
    database_options = database.setdefault("OPTIONS", {})
    timeout = f"-c statement_timeout={max(0, round(seconds * 1000))}"
    database_options["options"] = " ".join(filter(None, [database_options.get("options"), timeout]))
