"""A table written aside takes the old one's place with the same schema, and only the new rows."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from dashboards.aside import tables_aside
from dashboards.models import CoInvestment
from tests.factories import InvestorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def schema(table: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [table],
        )
        constraints = sorted(cursor.fetchall())
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        columns = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return {
            "constraints": constraints,
            "indexes": indexes,
            "columns": columns,
            "sequence": cursor.fetchone(),
        }


def pair_row(a, b) -> dict:
    return {
        "investor_a_id": a.pk,
        "investor_b_id": b.pk,
        "shared_startups": 1,
        "shared_rounds": 1,
        "first_together": dt.date(2024, 1, 1),
        "first_together_precision": "day",
        "computed_at": timezone.now(),
        "data_version": 1,
    }


def insert_into(table: str, row: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})",
            list(row.values()),
        )


def test_the_copy_replaces_the_rows_and_keeps_the_schema_the_migrations_made():
    a, b, c = sorted(InvestorFactory.create_batch(3), key=lambda investor: investor.pk)
    CoInvestment.objects.create(**pair_row(a, b))
    table = CoInvestment._meta.db_table
    before = schema(table)

    with tables_aside() as aside:
        copy = aside(CoInvestment)
        insert_into(copy, pair_row(a, c))
        insert_into(copy, pair_row(b, c))
        # Until the end, readers read the old rows.
        assert list(CoInvestment.objects.values_list("investor_a", "investor_b")) == [(a.pk, b.pk)]

    assert schema(table) == before
    assert sorted(CoInvestment.objects.values_list("investor_a", "investor_b")) == [
        (a.pk, c.pk),
        (b.pk, c.pk),
    ]
    # New rows still get ids, and the constraints hold on the new table.
    CoInvestment.objects.create(**pair_row(a, b))
    with pytest.raises(IntegrityError, match="coinvestment_unique"):
        CoInvestment.objects.create(**pair_row(a, b))
