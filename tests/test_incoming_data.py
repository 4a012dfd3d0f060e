"""Data gathered for the bundled sample but not yet part of it (data/incoming/<topic>/, see
issue 20): every folder imports on top of the sample, one after another, with no error, so
that what is committed there is ready to merge into data/sample."""

from pathlib import Path

import pytest

from deals.importing import import_paths
from tests.dashboards.data import SAMPLE

INCOMING = Path(__file__).resolve().parents[1] / "data" / "incoming"
FOLDERS = sorted(path for path in INCOMING.iterdir() if path.is_dir()) if INCOMING.exists() else []

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not FOLDERS, reason="no data waiting in data/incoming")
def test_every_incoming_folder_imports_on_top_of_the_sample_with_no_error():
    assert import_paths([SAMPLE]).ok

    for folder in FOLDERS:
        report = import_paths([folder])

        problems = [str(p) for _, listed, _ in report.problems_by_file() for p in listed]
        assert report.ok, (folder.name, problems)
        assert sum(c.created + c.updated for c in report.files.values()) > 0, folder.name
