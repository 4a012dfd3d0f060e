"""Keyset ("cursor") pagination: as fast on page 10,000 as on page 1, and stable under writes.

DRF's CursorPagination keeps a position on one field and an offset among equal values, capped
at 1,000: on a million rounds, more than 1,000 on one day would break it. Here the position is
the pair (ordering field, primary key), which is unique, so no offset is ever needed:
`WHERE (announced_on, id) < (:date, :id) ORDER BY announced_on DESC, id DESC LIMIT n + 1`
(a row comparison on PostgreSQL; SQLite gets the equivalent OR of comparisons).

A field that may be null (a round's amount in USD, a startup's latest valuation) sorts its
nulls last in both directions, on every database (PostgreSQL would put them first in a
descending order, SQLite first in an ascending one): `?ordering=-amount_usd` starts with the
largest disclosed amount, and the undisclosed ones follow, by id in the same direction. A
cursor among the nulls holds a null value. The values and the nulls are read as two
segments, each its own keyset query (see `_read`).
"""

import datetime as dt
import json
from base64 import b64decode, b64encode
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Model, QuerySet, prefetch_related_objects
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param


class KeysetPagination(CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    page_size_query_description = "Records per page (default 100, at most 500)."
    cursor_query_description = "The position to continue from: copy `next` or `previous`."
    invalid_cursor_message = "is not a cursor given by this API; copy it from next or previous."

    def __init__(self) -> None:
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        ordering = super().get_ordering(request, queryset, view)
        return (ordering[0],)

    def get_page_size(self, request: Request) -> int:
        """`?page_size=` as a whole number from 1 (larger values are capped); anything else is
        a 400 naming it, not a silent fall back to the default."""
        text = request.query_params.get(self.page_size_query_param)
        if not text:
            return self.page_size
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            message = f"must be a whole number from 1 to {self.max_page_size} (got {text[:50]!r})"
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(text), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view=None
    ) -> list[Model] | list[dict]:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self._read_order_and_cursor(queryset, request, view)
        reverse = bool(self.cursor and self.cursor.reverse)
        position = self.cursor.position if self.cursor else None
        rows = self._read(queryset, position, forward=not reverse, limit=self.page_size + 1)
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, self.cursor is not None
        self.display_page_controls = (self.has_next or self.has_previous) and bool(self.template)
        return self.page

    def chunks(
        self, queryset: QuerySet, request: Request, view, size: int
    ) -> Iterator[list[Model] | list[dict]]:
        """The whole list in its order (from a `next` link's cursor on, if given), `size`
        records a query: what a page of that size reads, walked to the end. The order, the
        cursor and the filters are checked now, so that bad input is a 400 before any row is
        sent; the rows are read as the chunks are consumed."""
        self._read_order_and_cursor(queryset, request, view)
        if self.cursor is not None and self.cursor.reverse:
            message = "must come from a next link here: the list is read forward to its end."
            raise ValidationError({self.cursor_query_param: [message]})
        return self._read_chunks(queryset, self.cursor.position if self.cursor else None, size)

    def _read_chunks(self, queryset: QuerySet, position, size: int) -> Iterator[list]:
        while True:
            rows = self._read(queryset, position, forward=True, limit=size)
            if rows:
                yield rows
            if len(rows) < size:
                return
            position = self._key(rows[-1])

    def _read_order_and_cursor(self, queryset: QuerySet, request: Request, view) -> None:
        self.field = self.get_ordering(request, queryset, view)[0]
        self.descending = self.field.startswith("-")
        self.name = self.field.lstrip("-")
        self.model = queryset.model
        pk_name = self.model._meta.pk.name
        if self.name == "pk":
            self.name = pk_name
        self.by_pk = self.name == pk_name
        try:
            self.value_field = self.model._meta.get_field(self.name)
            self.nullable = self.value_field.null
        except FieldDoesNotExist:  # a figure annotated by the selector (latest valuation)
            self.value_field = queryset.query.annotations[self.name].output_field
            self.nullable = True
        self.cursor = self.decode_cursor(request)

    def _read(
        self, queryset: QuerySet, position: tuple[Any, int] | None, forward: bool, limit: int
    ) -> list:
        """Up to `limit` rows after `position` (or from the start), walking `forward` in the
        requested order or backward against it. A nullable field is walked as two segments,
        its values then its nulls (nulls then values going backward), each a plain keyset
        query that PostgreSQL reads from an index on (field, id); a page that crosses from
        one to the other takes a second query. (One query ordered NULLS LAST with `IS NULL OR
        (field, id) > ...` cannot use the index: 500 ms a page on a million rounds.)"""
        ascending = self.descending != forward
        sign = "" if ascending else "-"
        after = TupleGreaterThan if ascending else TupleLessThan
        queryset = self._with_cursor_keys(queryset)
        if self.by_pk:
            rows = queryset.order_by(f"{sign}pk")
            if position is not None:
                rows = rows.filter(after(Tuple(F("pk")), (position[1],)))
            return list(rows[:limit])
        values = queryset.order_by(f"{sign}{self.name}", f"{sign}pk")
        if not self.nullable:
            if position is not None:
                values = values.filter(after(Tuple(F(self.name), F("pk")), position))
            return list(values[:limit])
        values = values.filter(**{f"{self.name}__isnull": False})
        nulls = queryset.filter(**{f"{self.name}__isnull": True}).order_by(f"{sign}pk")
        if position is None:
            segments = [values, nulls] if forward else [nulls, values]
        elif position[0] is None:  # among the nulls: the values are all behind, or all ahead
            rest = nulls.filter(after(Tuple(F("pk")), (position[1],)))
            segments = [rest] if forward else [rest, values]
        else:
            rest = values.filter(after(Tuple(F(self.name), F("pk")), position))
            segments = [rest, nulls] if forward else [rest]
        return self._rows_of(segments, limit)

    @staticmethod
    def _rows_of(segments: list[QuerySet], limit: int) -> list:
        """The first `limit` rows of the segments in turn, their related records fetched
        once for all of them (as for one query), not once per segment."""
        lookups = segments[0]._prefetch_related_lookups
        rows: list = []
        for segment in segments:
            rows += segment.prefetch_related(None)[: limit - len(rows)]
            if len(rows) >= limit:
                break
        prefetch_related_objects(rows, *lookups)
        return rows

    def _with_cursor_keys(self, queryset: QuerySet) -> QuerySet:
        """A page read as `.values()` rows (deals.api.views) reads the cursor's keys too."""
        columns = queryset._fields
        if not columns:  # model instances, or rows of every column
            return queryset
        missing = {self.name, self.model._meta.pk.name}.difference(columns)
        return queryset.values(*columns, *missing) if missing else queryset

    def _key(self, record: Model | dict) -> tuple[Any, int]:
        if isinstance(record, dict):
            return record[self.name], record[self.model._meta.pk.name]
        return getattr(record, self.name), record.pk

    def _position(self, record: Model | dict) -> str:
        value, pk = self._key(record)
        return json.dumps([None if value is None else str(value), pk])

    def decode_cursor(self, request: Request) -> Cursor | None:
        """The position of a `next` or `previous` link. Anything else (a cursor edited or made
        up) is a 400 before any query: the database would fail on some of it with an error
        (a 500), not an empty page."""
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None
        try:
            reverse, value, pk = json.loads(b64decode(encoded.encode("ascii")).decode("utf-8"))
            if type(reverse) is not bool or not (value is None or type(value) is str):
                raise ValueError("not a cursor this API writes")
            field = self.model._meta.pk if self.by_pk else self.value_field
            value = None if value is None else self._storable(field, value)
            pk = self._storable(self.model._meta.pk, pk) if type(pk) is int else None
        except (
            ValueError,
            TypeError,
            ArithmeticError,
            RecursionError,
            DjangoValidationError,
        ):
            pk = None
        if pk is None or (value is None and not self.nullable):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return Cursor(offset=0, reverse=reverse, position=(value, pk))

    @staticmethod
    def _storable(field, raw: str | int) -> Any:
        """`raw` as the field's value, if its column can hold it; else an error of those that
        decode_cursor catches. Range and digits come from the field's own validators (an id
        within 64 bits, an amount within its digits); text must be UTF-8 without NUL, which
        PostgreSQL refuses; a moment must be aware and within the years UTC can write."""
        if isinstance(raw, str):
            raw.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError
            if "\x00" in raw:
                raise ValueError("NUL")
        value = field.to_python(raw)
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError("a moment without its offset")
            value.astimezone(dt.UTC)  # OverflowError past year 9999 in UTC
        field.run_validators(value)
        return value

    def encode_cursor(self, cursor: Cursor) -> str:
        value, pk = json.loads(cursor.position)
        raw = json.dumps([cursor.reverse, value, pk]).encode("utf-8")
        return replace_query_param(self.base_url, self.cursor_query_param, b64encode(raw).decode())

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self.encode_cursor(Cursor(0, False, self._position(self.page[-1])))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.encode_cursor(Cursor(0, True, self._position(self.page[0])))

    def get_html_context(self) -> dict[str, Any]:
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}
