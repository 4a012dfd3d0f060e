"""Text inside plotly figures: escaped names, and long ones wrapped or shortened so that they
fit a chart on a phone. Widths are counted in columns, a Chinese character taking two."""

import re
import unicodedata
from html import escape as html_escape

from .formatting import local_name

# An HTML entity cut short by shortening ("&am"), to drop rather than show.
CUT_ENTITY = re.compile(r"&[^;\s]*$")


def escape(text: str) -> str:
    """Plotly renders a few HTML tags in its text: names and notes must not add any."""
    return html_escape(text or "", quote=False)


def label(record) -> str:
    """A name for plotly's pseudo-HTML text: escaped, since plotly renders tags in it."""
    return escape(local_name(record))


def text_width(text: str) -> int:
    """Width in columns: a Chinese character takes two, as it does on screen."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap_label(text: str, columns: int, lines: int = 2) -> str:
    """A long name broken between words into at most `lines` lines of about `columns`
    columns (plotly's <br>), the last one cut with an ellipsis if the name is longer still,
    so that axis labels leave room for the bars on a phone."""
    rows: list[str] = []
    for word in text.split(" "):
        if rows and text_width(f"{rows[-1]} {word}") <= columns:
            rows[-1] = f"{rows[-1]} {word}"
        else:
            rows.append(word)
    if len(rows) > lines:
        rows[lines - 1 :] = [" ".join(rows[lines - 1 :])]
    return "<br>".join(shorten(row, columns) for row in rows)


def shorten(text: str, columns: int) -> str:
    """The text cut to `columns` columns, an ellipsis marking the cut (never inside an
    HTML entity of the escaped text)."""
    if text_width(text) <= columns:
        return text
    while text_width(text) > columns - 1:
        text = text[:-1]
    return CUT_ENTITY.sub("", text).rstrip() + "…"
