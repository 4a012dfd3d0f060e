"""Where a CSV file's quotes went wrong, said as a person would fix it: the line and column
where the quoted cell starts, not the row that the lines it swallowed made."""

import csv
import re
from dataclasses import dataclass

ADVICE = 'close it, or write a quote that is part of the text as two ("")'
QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)("?)')
UNQUOTED = re.compile(r"[^,\r\n]*")

# (line, column, message), as ImportReport.problem takes them after the file name.
Located = tuple[int, str | None, str]


@dataclass(frozen=True)
class QuoteFault:
    line: int  # where the quoted cell opens
    field: int  # its position in the row
    closed_on: int | None  # where it closes, None when the file ends inside it


def runaway_quote(line: int, cells: list[str], header: list[str]) -> Located | None:
    """A cell that swallowed whole rows: a quote opened in one row and closed, at the end of
    a cell, some lines later. The CSV is well-formed, so only its contents tell: a cell spans
    lines and one of them holds a row's worth of commas, or the row has more filled cells
    than the header has columns (the rest of the closing line). A note written on two lines
    has neither."""
    for field, value in enumerate(cells):
        if "\n" not in value and "\r" not in value:
            continue
        parts = value.splitlines()
        rows_inside = any(part.count(",") >= max(len(header) - 1, 1) for part in parts)
        rest_of_a_line = any(cell.strip() for cell in cells[len(header) :])
        if rows_inside or rest_of_a_line:
            opened = line + sum(cell.count("\n") for cell in cells[:field])
            fault = QuoteFault(opened, field, opened + value.count("\n"))
            return located(fault, header)
    return None


def bad_csv(line: int, text: str, header: list[str], error: csv.Error) -> Located:
    """What the strict reader refused in the record starting on `line` (its `text`)."""
    fault = find_quote_fault(text, line)
    if fault is None:
        return line, None, f"is not valid CSV: {error}"
    if "field larger than field limit" in str(error):
        # The reader gave up inside the cell: whether it closes later is not known.
        limit = csv.field_size_limit()
        return located(fault, header, f"runs on for more than {limit:,} characters")
    return located(fault, header)


def located(fault: QuoteFault, header: list[str], what: str = "") -> Located:
    column = header[fault.field] if fault.field < len(header) else None
    message = f"unbalanced quote: the quoted cell that starts here {what or _what(fault)}"
    return fault.line, column, f"{message}; {ADVICE}"


def _what(fault: QuoteFault) -> str:
    if fault.closed_on is None:
        return "never closes, so the rest of the file was read into it"
    if fault.closed_on == fault.line:
        return "closes before the cell ends"
    return f"runs on to line {fault.closed_on}, reading the lines between into one cell"


def find_quote_fault(text: str, line: int) -> QuoteFault | None:
    """The first quoted cell of `text` (a record's lines, the first of them `line`) that the
    file ends inside, or that text follows after its closing quote."""
    position, field = 0, 0
    while position < len(text):
        if text[position] == '"':
            quoted = QUOTED.match(text, position)
            opened = (line, field)
            line += quoted.group(1).count("\n")
            if not quoted.group(2):
                return QuoteFault(*opened, None)
            position = quoted.end()
            if position < len(text) and text[position] not in ",\r\n":
                return QuoteFault(*opened, line)
        else:
            position = UNQUOTED.match(text, position).end()
        if position >= len(text):
            break
        if text[position] == ",":
            field += 1
            position += 1
        else:
            position += 2 if text.startswith("\r\n", position) else 1
            line, field = line + 1, 0
    return None
