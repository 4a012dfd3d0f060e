"""A database error in a late batch of an import leaves every table as it was.

The same with the import process killed (SIGKILL) half-way: tests/faults/test_import_killed.py.
"""

from pathlib import Path

import pytest
from django.db import OperationalError, connection

from deals.importing import import_paths, pipeline
from tests.faults.figures import table_checksums

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
# Valuations come after sources, FX rates, investors, startups, rounds and participations.
FAILING_MODEL = "ValuationMark"


@pytest.mark.django_db(transaction=True)
def test_a_database_error_in_a_late_batch_writes_nothing(monkeypatch):
    connection.ensure_connection()
    before = table_checksums(connection.connection)
    real_write_batch = pipeline.write_batch
    batches = []

    def failing_write_batch(target, staged, **options):
        batches.append(target.model.__name__)
        if target.model.__name__ == FAILING_MODEL:
            raise OperationalError("server closed the connection unexpectedly")
        return real_write_batch(target, staged, **options)

    monkeypatch.setattr(pipeline, "write_batch", failing_write_batch)

    with pytest.raises(OperationalError):
        import_paths([SAMPLE])

    assert batches[-1] == FAILING_MODEL
    assert {"Investor", "Startup", "FundingRound", "Participation"} <= set(batches)
    assert table_checksums(connection.connection) == before
