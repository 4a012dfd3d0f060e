"""Serializer fields for the import format's conventions: partial dates, months, `;` lists
of names, and the source URLs that every figure carries."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from startups.resolver import NoMatch, UnresolvedReference, resolve_reference
from startups.rules import URL_MAX_LENGTH, HttpURLValidator, missing_source
from startups.vocab import refuse_exponent, split_list

# A name is at most 200 characters; a reference past this is no name of anything.
REFERENCE_MAX_LENGTH = 300
PARTIAL_DATE_PATTERN = r"^\d{4}(-(\d{2}(-\d{2})?|Q[1-4]))?$"
MONTH_PATTERN = r"^\d{4}-\d{2}$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": PARTIAL_DATE_PATTERN,
        "example": "2024-Q2",
        "description": "YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY; read back as the first day of the "
        "period (YYYY-MM-DD) beside its precision.",
    }
)
class PartialDateField(serializers.Field):
    """Writes take the text as written (checked with its precision by the serializer);
    reads give the stored first day, ISO 8601."""

    default_error_messages = {
        "invalid": "must be a date as YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY (got {value!r})"
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid", value=data)
        return data.strip()

    def to_representation(self, value: dt.date) -> str:
        return value.isoformat()


@extend_schema_field(
    {"type": "string", "pattern": MONTH_PATTERN, "example": "2024-05", "description": "YYYY-MM"}
)
class MonthField(serializers.Field):
    default_error_messages = {"invalid": "must be a month as YYYY-MM (got {value!r})"}

    def to_internal_value(self, data: Any) -> dt.date:
        try:
            year, month = str(data).strip().split("-")
            if len(year) != 4 or len(month) != 2:
                raise ValueError
            return dt.date(int(year), int(month), 1)
        except ValueError:
            self.fail("invalid", value=data)

    def to_representation(self, value: dt.date) -> str:
        # Not strftime's %Y, which writes the year 995 as "995" on glibc: unreadable as YYYY-MM.
        return f"{value.year:04d}-{value.month:02d}"


class TextField(serializers.CharField):
    """Text given as a JSON string, as the schema says: DRF's CharField would take the number
    842702 and store "842702" (schemathesis: a schema-violating request accepted). A model's
    text field becomes one (RecordSerializer's field mapping)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "format": "uri", "maxLength": URL_MAX_LENGTH})
class HttpURLField(serializers.CharField):
    """A web address held to the rule of the admin and the import (startups.rules.url_problem),
    whose messages are the only ones: DRF's URLField would add "Enter a valid URL." and let
    ftp:// in. A model's URL field becomes one (RecordSerializer's field mapping)."""

    def __init__(self, *, max_length: int = URL_MAX_LENGTH, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        # The rule bounds the length and refuses NUL and surrogates, in its own words.
        kept = [v for v in self.validators if not isinstance(v, REPLACED_BY_THE_RULE)]
        self.validators = [HttpURLValidator(max_length), *kept]


REPLACED_BY_THE_RULE = (
    HttpURLValidator,  # the model field's, handed over by ModelSerializer
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
class SourceUrlsField(serializers.ListField):
    """`source_urls`: http(s) URLs; a list given replaces the record's sources.

    Whether a record must cite at least one is the rule the import and the admin apply too
    (startups.rules.missing_source): for a record that carries a figure the field is required
    and an empty list refused, with the rule's message. Reads the record's sources
    (prefetched) in URL order.
    """

    child = HttpURLField()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: serializers.Serializer) -> None:
        super().bind(field_name, parent)
        self.model = parent.Meta.model
        self.required = missing_source(self.model, []) is not None

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is empty and self.required and not getattr(self.root, "partial", False):
            raise serializers.ValidationError([missing_source(self.model, [])])
        return super().validate_empty_values(data)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance) -> list[str]:
        sources = getattr(instance, "prefetched_sources", None)
        if sources is None:
            sources = instance.sources.all()
        return sorted(source.url for source in sources)

    def to_internal_value(self, data) -> dict[str, list[str]]:
        urls = list(dict.fromkeys(super().to_internal_value(data)))
        if message := missing_source(self.model, urls):
            raise serializers.ValidationError([message])
        return {"source_urls": urls}


class FigureField(serializers.DecimalField):
    """A decimal figure, written as its digits: a JSON string ("710000000.50"), as the API
    writes it, or a JSON integer.

    An exponent ("1e9") is refused as the import and the admin refuse it
    (startups.vocab.refuse_exponent). So is a JSON number with a fraction or an exponent: the
    JSON parser has made it a binary float already, which may have lost digits.
    """

    default_error_messages = {
        "float": _(
            'must be a JSON string of digits, such as "1000000000.5" (got the JSON number '
            "{value!r}): a JSON number with a fraction or an exponent is read as a binary "
            "float, which may have lost digits"
        )
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, float):
            self.fail("float", value=data)
        if isinstance(data, str) and len(data) <= self.MAX_STRING_LENGTH:
            try:
                refuse_exponent(data)
            except ValueError as error:
                raise serializers.ValidationError(str(error)) from None
        return super().to_internal_value(data)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class NameListField(serializers.ListField):
    """A `;` list of the import format (aliases) as a JSON list."""

    child = serializers.CharField(max_length=200)

    def to_representation(self, value: str) -> list[str]:
        return split_list(value)

    def to_internal_value(self, data) -> str:
        names = super().to_internal_value(data)
        for name in names:
            if ";" in name:
                raise serializers.ValidationError(f"a name must not contain ';' (got {name!r})")
        return "; ".join(dict.fromkeys(name.strip() for name in names if name.strip()))


@extend_schema_field(
    {"type": "string", "maxLength": 200, "anyOf": [{"format": "uri"}, {"maxLength": 0}]}
)
class OptionalURLField(HttpURLField):
    """A web address that may be left empty ("" is not a URI, so the schema says either)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)


class SlugOf(serializers.SlugRelatedField):
    """A startup or investor named by a reference (startups.resolver): its slug, as always, or
    an identifier, or a name or alias in either language. An unknown one is a 400 naming it;
    one that fits several records is a 400 naming them. Written back as the slug."""

    default_error_messages = {
        "does_not_exist": "names no known record (got {value!r})",
        "invalid": "must be a slug",
    }

    def __init__(self, queryset, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "slug")
        super().__init__(queryset=queryset, **kwargs)

    def to_internal_value(self, data: Any):
        # Checked before any query: PostgreSQL answers a NUL byte with an error, not no row.
        if not isinstance(data, str) or "\x00" in data or len(data) > REFERENCE_MAX_LENGTH:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        try:
            return resolve_reference(self.get_queryset(), data)
        except NoMatch:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:100])
        except UnresolvedReference as error:
            raise serializers.ValidationError(str(error)) from None


__all__ = [
    "FigureField",
    "HttpURLField",
    "MonthField",
    "NameListField",
    "OptionalURLField",
    "PartialDateField",
    "SlugOf",
    "SourceUrlsField",
]
