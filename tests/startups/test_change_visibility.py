"""A client polling the change feed never misses a change: a transaction that wrote first but
commits last still lands after the client's cursor, because a row shows only once every
older transaction of this database has ended (startups.change_feed). Real concurrent
transactions, on connections of their own, so PostgreSQL only (SQLite has one writer)."""

from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def connect() -> Iterator:
    """Connections of their own to a database (this test's by default), closed at the end."""
    opened = []

    def open_connection(database: str | None = None) -> psycopg.Connection:
        settings = connection.settings_dict
        opened.append(
            psycopg.connect(
                dbname=database or settings["NAME"],
                user=settings["USER"],
                password=settings["PASSWORD"],
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
            )
        )
        return opened[-1]

    yield open_connection
    for opened_connection in opened:
        opened_connection.close()


def add_tag(transaction: psycopg.Connection, slug: str) -> None:
    transaction.execute("INSERT INTO startups_tag (slug, name) VALUES (%s, '')", [slug])


def keys(page: dict) -> list[str]:
    return [row["key"] for row in page["results"]]


def test_a_change_committed_late_still_comes_after_the_cursor(connect):
    client = Client()
    with connection.cursor() as cursor:  # committed: Django's connection autocommits
        cursor.execute("INSERT INTO startups_tag (slug, name) VALUES ('seen', '')", [])
    first, second = connect(), connect()
    add_tag(first, "first")  # first writes first: the smaller transaction id
    add_tag(second, "second")
    second.commit()

    page = client.get("/api/v1/changes/").json()  # between the two commits
    first.commit()
    polled = client.get(page["next"]).json()

    assert keys(page) == ["seen"]  # "second" waits for the older "first" to end
    assert keys(polled) == ["first", "second"]


def test_an_older_open_transaction_hides_newer_rows_until_it_ends(connect):
    client = Client()
    older = connect()
    older.execute("SELECT pg_current_xact_id()")  # a transaction id, and no feed row
    newer = connect()
    add_tag(newer, "newer")
    newer.commit()

    hidden = client.get("/api/v1/changes/").json()
    older.rollback()
    shown = client.get(hidden["next"]).json()

    assert keys(hidden) == []
    assert keys(shown) == ["newer"]


def test_a_transaction_open_in_another_database_hides_nothing(connect):
    client = Client()
    elsewhere = connect("postgres")
    elsewhere.execute("SELECT pg_current_xact_id()")  # it holds a transaction id, open
    here = connect()
    add_tag(here, "here")
    here.commit()

    page = client.get("/api/v1/changes/").json()

    assert keys(page) == ["here"]
