"""List pages written from `.values()` rows instead of model instances.

A serializer that opts in (`Meta.list_serializer_class = RowsListSerializer`, its viewset
naming a `row_selector`) gets a plan made once per class from its own fields: for each field,
the `.values()` column it reads and the conversion its `to_representation` would make, chosen
once instead of looked up per field and per row. The output is the serializer's own, key for
key (tests/api/test_rows.py compares the two); validation, detail pages and writes still go
through the fields.
"""

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework.settings import api_settings

from ..fields import PartialDateField, SourceUrlsField
from ..selectors import SOURCE_URLS_KEY, RelatedRows

SLUG_READ = relations.SlugRelatedField.to_representation
Convert = Callable[[Any], Any] | None  # None: the value is written as read


@dataclass(frozen=True)
class Entry:
    name: str  # the output key
    key: str  # the row's key: a `.values()` column, a relation's name or SOURCE_URLS_KEY
    field: serializers.Field
    model_field: models.Field | None = None  # the column's model field, None for lists
    convert: Convert = None
    in_time_zone: bool = False  # a datetime, written in the request's time zone
    nested: "RowPlan | None" = None
    # A value made from several columns (a field's `row_columns`, given to its `from_columns`)
    # is put in the row under `key` before the row is written.
    reads: tuple[str, ...] = ()
    combine: Callable[..., Any] | None = None


@dataclass(frozen=True)
class RowPlan:
    """What a list page of one serializer reads, and how each value is written."""

    model: type[models.Model]
    entries: tuple[Entry, ...]

    @property
    def columns(self) -> list[str]:
        columns = []
        for entry in self.entries:
            if entry.model_field is not None:
                columns.append(entry.key)
            columns.extend(entry.reads)
        return list(dict.fromkeys(columns))

    @property
    def relations(self) -> dict[str, "RowPlan"]:
        """Reverse foreign keys shown as nested lists: `participations` -> their plan."""
        return {entry.key: entry.nested for entry in self.entries if entry.nested is not None}

    def related_rows(self) -> dict[str, RelatedRows]:
        """What deals.api.selectors.add_related_rows reads for these rows' nested lists: each
        relation's columns, with its key when its rows have nested lists of their own."""
        related = {}
        for name, nested in self.relations.items():
            own = nested.related_rows()
            key = [nested.model._meta.pk.name] if own else []
            related[name] = RelatedRows(tuple(dict.fromkeys([*nested.columns, *key])), own)
        return related

    @property
    def shows_source_urls(self) -> bool:
        return any(entry.key == SOURCE_URLS_KEY for entry in self.entries)

    def writer(self) -> Callable[[list[dict]], list[dict]]:
        """A function from rows to output records in this request's time zone (DRF's
        DateTimeField.default_timezone, looked up once instead of per value)."""
        return self._writer(timezone.get_current_timezone() if settings.USE_TZ else None)

    def _writer(self, zone: dt.tzinfo | None) -> Callable[[list[dict]], list[dict]]:
        steps, combined = [], []
        for entry in self.entries:
            if entry.combine is not None:
                combined.append((entry.key, entry.reads, entry.combine))
            convert = entry.convert
            if entry.nested is not None:
                convert = entry.nested._writer(zone)
            elif entry.in_time_zone:
                convert = datetime_converter(entry.field, zone)
            steps.append((entry.name, entry.key, convert))

        def write(rows: list[dict]) -> list[dict]:
            records = []
            for row in rows:
                for key, reads, combine in combined:
                    row[key] = combine(*(row[column] for column in reads))
                record = {}
                for name, key, convert in steps:
                    value = row[key]
                    record[name] = value if convert is None or value is None else convert(value)
                records.append(record)
            return records

        return write


def is_iso(field: serializers.Field, default: str | None) -> bool:
    output_format = getattr(field, "format", default)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


