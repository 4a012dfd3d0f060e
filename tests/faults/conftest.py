"""A private PostgreSQL cluster and Redis for the fault tests, and the sample data in it.

The cluster starts once per session (initdb takes seconds); each test gets its own database,
copied from a template that holds the migrated schema, the sample data, its aggregates and an
API user with a token.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.servers import (
    PrivatePostgres,
    PrivateRedis,
    app_environment,
    manage,
    postgres_binaries_missing,
)

TEMPLATE = "sample_template"
API_USERNAME = "faults"
# Creates the API user and prints a fresh token for it (knox stores only its hash).
CREATE_API_USER = f"""
from django.contrib.auth import get_user_model
from knox.models import AuthToken
user = get_user_model().objects.create_superuser("{API_USERNAME}", "faults@example.com", "x")
print(AuthToken.objects.create(user=user)[1])
"""


@dataclass
class SampleDatabase:
    url: str
    name: str
    token: str  # an API token of API_USERNAME, a superuser


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    reason = postgres_binaries_missing()
    if reason is not None:
        skip_or_fail(reason)
    folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    server = PrivatePostgres(folder)
    server.init()
    server.start()
    yield server
    server.stop("immediate")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def sample_template(private_postgres: PrivatePostgres) -> str:
    """A migrated database with the sample data and its aggregates; returns the API token."""
    return create_sample_template(private_postgres, TEMPLATE)


def create_sample_template(server: PrivatePostgres, name: str) -> str:
    """The database `name` on `server`, migrated, with the sample data and its aggregates;
    returns an API token of a superuser."""
    environment = app_environment(server.create_database(name), None)
    manage(environment, "migrate", "--noinput")
    manage(environment, "import_data", "data/sample")
    manage(environment, "refresh_aggregates", "--full")
    # The last line: `shell` may first say what it imported.
    return manage(environment, "shell", "-c", CREATE_API_USER).strip().splitlines()[-1]


@pytest.fixture
def sample_database(private_postgres: PrivatePostgres, sample_template: str) -> SampleDatabase:
    """This test's own copy of the sample database."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    url = private_postgres.create_database(name, template=TEMPLATE)
    return SampleDatabase(url=url, name=name, token=sample_template)


@pytest.fixture
def own_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        skip_or_fail("needs redis-server (apt-get install redis-server)")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()
