"""Upload of import files from the admin: CSV or XLSX, previewed as a dry run, then written
through the same import pipeline as `import_data` on confirmation."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .bulk_models import PendingUpload
from .importing import ImportReport, run_import


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "CSV files named after their table (rounds.csv, investors.csv, ...) or an XLSX "
            "workbook whose sheets are named after the tables."
        ),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise ValidationError(_("Choose at least one file."))
        # An upload is read into memory to be previewed and kept until confirmed; above the
        # limit, `manage.py import_data` streams. (A request over it altogether is refused with
        # 413 before it is read: config/request_limits.py.)
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        for upload in files:
            if upload.size > limit:
                raise ValidationError(
                    _(
                        "%(name)s is %(size)d MB; uploads are limited to %(limit)d MB. "
                        "Use `manage.py import_data` for larger files."
                    )
                    % {"name": upload.name, "size": upload.size // 2**20, "limit": limit // 2**20}
                )
            if Path(upload.name).suffix.lower() not in {".csv", ".xlsx"}:
                raise ValidationError(
                    _("%(name)s is neither CSV nor XLSX.") % {"name": upload.name}
                )
        return files


def csv_files_of(name: str, content: bytes) -> list[tuple[str, bytes]]:
    """An upload as (file name, CSV bytes) pairs: an XLSX gives one CSV per sheet."""
    if Path(name).suffix.lower() != ".xlsx":
        return [(Path(name).name, content)]
    return xlsx_to_csv(name, content)


def xlsx_to_csv(name: str, content: bytes) -> list[tuple[str, bytes]]:
    from openpyxl import load_workbook

    try:
        refuse_a_zip_bomb(name, content)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(
            _("%(name)s is not a readable XLSX workbook.") % {"name": name}
        ) from None
    try:
        return _sheets_as_csv(name, workbook)
    finally:
        workbook.close()


def _sheets_as_csv(name: str, workbook) -> list[tuple[str, bytes]]:
    """Each sheet as CSV, reading at most IMPORT_XLSX_MAX_ROWS rows (all sheets together) and
    IMPORT_XLSX_MAX_COLUMNS columns.

    A sheet's declared dimension is not trusted: one declaring `A1:XFD1048576` makes openpyxl
    pad every row to 16,384 cells and fill the rows up to 1,048,576 (gigabytes of CSV from a
    2 KB file). Reading one row and one column past each limit tells a sheet at the limit from
    one beyond it, and the read stops there.
    """
    import csv

    max_rows = settings.IMPORT_XLSX_MAX_ROWS
    max_columns = settings.IMPORT_XLSX_MAX_COLUMNS
    rows_read = 0
    files = []
    single = len(workbook.sheetnames) == 1
    for sheet in workbook.worksheets:
        table = Path(name).stem if single else sheet.title
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        rows = sheet.iter_rows(max_row=max_rows + 1, max_col=max_columns + 1, values_only=True)
        for row in rows:
            rows_read += 1
            if rows_read > max_rows:
                raise ValidationError(
                    _(
                        "%(name)s has more than %(limit)d rows; the upload reads at most "
                        "%(limit)d. Use `manage.py import_data` with CSV files instead."
                    )
                    % {"name": name, "limit": max_rows}
                )
            if len(row) > max_columns and row[max_columns] is not None:
                raise ValidationError(
                    _(
                        "%(name)s, sheet %(sheet)s, has more than %(limit)d columns; "
                        "the upload reads at most %(limit)d."
                    )
                    % {"name": name, "sheet": sheet.title, "limit": max_columns}
                )
            if row.count(None) == len(row):
                buffer.write("\r\n")  # keeps the line numbers of the rows after it
            else:
                writer.writerow([_xlsx_cell(value) for value in row[:max_columns]])
        files.append((f"{table.strip().lower()}.csv", buffer.getvalue().encode("utf-8")))
    return files


# An XLSX is a ZIP: a small upload may unpack to gigabytes of sheet XML. Ordinary workbooks
# compress about 5 to 10 times; this leaves room for sparse sheets.
MAX_UNPACK_RATIO = 50


def refuse_a_zip_bomb(name: str, content: bytes) -> None:
    """The workbook's unpacked size, from its ZIP directory, before anything is unpacked."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    limit = MAX_UNPACK_RATIO * settings.IMPORT_UPLOAD_MAX_BYTES
    if unpacked > limit:
        raise ValidationError(
            _(
                "%(name)s unpacks to %(size)d MB, more than %(limit)d MB. "
                "Use `manage.py import_data` with CSV files instead."
            )
            % {"name": name, "size": unpacked // 2**20, "limit": limit // 2**20}
        )


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Spreadsheets store amounts as floats; whole numbers must not gain a ".0".
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def pack(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def unpack(payload: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def import_uploaded(files: list[tuple[str, bytes]], *, dry_run: bool, user) -> ImportReport:
    return run_import(
        [(name, io.BytesIO(content)) for name, content in files], dry_run=dry_run, user=user
    )


def import_previews_expire() -> int:
    """Delete the previews older than IMPORT_PREVIEW_TTL_HOURS; returns how many."""
    deleted, _ = PendingUpload.objects.filter(created_at__lt=PendingUpload.expiry_cutoff()).delete()
    return deleted
