"""Writes an import sends without waiting for them: the database runs them while Python
stages the next batch.

Each batch ends with statements whose results the import never reads: the "+" history rows
copied from the records just written, and the participations of new rounds inserted from
arrays of ids. Waiting for each kept Python idle while the database wrote, then the database
idle while Python staged the next rows (docs/benchmarks.md). Inside `batch()` they are queued;
when it ends they go out in psycopg's pipeline mode, which sends them and returns. The next
statement that needs the database (any query, through an execute wrapper; a COPY, which
cannot run in a pipeline; the end of the import) first waits for them.

A refusal is reported as the statement's caller asked, on its batch's line, and the batch's
sent writes are rolled back together (one savepoint), so that the transaction stays usable:
the import goes on to report the other rows' problems, then writes nothing. Outside
`batch()`, and on SQLite, every write runs at once, as it always did.
"""

import contextlib
import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import IntegrityError, connection, transaction

Statement = tuple[str, Sequence[Any]]


@dataclass
class Write:
    statements: list[Statement]
    table: str
    # Called with the error when the database refuses a statement; None: the error is raised.
    refused: Callable[[IntegrityError], None] | None = None


class _State(threading.local):
    queue: list[Write] | None = None
    sent: list[Write] | None = None
    savepoint = ""
    pipeline: contextlib.ExitStack | None = None


_state = _State()
_savepoints = itertools.count(1)


def write(
    statements: list[Statement],
    *,
    table: str,
    refused: Callable[[IntegrityError], None] | None = None,
) -> None:
    """Run statements whose results nobody reads: queued inside `batch()`, else at once."""
    job = Write(statements, table, refused)
    if _state.queue is not None:
        _state.queue.append(job)
    elif refused is None:
        _run(job.statements)
    else:
        try:
            with transaction.atomic():
                _run(job.statements)
        except IntegrityError as error:
            refused(error)


def _run(statements: list[Statement]) -> None:
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Queue the writes made inside, and send them without waiting when it ends."""
    if connection.vendor != "postgresql" or _state.queue is not None:
        yield
        return
    _state.queue = []
    try:
        yield
        queued = _state.queue
    finally:
        _state.queue = None
    if queued:
        _send(queued)


def _send(jobs: list[Write]) -> None:
    settle()
    stack = contextlib.ExitStack()
    stack.enter_context(connection.execute_wrapper(_settle_first))
    _state.pipeline, _state.sent = stack, jobs
    _state.savepoint = f"import_behind_{next(_savepoints)}"
    stack.enter_context(connection.connection.pipeline())
    try:
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            cursor.execute(f"SAVEPOINT {_state.savepoint}")
            # The foreign keys of every row written so far are checked now, behind, instead
            # of all at once at the commit, when nothing else can run (docs/benchmarks.md).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for job in jobs:
                for sql, params in job.statements:
                    cursor.execute(sql, params)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"RELEASE SAVEPOINT {_state.savepoint}")
    except IntegrityError as error:
        # A refusal of a statement sent earlier can surface while the next is sent.
        _refused(error)
    except BaseException:
        with contextlib.suppress(psycopg.Error):
            _close_pipeline()
        raise


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """Wait for the writes sent inside when it ends; when it ends on an error, let them go
    unread instead (the transaction they belong to is being rolled back)."""
    try:
        yield
    except BaseException:
        _state.queue = _state.sent = None
        if _state.pipeline is not None:
            with contextlib.suppress(psycopg.Error):
                _close_pipeline()
        raise
    settle()


def settle() -> None:
    """Wait for the writes sent; a refusal is reported (or raised) here."""
    if _state.pipeline is None:
        return
    try:
        with connection.wrap_database_errors:
            _close_pipeline()
    except IntegrityError as error:
        _refused(error)


def _close_pipeline() -> None:
    stack, _state.pipeline = _state.pipeline, None
    stack.close()


def _refused(error: IntegrityError) -> None:
    """Undo the batch's sent writes, and report the refusal."""
    jobs, _state.sent = _state.sent or [], None
    if _state.pipeline is not None:
        with contextlib.suppress(psycopg.Error):  # the refusal again, as the pipeline ends
            _close_pipeline()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(f"ROLLBACK TO SAVEPOINT {_state.savepoint}")
        cursor.execute(f"RELEASE SAVEPOINT {_state.savepoint}")
    _refused_by(jobs, error)


def _refused_by(jobs: list[Write], error: IntegrityError) -> None:
    """Report the error to the write whose table refused it (the first that can say it)."""
    table = getattr(getattr(error.__cause__, "diag", None), "table_name", None)
    reporters = [job for job in jobs if job.refused is not None]
    for job in [*(job for job in reporters if job.table == table), *reporters]:
        job.refused(error)
        return
    raise error


def _settle_first(execute, sql, params, many, context):
    settle()
    return execute(sql, params, many, context)