def column_entry(name: str, key: str, field: serializers.Field, column: models.Field) -> Entry:
    """What `field.to_representation` does to a value read from `column`, made cheap where
    the field is DRF's own and the column's type is known; else that method itself."""
    method, convert = type(field).to_representation, field.to_representation
    text = isinstance(column, models.CharField | models.TextField)
    a_date = isinstance(column, models.DateField) and not isinstance(column, models.DateTimeField)
    if method in (serializers.CharField.to_representation, SLUG_READ):
        convert = None if text else str
    elif method is serializers.ChoiceField.to_representation:
        convert = None if text and all(type(key) is str for key in field.choices) else convert
    elif method is serializers.IntegerField.to_representation:
        convert = None if isinstance(column, models.IntegerField) else int
    elif method is serializers.BooleanField.to_representation:
        convert = None if isinstance(column, models.BooleanField) else convert
    elif method is PartialDateField.to_representation and a_date:
        convert = dt.date.isoformat
    elif method is serializers.DateField.to_representation and a_date:
        convert = dt.date.isoformat if is_iso(field, api_settings.DATE_FORMAT) else convert
    elif method is serializers.DecimalField.to_representation:
        convert = decimal_converter(field, column)
    elif method is serializers.DateTimeField.to_representation and is_iso(
        field, api_settings.DATETIME_FORMAT
    ):
        return Entry(name, key, field, column, in_time_zone=True)
    return Entry(name, key, field, column, convert)


def decimal_converter(field: serializers.DecimalField, column: models.Field) -> Convert:
    """DRF's quantize and format, with the quantum and context made once, not per value;
    only the format where the ORM already gives the column's places (psycopg's numeric of
    that scale, Django's SQLite converter quantizes) and the field has the same."""
    as_string = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not as_string or field.localize or field.normalize_output or field.decimal_places is None:
        return field.to_representation
    if (
        isinstance(column, models.DecimalField)
        and column.decimal_places == field.decimal_places
        and (field.max_digits is None or column.max_digits <= field.max_digits)
    ):
        return "{:f}".format
    quantum = decimal.Decimal(".1") ** field.decimal_places
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    rounding, fallback = field.rounding, field.to_representation

    def convert(value):
        if type(value) is not decimal.Decimal:
            return fallback(value)
        return format(value.quantize(quantum, rounding=rounding, context=context), "f")

    return convert


def datetime_converter(field: serializers.DateTimeField, zone: dt.tzinfo | None) -> Convert:
    """ISO 8601 in the field's time zone, `Z` for UTC, as DRF writes it."""
    zone = field.timezone if hasattr(field, "timezone") else zone
    fallback = field.to_representation
    if zone is None:
        return fallback

    def convert(value):
        if type(value) is not dt.datetime or value.utcoffset() is None:
            return fallback(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


class RowsListSerializer(serializers.ListSerializer):
    """A list of records given as `.values()` rows (list pages, deals.api.views) or as model
    instances (anything else); rows are written by the child class's plan."""

    def to_representation(self, data) -> list[dict]:
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return row_plan(type(self.child)).writer()(data)
        return super().to_representation(data)


@cache
def row_plan(serializer_class: type[serializers.Serializer]) -> RowPlan:
    """Made once per class: the fields of these serializers do not depend on the request."""
    return plan_of(serializer_class())


def plan_of(serializer: serializers.Serializer) -> RowPlan:
    model = serializer.Meta.model
    return RowPlan(model, tuple(entry_for(model, field) for field in serializer._readable_fields))


def entry_for(model: type[models.Model], field: serializers.Field) -> Entry:
    name = field.field_name
    if isinstance(field, SourceUrlsField):
        return Entry(name, SOURCE_URLS_KEY, field, convert=sorted)  # as the field reads them
    if hasattr(field, "row_columns"):
        # Its own key in the row: no column of a model starts with an underscore.
        return Entry(name, f"_{name}", field, reads=field.row_columns, combine=field.from_columns)
    if isinstance(field, serializers.ListSerializer):
        relation = model._meta.get_field(field.source)
        if not relation.one_to_many:
            raise unsupported(model, name)
        return Entry(name, field.source, field, nested=plan_of(field.child))
    path = list(field.source_attrs)
    if isinstance(field, relations.SlugRelatedField):
        path.append(field.slug_field)
    elif isinstance(field, serializers.BaseSerializer | relations.RelatedField) or not path:
        raise unsupported(model, name)
    return column_entry(name, "__".join(path), field, column_at(model, path, name))


def column_at(model: type[models.Model], path: list[str], name: str) -> models.Field:
    """The model field at the end of `path` (`startup`, `name_en`), through foreign keys."""
    try:
        for attr in path[:-1]:
            relation = model._meta.get_field(attr)
            if not (relation.many_to_one or relation.one_to_one) or not relation.concrete:
                raise unsupported(model, name)
            model = relation.related_model
        column = model._meta.get_field(path[-1])
    except FieldDoesNotExist:
        raise unsupported(model, name) from None
    if column.is_relation or not column.concrete:
        raise unsupported(model, name)
    return column


def unsupported(model: type[models.Model], name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{model.__name__} field {name!r} reads no column: its serializer cannot list rows"
    )
