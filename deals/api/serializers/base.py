"""What every resource's serializer shares: import-format names in and out, partial dates
checked with their precision, and the keyword arguments its service takes."""

from operator import attrgetter
from typing import Any

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import relations, serializers

from startups.fields import HttpURLField as HttpURLModelField
from startups.models import Source
from startups.services import unknown_source_urls
from startups.vocab import parse_partial_date

from ..fields import FigureField, HttpURLField, TextField
from ..touches import permission

READ_ONLY_TIMESTAMPS = ("created_at", "updated_at")
# Fields whose form input is a key given once per value.
SEVERAL_VALUES = (serializers.ListField, serializers.ListSerializer, relations.ManyRelatedField)
# A model's decimal figures and web addresses are written as the import and the admin take
# them (FigureField, HttpURLField), its text as JSON strings only (TextField).
FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.DecimalField: FigureField,
    HttpURLModelField: HttpURLField,
    models.CharField: TextField,
    models.TextField: TextField,
}


class ColumnReadsMixin:
    """`to_representation` that reads a field backed by one of the model's own columns
    straight off the instance, without DRF's general attribute look-up; every other field
    (related, nested, computed) goes the usual way. The same output, in about two thirds of
    the time on a page of rounds (docs/benchmarks.md)."""

    @cached_property
    def _readers(self) -> list[tuple[str, serializers.Field, Any]]:
        model = self.Meta.model
        columns = {field.name for field in model._meta.concrete_fields if not field.is_relation}
        readers = []
        for field in self._readable_fields:
            plain = field.source in columns and not isinstance(
                field, serializers.BaseSerializer | relations.RelatedField
            )
            readers.append((field.field_name, field, attrgetter(field.source) if plain else None))
        return readers

    def to_representation(self, instance) -> dict[str, Any]:
        data = {}
        for name, field, read in self._readers:
            if read is None:
                try:
                    value = field.get_attribute(instance)
                except serializers.SkipField:
                    continue
                if isinstance(value, relations.PKOnlyObject) and value.pk is None:
                    value = None
            else:
                value = read(instance)
            data[name] = None if value is None else field.to_representation(value)
        return data


class PrefetchedListSerializer(serializers.ListSerializer):
    """Reads the list a selector prefetched into `prefetched_<source>` (a Prefetch with
    `to_attr`), else the related manager."""

    def get_attribute(self, instance):
        prefetched = getattr(instance, f"prefetched_{self.source}", None)
        return prefetched if prefetched is not None else super().get_attribute(instance)


class RecordSerializer(ColumnReadsMixin, serializers.ModelSerializer):
    """Validates the shape of a write; the service validates the record (model rules).

    `partial_dates` pairs a partial-date field with its precision field (or None when the
    precision is not stored); the text is parsed as the import format parses it.
    """

    partial_dates: tuple[tuple[str, str | None], ...] = ()
    serializer_field_mapping = FIELD_MAPPING

    def get_validators(self) -> list:
        # Uniqueness and constraints are checked once, by the service's full_clean().
        return []

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        # Nor do the fields of a natural key become required here: `chip` may stay blank.
        return extra_kwargs, {}

    def to_internal_value(self, data):
        # A form body may repeat a key; DRF would silently keep its last value, so a field
        # given twice could be saved as something neither value said.
        if hasattr(data, "getlist"):
            repeated = {
                name: [_("Give one value, not %(count)d.") % {"count": len(data.getlist(name))}]
                for name, field in self.fields.items()
                if not field.read_only
                and not isinstance(field, SEVERAL_VALUES)
                and len(data.getlist(name)) > 1
            }
            if repeated:
                raise serializers.ValidationError(repeated)
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for date_name, precision_name in self.partial_dates:
            self._parse_partial_date(attrs, date_name, precision_name, errors)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _parse_partial_date(self, attrs, date_name, precision_name, errors) -> None:
        date_source = self.fields[date_name].source
        precision_source = self.fields[precision_name].source if precision_name else None
        text = attrs.get(date_source)
        precision = attrs.get(precision_source, "") if precision_source else ""
        if text is None:
            stored = getattr(self.instance, date_source, None) if self.instance else None
            if not precision or stored is None:
                return
            text = stored.isoformat()
        try:
            value, precision = parse_partial_date(text, precision)
        except ValueError as error:
            about_precision = precision_name and "precision" in str(error)
            errors[precision_name if about_precision else date_name] = [str(error)]
            return
        attrs[date_source] = self.date_value(date_name, value, precision)
        if precision_source:
            attrs[precision_source] = precision

    def date_value(self, name: str, value, precision: str):
        """The stored date of a partial date: its first day (metrics' ends override this)."""
        return value

    def service_fields(self) -> dict[str, Any]:
        """The validated data as the service's keyword arguments (model field names)."""
        return dict(self.validated_data)

    def nested_permissions(self) -> set[str]:
        """The permissions this write needs for records other than its own (deals/api/
        touches.py): here, adding the sources that its source URLs would create."""
        fields = self.service_fields()
        urls = fields.get("source_urls") or (
            [fields["source_url"]] if fields.get("source_url") else []
        )
        return {permission(Source, "add")} if unknown_source_urls(urls) else set()

    def error_names(self) -> dict[str, str]:
        """Model field name -> API field name, to report a service's errors."""
        return {
            field.source: name
            for name, field in self.fields.items()
            if field.source and field.source != "*"
        }
