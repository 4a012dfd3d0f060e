"""Writes an import sends behind: queued inside a batch, sent without waiting when it ends,
waited for by the next statement, and a refusal reported on its batch's line."""

from unittest import mock

import pytest
from django.db import IntegrityError, connection

from deals.importing import behind, import_paths
from deals.models import FundingRound, Participation
from startups.resolver import ReferenceIndex
from tests.deals.import_files import GOOD_ROUND, ROUND_HEADER, write

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE behind_rows (id int PRIMARY KEY, note text NOT NULL)")
    return "behind_rows"


def rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, note FROM behind_rows ORDER BY id")
        return cursor.fetchall()


def test_a_write_outside_a_batch_runs_at_once(table):
    behind.write([("INSERT INTO behind_rows VALUES (%s, %s)", [1, "a"])], table=table)

    assert rows() == [(1, "a")]


def test_writes_in_a_batch_wait_for_its_end_and_the_next_statement_sees_them(table):
    with behind.batch():
        behind.write([("INSERT INTO behind_rows VALUES (%s, %s)", [1, "a"])], table=table)
        behind.write([("INSERT INTO behind_rows VALUES (%s, %s)", [2, "b"])], table=table)
        assert rows() == []  # queued, not sent

    assert rows() == [(1, "a"), (2, "b")]  # this query settled them first


def test_a_refusal_undoes_the_batch_and_reaches_the_write_of_the_table_that_refused(table):
    refusals: list = []
    with behind.batch():
        behind.write([("INSERT INTO behind_rows VALUES (%s, %s)", [1, "a"])], table=table)
        behind.write(
            [("INSERT INTO behind_rows VALUES (%s, %s)", [2, None])],
            table=table,
            refused=refusals.append,
        )
        behind.write([("SELECT pg_sleep(0.05)", [])], table="elsewhere")
    behind.settle()

    [refusal] = refusals
    assert isinstance(refusal, IntegrityError) and 'column "note"' in str(refusal)
    assert rows() == []  # the whole batch undone, and the transaction still usable
    behind.write([("INSERT INTO behind_rows VALUES (%s, %s)", [3, "c"])], table=table)
    assert rows() == [(3, "c")]


def test_a_refusal_nobody_reports_is_raised(table):
    # Where it surfaces depends on when the database answers: as the batch is sent, or when
    # the next statement waits for it.
    with pytest.raises(IntegrityError):
        with behind.batch():
            behind.write([("INSERT INTO behind_rows VALUES (%s, %s)", [1, None])], table=table)
        behind.settle()


def test_outside_a_batch_a_refusal_is_reported_and_its_statements_undone(table):
    refusals: list = []
    behind.write(
        [
            ("INSERT INTO behind_rows VALUES (%s, %s)", [1, "a"]),
            ("INSERT INTO behind_rows VALUES (%s, %s)", [1, "again"]),
        ],
        table=table,
        refused=refusals.append,
    )

    assert len(refusals) == 1 and rows() == []


def test_writes_left_unread_when_the_work_fails_leave_its_error_and_no_pipeline_open(table):
    with pytest.raises(ValueError, match="a bad row"), behind.settled():
        with behind.batch():
            behind.write([("INSERT INTO behind_rows VALUES (%s, %s)", [1, "a"])], table=table)
        raise ValueError("a bad row")

    assert connection.execute_wrappers == []  # nothing waits to be read before a query
    assert rows() == [(1, "a")]


@pytest.mark.parametrize(
    "row",
    [GOOD_ROUND, GOOD_ROUND.replace(",alibaba,", ",,")],
    ids=["with its investors", "naming no investor"],
)
def test_a_round_whose_startup_is_gone_when_it_is_written_is_refused_on_its_line(base, row):
    """Foreign keys are checked behind each batch, not at the commit: a round naming a startup
    that another session deleted after it was looked up is an error of the import's report."""
    write(base / "in", {"rounds.csv": ROUND_HEADER + row})
    looked_up = ReferenceIndex.resolve

    def deleted_since(index, reference):
        return 2_000_000_000 if reference == "zhipu" else looked_up(index, reference)

    with mock.patch.object(ReferenceIndex, "resolve", deleted_since):
        report = import_paths([base / "in"])

    [problem] = report.problems
    assert (problem.line, problem.column) == (2, None)
    assert problem.message.startswith('the database refused: insert or update on table "deals_')
    assert "violates foreign key constraint" in problem.message
    assert not FundingRound.objects.exists() and not Participation.objects.exists()
