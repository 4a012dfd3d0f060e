"""The `identifiers` object of startups and investors: one key per kind, always all five,
null where the record has none. A write gives only the kinds it changes; null (or "") clears
one. Values are checked and normalised by startups.identifiers, as in the admin and the
import, so that a check-character slip is a 400 naming the character expected."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from startups.identifiers import IDENTIFIER_KINDS, normalise_identifier

EXAMPLES = {
    "uscc": "91110108MA01ABCD5T",
    "lei": "5493001KJTIIGC8Y1R12",
    "wikidata": "Q42",
    "crunchbase": "moonshot-ai",
    "stock": "HKEX:02513",
}
DESCRIPTIONS = {
    "uscc": "Unified Social Credit Code (统一社会信用代码): 18 characters, checked per "
    "GB 32100 (18th character) and GB 11714 (the organisation code, characters 9 to 17).",
    "lei": "Legal Entity Identifier (ISO 17442): 20 characters, checked mod 97-10.",
    "wikidata": "Wikidata item: Q and digits; an item's address is accepted too.",
    "crunchbase": "Crunchbase permalink; a crunchbase.com/organization/ address is accepted "
    "and stored as its permalink.",
    "stock": "EXCHANGE:CODE, the exchange one of HKEX, SSE, SZSE, BSE, NASDAQ, NYSE; a HKEX "
    "code is written with 5 digits (HKEX:2513 is stored as HKEX:02513).",
}


class IdentifierField(serializers.Field):
    """One kind: read as stored (null when blank), written through normalise_identifier."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        # null clears the identifier: the stored blank, not None (the column is not nullable).
        if data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError(_("must be text or null"))
        if not data.strip():
            return ""
        try:
            return normalise_identifier(self.kind, data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def to_representation(self, value: str) -> str | None:
        return value or None


def identifier_field(kind: str) -> IdentifierField:
    """The field of one kind, with its own schema (a class per kind: drf-spectacular reads a
    field's schema from its class, and DRF copies fields by building them anew)."""
    schema = {
        "type": "string",
        "nullable": True,
        "example": EXAMPLES[kind],
        "description": DESCRIPTIONS[kind],
    }
    field_class = type(f"{kind.title()}IdentifierField", (IdentifierField,), {})
    return extend_schema_field(schema)(field_class)(kind)


class IdentifiersSerializer(serializers.Serializer):
    """A record's external identifiers: all five keys read, null where it has none; a write
    gives the kinds it sets (null or "" clears one), and a key outside the five is refused."""

    # (The docstring is the schema's description. The fields read and write the record's
    # own columns: `source="*"`.)

    uscc = identifier_field("uscc")
    lei = identifier_field("lei")
    wikidata = identifier_field("wikidata")
    crunchbase = identifier_field("crunchbase")
    stock = identifier_field("stock")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "External identifiers, one of each kind, each unique among the records of its "
            "resource. All five keys are read, null where there is none; a write gives only "
            "the kinds it sets, null clearing one.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in IDENTIFIER_KINDS)
            if unknown:
                message = _("is not an identifier kind (one of %(kinds)s)") % {
                    "kinds": ", ".join(IDENTIFIER_KINDS)
                }
                raise serializers.ValidationError({key: [message] for key in unknown})
        return super().to_internal_value(data)


class IdentifiedMixin:
    """For the serializer of a record with identifiers: the model's errors about one of them
    (another record carries it) are reported inside the `identifiers` object."""

    def error_names(self) -> dict[str, str]:
        names = super().error_names()
        names.update({kind: f"identifiers.{kind}" for kind in IDENTIFIER_KINDS})
        return names
