"""Keyset ("cursor") pagination: as fast on page 10,000 as on page 1, and stable under writes.

DRF's CursorPagination keeps a position on one field and an offset among equal values, capped
at 1,000: on a million rounds, more than 1,000 on one day would break it. Here the position is
the pair (ordering field, primary key), which is unique, so no offset is ever needed:
`WHERE (announced_on, id) < (:date, :id) ORDER BY announced_on DESC, id DESC LIMIT n + 1`
(a row comparison on PostgreSQL; SQLite gets the equivalent OR of comparisons).
"""

import json
from base64 import b64decode, b64encode
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Lookup, Model, QuerySet
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
        self.field = self.get_ordering(request, queryset, view)[0]
        descending = self.field.startswith("-")
        self.name = self.field.lstrip("-")
        if self.name == "pk":
            self.name = queryset.model._meta.pk.name
        self.model = queryset.model
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        # The direction the query walks: the requested order, or its opposite going back.
        ascending = descending == reverse
        sign = "" if ascending else "-"
        keys = [f"{sign}{self.name}", f"{sign}pk"] if self.name != "id" else [f"{sign}pk"]
        queryset = queryset.order_by(*keys)
        if self.cursor is not None:
            queryset = queryset.filter(self._after(queryset.model, self.cursor.position, ascending))
        rows = list(self._with_cursor_keys(queryset)[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, self.cursor is not None
        self.display_page_controls = (self.has_next or self.has_previous) and bool(self.template)
        return self.page

    def _with_cursor_keys(self, queryset: QuerySet) -> QuerySet:
        """A page read as `.values()` rows (deals.api.views) reads the cursor's keys too."""
        columns = queryset._fields
        if not columns:  # model instances, or rows of every column
            return queryset
        missing = {self.name, self.model._meta.pk.name}.difference(columns)
        return queryset.values(*columns, *missing) if missing else queryset

    def _position(self, record: Model | dict) -> str:
        if isinstance(record, dict):
            value, pk = record[self.name], record[self.model._meta.pk.name]
        else:
            value, pk = getattr(record, self.name), record.pk
        return json.dumps([None if value is None else str(value), pk])

    def _after(self, model: type[Model], position: tuple[Any, int], ascending: bool) -> Lookup:
        """Rows after `position` in the walking direction, pk breaking ties: a row comparison
        `(field, id) > (value, pk)` that PostgreSQL answers from an index on (field, id)."""
        value, pk = position
        after = TupleGreaterThan if ascending else TupleLessThan
        if self.name == "id":
            return after(Tuple(F("pk")), (pk,))
        return after(Tuple(F(self.name), F("pk")), (value, pk))

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None
        try:
            reverse, value, pk = json.loads(b64decode(encoded.encode("ascii")).decode("utf-8"))
            field = (
                self.model._meta.pk if self.name == "id" else self.model._meta.get_field(self.name)
            )
            value = None if value is None else field.to_python(value)
            pk = int(pk)
        except (ValueError, TypeError, UnicodeError, DjangoValidationError):
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None
        if (value is None and self.name != "id") or "\x00" in str(value):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return Cursor(offset=0, reverse=bool(reverse), position=(value, pk))

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
