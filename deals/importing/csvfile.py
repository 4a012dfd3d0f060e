"""Reading one CSV file of the import format as a stream of rows with their line numbers."""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from startups.spreadsheet import restore

from .report import ImportReport


@dataclass
class Row:
    line: int  # as an editor shows it; the header is line 1
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        # The apostrophe an export put before a formula character is not part of the value.
        return restore((self.cells.get(column) or "").strip())


NUL_MESSAGE = "Null characters are not allowed."


class FileRefused(Exception):
    """The file cannot be read as the import format at all."""


def decoded_lines(name: str, handle: BinaryIO, report: ImportReport) -> Iterator[str]:
    """Lines decoded one by one, so that a bad byte is reported on its own line."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            report.problem(name, number, None, _not_utf8(error))
            return


def read_rows(
    name: str,
    handle: BinaryIO,
    required: list[str],
    report: ImportReport,
) -> Iterator[Row]:
    """Yield rows; report a file-level problem (and stop) when the file is not usable."""
    lines = decoded_lines(name, handle, report)
    header_line = next(lines, "")
    if not header_line.strip():
        if not report.problems or report.problems[-1].file != name:
            report.problem(name, None, None, "is empty: expected a header row of column names")
        return
    if header_line.count(",") == 0 and header_line.count(";") > 0:
        report.problem(
            name,
            1,
            None,
            "is not comma-separated: the header is split by ';'. Save it as CSV with commas.",
        )
        return
    header = [column.strip() for column in next(csv.reader([header_line]))]
    missing = [column for column in required if column not in header]
    if missing:
        report.problem(name, 1, None, f"lacks the required column(s) {', '.join(missing)}")
        return
    reader = csv.DictReader(lines, fieldnames=header)
    last_line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.problem(name, last_line + 1, None, f"is not valid CSV: {error}")
            return
        line = last_line + 1
        last_line = reader.line_num + 1  # line_num counts the lines after the header
        if not any((value or "").strip() for value in cells.values() if isinstance(value, str)):
            continue
        with_nul = [c for c, v in cells.items() if isinstance(v, str) and "\x00" in v]
        if with_nul:
            # PostgreSQL cannot store a NUL in text: refused here, for every table, with the
            # message the admin and the API give.
            for column in with_nul:
                report.problem(name, line, column, NUL_MESSAGE)
            continue
        yield Row(line=line, cells=cells)


def _not_utf8(error: UnicodeDecodeError) -> str:
    byte = error.object[error.start : error.start + 1].hex().upper()
    return f"is not UTF-8 text (byte 0x{byte} cannot be decoded); save the file as UTF-8"
