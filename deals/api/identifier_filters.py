"""`?identifier=kind:value`: the record that carries an identifier. The value is normalised
as a write normalises it (startups.identifiers), so `uscc:91110108ma01abcd5t` or a spaced
code finds the record; a malformed one is a 400 naming the parameter and what is wrong."""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from startups.identifiers import IDENTIFIER_KINDS, parse_identifier

# A product's identifier is the regulator's filing number (its column cac_filing_number).
FILING = "filing"


def _refused(message: str) -> forms.ValidationError:
    # django-filter %-formats every message with its params: the input goes in a param
    # (deals.api.filters.verbatim_error).
    return forms.ValidationError("%(message)s", params={"message": message})


class IdentifierFormField(forms.CharField):
    """`kind:value` → (kind, stored form), or the reason it is no identifier."""

    def to_python(self, value: str | None) -> tuple[str, str] | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_identifier(text)
        except DjangoValidationError as error:
            raise _refused(" ".join(error.messages)) from None


class FilingFormField(forms.CharField):
    """`filing:<number>` → the number, as stored (without surrounding spaces)."""

    def to_python(self, value: str | None) -> str | None:
        text = super().to_python(value)
        if not text:
            return None
        kind, colon, number = text.partition(":")
        if kind.strip().lower() != FILING or not colon or not number.strip():
            raise _refused(
                f"must be {FILING}:<number>, the regulator's filing number (got {text!r})"
            )
        return number.strip()


@extend_schema_field(
    {
        "type": "string",
        "pattern": rf"^\s*({'|'.join(IDENTIFIER_KINDS)})\s*:.+$",
        "example": "uscc:91110108MA01ABCD5T",
    }
)
class IdentifierFilter(filters.Filter):
    field_class = IdentifierFormField

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "help_text",
            f"The record carrying this identifier, as kind:value with the kind one of "
            f"{', '.join(IDENTIFIER_KINDS)} (`uscc:91110108MA01ABCD5T`, `stock:HKEX:2513`); "
            f"normalised as a write is, so case and spaces do not matter.",
        )
        super().__init__(**kwargs)

    def filter(self, queryset: QuerySet, value: tuple[str, str] | None) -> QuerySet:
        if not value:
            return queryset
        kind, identifier = value
        return queryset.filter(**{kind: identifier})


@extend_schema_field({"type": "string", "pattern": r"^\s*filing\s*:.+$"})
class FilingFilter(filters.Filter):
    field_class = FilingFormField

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("field_name", "cac_filing_number")
        kwargs.setdefault(
            "help_text",
            "The product with this filing number, as filing:<number> (the regulator's number, "
            "cac_filing_number).",
        )
        super().__init__(**kwargs)
