"""JSON through orjson (fast), and CSV for spreadsheets: one row per record, nested fields
flattened, cells that a spreadsheet would run as a formula neutralised (startups.spreadsheet)."""

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import orjson
from django.http import Http404
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, HTMLFormRenderer
from rest_framework.utils.field_mapping import ClassLookupDict

from startups.spreadsheet import neutralise

LIST_SEPARATOR = "; "
# Left out of CSV: a record's claims are a list of objects per figure, which one row of cells
# cannot hold readably (the import's claims.csv is their file); `disputed` stays, one cell.
CSV_LEFT_OUT = frozenset({"claims"})


class JSONRenderer(ORJSONRenderer):
    """orjson, with datetimes in UTC written `...Z` like DRF's own fields, and the integer keys
    of DRF's list errors (`{"source_urls": {0: [...]}}`) written as strings."""

    options = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def rows_of(data: Any) -> list[dict]:
    """The records of a response: a page's or an envelope's `results`, or one record."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return [row if isinstance(row, dict) else {"value": row} for row in data]
    return [{"value": data}]


def scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return neutralise(str(value))


def flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    """Nested objects become `parent.child` columns; a list of values one `; ` cell; a list
    of objects one column per key, each a `; ` list in the same order (participants.investor,
    participants.is_lead, ...)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in CSV_LEFT_OUT:
                flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        columns: dict[str, list[str]] = {}
        for index, item in enumerate(value):
            cells: dict[str, str] = {}
            flatten(item, prefix, cells)
            for key, cell in cells.items():
                columns.setdefault(key, [""] * index).append(cell)
            for cell_list in columns.values():
                if len(cell_list) <= index:
                    cell_list.append("")
        out.update({key: LIST_SEPARATOR.join(cells) for key, cells in columns.items()})
    elif isinstance(value, list):
        if value:
            out[prefix] = LIST_SEPARATOR.join(scalar(item) for item in value)
    else:
        out[prefix] = scalar(value)


def columns_of(serializer: serializers.BaseSerializer, prefix: str = "") -> list[str]:
    """The flat column names of a serializer's output, so that every page has one header."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    columns = []
    for name, field in serializer.fields.items():
        if field.write_only or name in CSV_LEFT_OUT:
            continue
        column = f"{prefix}{name}"
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.Serializer):
            columns.extend(columns_of(nested, f"{column}."))
        else:
            columns.append(column)
    return columns


def flat_cells(record: dict) -> dict[str, str]:
    cells: dict[str, str] = {}
    flatten(record, "", cells)
    return cells


def to_csv(rows: Iterable[dict], columns: Iterable[str] = ()) -> str:
    flat = [flat_cells(row) for row in rows]
    header: dict[str, None] = dict.fromkeys(columns)
    for cells in flat:
        header.update(dict.fromkeys(cells))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), restval="", lineterminator="\r\n")
    if header:
        writer.writeheader()
    writer.writerows(flat)
    return buffer.getvalue()


def csv_stream(chunks: Iterable[list[dict]], columns: list[str]) -> Iterator[bytes]:
    """A CSV written as its records come, one piece per chunk of records: the header first
    (from the serializer, so it is known before any record), then each chunk's lines. A cell
    outside the header would be a serializer that columns_of misreads: an error, not a
    silently dropped value (tests/api/test_csv.py checks every resource)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\r\n")
    writer.writeheader()
    yield buffer.getvalue().encode("utf-8")
    for records in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(flat_cells(record) for record in records)
        yield buffer.getvalue().encode("utf-8")


class CSVRenderer(BaseRenderer):
    """`?format=csv` (or `Accept: text/csv`): a record or a statistic's rows as CSV, UTF-8.
    A list of records is streamed whole instead (RecordViewSet.list and csv_stream)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        context = renderer_context or {}
        response, view = context.get("response"), context.get("view")
        columns: list[str] = []
        succeeded = response is None or response.status_code < 400
        if succeeded and view is not None and hasattr(view, "get_serializer_class"):
            columns = columns_of(view.get_serializer_class()(context={"view": view}))
        return to_csv(rows_of(data), columns).encode("utf-8")


class BoundedFormRenderer(HTMLFormRenderer):
    """The browsable API's forms with a text input for every related field: DRF's <select>
    lists the related table (up to 1,000 options per field, 1.8 MB a page at 100k rounds)."""

    default_style = ClassLookupDict(
        {
            **HTMLFormRenderer.default_style.mapping,
            RelatedField: {"base_template": "input.html", "input_type": "text"},
            ManyRelatedField: {"base_template": "input.html", "input_type": "text"},
        }
    )


class SignedInBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The HTML API, offered to signed-in users only (ContentNegotiation), with forms whose
    related fields and filters are plain inputs."""

    form_renderer_class = BoundedFormRenderer


def signed_in(request) -> bool:
    """Signed in with a session (Django's user, no DRF authentication run yet: a bad token is
    refused later, the usual way)."""
    user = getattr(request._request, "user", None)
    return bool(user is not None and user.is_authenticated)


class ContentNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is bad input (400 naming the parameter), not a missing page; the
    browsable API is for signed-in users, anonymous callers get JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not signed_in(request):
            renderers = [r for r in renderers if not isinstance(r, BrowsableAPIRenderer)]
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            known = ", ".join(sorted({r.format for r in renderers if r.format != "api"}))
            message = f"must be one of {known} (got {wanted!r})"
            raise ValidationError({self.settings.URL_FORMAT_OVERRIDE: [message]}) from None
