"""Reading one CSV file of the import format as a stream of rows with their line numbers."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .report import ImportReport


@dataclass
class Row:
    line: int  # as an editor shows it; the header is line 1
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


class FileRefused(Exception):
    """The file cannot be read as the import format at all."""


def open_text(handle: BinaryIO) -> io.TextIOWrapper:
    # utf-8-sig reads UTF-8 with or without a BOM; strict errors catch other encodings.
    return io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline="")


def read_rows(
    name: str,
    handle: BinaryIO,
    required: list[str],
    report: ImportReport,
) -> Iterator[Row]:
    """Yield rows; report a file-level problem (and stop) when the file is not usable."""
    text = open_text(handle)
    try:
        header_line = text.readline()
    except UnicodeDecodeError as error:
        report.problem(name, 1, None, _not_utf8(error))
        return
    if not header_line.strip():
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
    reader = csv.DictReader(text, fieldnames=header)
    last_line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            report.problem(name, last_line + 1, None, _not_utf8(error))
            return
        except csv.Error as error:
            report.problem(name, last_line + 1, None, f"is not valid CSV: {error}")
            return
        line = last_line + 1
        last_line = reader.line_num + 1  # line_num counts lines after the header we read
        if not any((value or "").strip() for value in cells.values() if isinstance(value, str)):
            continue
        yield Row(line=line, cells=cells)


def _not_utf8(error: UnicodeDecodeError) -> str:
    byte = error.object[error.start : error.start + 1].hex().upper()
    return f"is not UTF-8 text (byte 0x{byte} cannot be decoded); save the file as UTF-8"


def file_label(path: Path) -> str:
    return path.name
