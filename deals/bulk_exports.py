"""The admin's export of every table, built by a task rather than in a request (a 100k-round
export took 136 s in one request): started here, built by `data_export_build`, downloaded
from the row it fills."""

import logging
import tempfile
import zipfile
from pathlib import Path

from django.db import transaction

from .bulk_models import DataExport
from .exporting import TABLES, export_all

logger = logging.getLogger(__name__)


def data_export_start(*, user) -> DataExport:
    """Record an export for `user` and queue its build once the row is committed."""
    from .tasks import build_data_export_task

    export = DataExport.objects.create(requested_by=user, files_total=len(TABLES))
    transaction.on_commit(lambda: build_data_export_task.delay(export.pk))
    return export


def data_export_build(export_id: int) -> None:
    """Build the export's ZIP. Claimed atomically: a second run of the same task (a redelivery)
    finds it taken and does nothing."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.RUNNING
    )
    if not claimed:
        return
    exports = DataExport.objects.filter(pk=export_id)
    done = 0

    def one_more_file(name: str) -> None:
        nonlocal done
        done += 1
        exports.update(files_done=done)

    try:
        with tempfile.TemporaryDirectory() as folder:
            export_all(Path(folder), on_file=one_more_file)
            zip_path = Path(folder) / "export.zip"
            with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(Path(folder).glob("*.csv")):
                    archive.write(path, path.name)
            exports.update(archive=zip_path.read_bytes(), status=DataExport.Status.DONE)
    except Exception as error:
        logger.exception("export %s failed", export_id)
        exports.update(status=DataExport.Status.FAILED, error=str(error)[:1000])


def data_exports_expire() -> int:
    """Delete the exports older than EXPORT_TTL_HOURS; returns how many."""
    deleted, _ = DataExport.objects.filter(created_at__lt=DataExport.expiry_cutoff()).delete()
    return deleted
