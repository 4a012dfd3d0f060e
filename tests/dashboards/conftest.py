"""What the dashboard tests share: the bundled sample data, imported and aggregated."""

from pathlib import Path

import pytest

from dashboards.refresh import refresh_full
from deals.importing import import_paths

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture
def sample():
    """data/sample imported and its aggregates refreshed in full."""
    assert import_paths([SAMPLE]).ok
    refresh_full()
