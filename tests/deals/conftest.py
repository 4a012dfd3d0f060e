from pathlib import Path

import pytest

from deals.importing import import_paths
from tests.deals.import_files import INVESTORS, STARTUPS, write


@pytest.fixture
def base(tmp_path) -> Path:
    """A folder whose startups and investors are already in the database."""
    folder = write(tmp_path / "base", {"startups.csv": STARTUPS, "investors.csv": INVESTORS})
    assert import_paths([folder]).ok
    return tmp_path
