"""CSV cells that a spreadsheet opens safely, and back.

A cell starting with `=`, `+`, `-`, `@`, tab or carriage return is a formula to Excel,
LibreOffice and Google Sheets (OWASP "CSV injection"). Every CSV the site writes (the API's
`?format=csv`, the pages' CSV links, `export_data` and the admin's ZIP) passes each cell through
`neutralise`: such a cell gets a leading apostrophe, which makes it text. A number (`-12.5`) is
left as it is, whatever its column: a spreadsheet reads it as the number it is, nothing runs.

The importer passes each cell through `restore`, which removes that apostrophe again, so that
an exported file imports to the values it came from. The pair is exact for any text: a value
that itself starts with apostrophes before a formula character (`'=x`) gets one more.
"""

import re

# One or more apostrophes of ours, or none, then a formula character.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(text: str) -> str:
    """`=SUM(A1)` -> `'=SUM(A1)`; `-12.5` and `Zhipu` unchanged."""
    if _FORMULA.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The inverse of `neutralise`: `'=SUM(A1)` -> `=SUM(A1)`; anything else unchanged."""
    if text.startswith("'") and neutralise(text[1:]) == text:
        return text[1:]
    return text
