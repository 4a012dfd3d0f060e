"""What the dashboard tests share: the bundled sample data, imported and aggregated."""

import pytest

from tests.dashboards.compute_ledger import ledger  # noqa: F401 (a fixture)
from tests.dashboards.data import load_sample


@pytest.fixture
def sample():
    load_sample()
