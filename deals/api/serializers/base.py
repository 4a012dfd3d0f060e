"""What every resource's serializer shares: import-format names in and out, partial dates
checked with their precision, and the keyword arguments its service takes."""

from typing import Any

from rest_framework import serializers

from startups.vocab import parse_partial_date

READ_ONLY_TIMESTAMPS = ("created_at", "updated_at")


class RecordSerializer(serializers.ModelSerializer):
    """Validates the shape of a write; the service validates the record (model rules).

    `partial_dates` pairs a partial-date field with its precision field (or None when the
    precision is not stored); the text is parsed as the import format parses it.
    """

    partial_dates: tuple[tuple[str, str | None], ...] = ()

    def get_validators(self) -> list:
        # Uniqueness and constraints are checked once, by the service's full_clean().
        return []

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        # Nor do the fields of a natural key become required here: `chip` may stay blank.
        return extra_kwargs, {}

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

    def error_names(self) -> dict[str, str]:
        """Model field name -> API field name, to report a service's errors."""
        return {
            field.source: name
            for name, field in self.fields.items()
            if field.source and field.source != "*"
        }
