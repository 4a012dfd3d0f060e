"""`make backup` then `make restore` gives back exactly the data backed up, on SQLite and on
PostgreSQL: every table's row count and checksum, after rows were changed, deleted and added."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest

from config.database import database_settings, libpq_environment
from tests.conftest import skip_or_fail
from tests.servers import PROJECT, PrivatePostgres, app_environment, manage

from .conftest import SampleDatabase
from .figures import table_checksums

# The Makefile's own targets, without reinstalling the project (the suite runs in it already).
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed"]


def make(target: str, environment: dict[str, str], backup_file: Path) -> str:
    result = subprocess.run(
        [*MAKE, target, f"BACKUP_FILE={backup_file}"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def damage(connection: psycopg.Connection | sqlite3.Connection) -> None:
    """What a bad day does: a changed figure, deleted rows, a new record."""
    connection.execute("UPDATE deals_fundinground SET amount = amount + 1 WHERE amount > 0")
    connection.execute("DELETE FROM deals_participation_sources")
    connection.execute("DELETE FROM deals_claim WHERE participation_id IS NOT NULL")
    connection.execute("DELETE FROM deals_participation")
    connection.execute(
        "DELETE FROM dashboards_investorperiodstat WHERE id IN "
        "(SELECT id FROM dashboards_investorperiodstat LIMIT 10)"
    )
    connection.execute("UPDATE startups_startup SET name_en = 'Renamed' WHERE slug = 'zhipu'")


@pytest.fixture(scope="module")
def make_available() -> None:
    if shutil.which("make") is None:
        skip_or_fail("needs make (apt-get install make)")


def test_a_sqlite_database_round_trips_through_make_backup_and_restore(
    make_available: None, tmp_path: Path, migrated_sqlite
):
    database = migrated_sqlite(tmp_path / "tracker.sqlite3")
    environment = app_environment(f"sqlite:///{database}", None)
    manage(environment, "import_data", "data/sample")  # refreshes the aggregates in-process
    with sqlite3.connect(database) as connection:
        original = table_checksums(connection)
    backup_file = tmp_path / "backups" / "tracker.sqlite3"

    make("backup", environment, backup_file)
    with sqlite3.connect(database) as connection:
        damage(connection)
        assert table_checksums(connection) != original
    make("restore", environment, backup_file)

    with sqlite3.connect(database) as connection:
        assert table_checksums(connection) == original
    assert original["deals_participation"][0] > 0


@pytest.mark.postgres
@pytest.mark.parametrize("over", ["tcp", "socket", "host-less"])
def test_a_postgresql_database_round_trips_through_make_backup_and_restore(
    make_available: None,
    private_postgres: PrivatePostgres,
    sample_database: SampleDatabase,
    tmp_path: Path,
    over: str,
):
    # Over the socket, DATABASE_URL names the cluster's folder as its host, percent-encoded;
    # host-less (`postgres:///name`), libpq finds the socket and the user in PG* as it
    # would find the default socket and the login user on a Debian host.
    url, libpq = sample_database.url, {}
    if over == "socket":
        url = private_postgres.socket_url(sample_database.name)
    if over == "host-less":
        url = f"postgres:///{sample_database.name}"
        socket = database_settings(private_postgres.socket_url(sample_database.name))
        libpq = libpq_environment(socket)
        del libpq["PGDATABASE"]
    environment = app_environment(url, None, **libpq)
    with private_postgres.connect(sample_database.name) as connection:
        original = table_checksums(connection)
    backup_file = tmp_path / "tracker.dump"

    make("backup", environment, backup_file)
    with private_postgres.connect(sample_database.name) as connection:
        damage(connection)
        connection.execute("CREATE TABLE stray (id int)")
        assert table_checksums(connection) != original
    make("restore", environment, backup_file)

    with private_postgres.connect(sample_database.name) as connection:
        restored = table_checksums(connection)
    restored.pop("stray")  # --clean drops what the backup has; a table it lacks stays
    assert restored == original
    assert original["deals_participation"][0] > 0


def test_a_backup_is_written_to_backup_dir_with_a_timestamped_name(tmp_path: Path):
    database = tmp_path / "tracker.sqlite3"
    environment = app_environment(
        f"sqlite:///{database}", None, BACKUP_DIR=str(tmp_path / "backups")
    )
    sqlite3.connect(database).close()

    output = manage(environment, "db_backup")

    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("tracker-") and written.suffix == ".sqlite3"
    assert str(written) in output


def test_restore_without_a_file_names_the_newest_backup_and_changes_nothing(tmp_path: Path):
    environment = app_environment(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", None, BACKUP_DIR=str(tmp_path)
    )
    (tmp_path / "tracker-20260101T000000Z.sqlite3").write_bytes(b"")

    with pytest.raises(RuntimeError, match=r"BACKUP_FILE=.*tracker-20260101T000000Z\.sqlite3"):
        manage(environment, "db_restore")
