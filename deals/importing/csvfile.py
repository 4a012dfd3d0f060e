"""Reading one CSV file of the import format as a stream of rows with their line numbers."""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from startups.spreadsheet import restore

from .quotes import bad_csv, runaway_quote
from .report import ImportReport


@dataclass
class Row:
    line: int  # as an editor shows it; the header is line 1
    cells: dict[str, str]

    def has(self, column: str) -> bool:
        """Whether the file has the column (a blank cell of it is still there)."""
        return column in self.cells

    def __getitem__(self, column: str) -> str:
        # The apostrophe an export put before a formula character is not part of the value.
        return restore((self.cells.get(column) or "").strip())


NUL_MESSAGE = "Null characters are not allowed."


class FileRefused(Exception):
    """The file cannot be read as the import format at all."""


class Lines:
    """A file's lines decoded one by one, so that a bad byte is reported on its own line;
    the lines of the record being read are kept, to say where a broken quote starts."""

    def __init__(self, name: str, handle: BinaryIO, report: ImportReport):
        self.name, self.handle, self.report = name, handle, report
        self.number = 0
        self.undecodable = False
        self.record: list[str] = []

    def __iter__(self) -> "Lines":
        return self

    def __next__(self) -> str:
        raw = next(self.handle)
        self.number += 1
        if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.report.problem(self.name, self.number, None, _not_utf8(error))
            self.undecodable = True
            raise StopIteration from None
        self.record.append(line)
        return line


def read_rows(
    name: str,
    handle: BinaryIO,
    required: list[str],
    report: ImportReport,
) -> Iterator[Row]:
    """Yield rows; report a file-level problem (and stop) when the file is not usable."""
    lines = Lines(name, handle, report)
    header_line = next(lines, "")
    if not header_line.strip():
        if not lines.undecodable:
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
    # Strict: a quote left open (the file ends inside it) or closed in mid-cell is an error,
    # where the lenient reader would read the lines after it into one cell.
    reader = csv.reader(lines, strict=True)
    while True:
        line = reader.line_num + 2  # line_num counts the lines after the header
        lines.record.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if not lines.undecodable:
                report.problem(name, *bad_csv(line, "".join(lines.record), header, error))
            return
        if not any(value.strip() for value in cells):
            continue
        spans_lines = reader.line_num + 1 > line
        runaway = spans_lines and runaway_quote(line, cells, header)
        if runaway:
            report.problem(name, *runaway)
            continue
        # A short row leaves its last columns empty (present, blank: a column the header
        # names is in every row); cells past the header are not read.
        cells += [""] * (len(header) - len(cells))
        by_column = dict(zip(header, cells, strict=False))
        with_nul = [column for column, value in by_column.items() if "\x00" in value]
        if with_nul:
            # PostgreSQL cannot store a NUL in text: refused here, for every table, with the
            # message the admin and the API give.
            for column in with_nul:
                report.problem(name, line, column, NUL_MESSAGE)
            continue
        yield Row(line=line, cells=by_column)


def _not_utf8(error: UnicodeDecodeError) -> str:
    byte = error.object[error.start : error.start + 1].hex().upper()
    return f"is not UTF-8 text (byte 0x{byte} cannot be decoded); save the file as UTF-8"
