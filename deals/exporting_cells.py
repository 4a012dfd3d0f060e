"""How the export writes a value in a cell, so that the import reads it back as it was."""

import datetime as dt
from decimal import Decimal

from startups.vocab import format_partial_date


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def partial(value: dt.date | None, precision: str) -> str:
    """The readable partial form when it names the stored day exactly, else the full date."""
    if value is None:
        return ""
    short = format_partial_date(value, precision)
    first_day = {"year": dt.date(value.year, 1, 1), "month": value.replace(day=1)}.get(
        precision, dt.date(value.year, (value.month - 1) // 3 * 3 + 1, 1)
    )
    return short if precision != "day" and value == first_day else value.isoformat()
