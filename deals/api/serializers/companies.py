"""Startups, their model products, and sources."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from startups.models import ModelProduct, Source, Startup, Tag
from startups.services import unknown_tag_slugs
from startups.vocab import Qualifier

from ..fields import (
    NameListField,
    OptionalURLField,
    PartialDateField,
    SlugOf,
    SourceUrlsField,
    TextField,
)
from ..touches import permission
from .base import READ_ONLY_TIMESTAMPS, RecordSerializer
from .identifiers import IdentifiedMixin, IdentifiersSerializer

EVIDENCE = ("source_urls", "confidence", "notes")


@extend_schema_field({"type": "array", "items": {"type": "string", "pattern": r"^[-\w]+$"}})
class TagsField(serializers.ListField):
    """Tag slugs (`little-ai-dragons`); reads the prefetched tags, writes replace them."""

    child = serializers.SlugField(max_length=80)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance) -> list[str]:
        return sorted(tag.slug for tag in instance.tags.all())

    def to_internal_value(self, data) -> dict[str, list[str]]:
        return {"tags": list(dict.fromkeys(super().to_internal_value(data)))}


class StartupSerializer(IdentifiedMixin, RecordSerializer):
    """A startup, with its latest valuation known in USD."""

    aliases = NameListField(required=False)
    identifiers = IdentifiersSerializer()
    founded = PartialDateField(source="founded_on", required=False, allow_null=True)
    products = TextField(source="products_summary", required=False, allow_blank=True)
    website = OptionalURLField()
    tags = TagsField(required=False)
    source_urls = SourceUrlsField()
    latest_valuation_usd = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="The latest post-money valuation or valuation mark known in USD.",
    )
    latest_valuation_qualifier = serializers.ChoiceField(
        choices=Qualifier.choices,
        read_only=True,
        allow_null=True,
        help_text="The bound of latest_valuation_usd, as its source gives it (null: none).",
    )
    latest_valuation_on = serializers.DateField(read_only=True, allow_null=True)

    partial_dates = (("founded", "founded_precision"),)

    class Meta:
        model = Startup
        fields = (
            "id",
            "slug",
            "name_en",
            "name_zh",
            "aliases",
            "identifiers",
            "country",
            "city",
            "founded",
            "founded_precision",
            "founders",
            "focus",
            "products",
            "is_ai",
            "sector",
            "status",
            "ipo_date",
            "ipo_exchange",
            "website",
            "description",
            "tags",
            *EVIDENCE,
            "latest_valuation_usd",
            "latest_valuation_qualifier",
            "latest_valuation_on",
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = READ_ONLY_TIMESTAMPS

    def nested_permissions(self) -> set[str]:
        needed = super().nested_permissions()
        if unknown_tag_slugs(self.service_fields().get("tags", [])):
            needed.add(permission(Tag, "add"))
        return needed


class ModelProductSerializer(RecordSerializer):
    """A model or an app built on one."""

    startup = SlugOf(queryset=Startup.objects.all())
    launched_on = PartialDateField(required=False, allow_null=True)
    cac_filing_on = PartialDateField(required=False, allow_null=True)
    source_urls = SourceUrlsField()

    partial_dates = (("launched_on", "date_precision"), ("cac_filing_on", "cac_filing_precision"))

    class Meta:
        model = ModelProduct
        fields = (
            "id",
            "startup",
            "name",
            "launched_on",
            "date_precision",
            "modality",
            "open_weights",
            "kind",
            "cac_filing_on",
            "cac_filing_precision",
            "cac_filing_number",
            *EVIDENCE,
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = READ_ONLY_TIMESTAMPS


class SourceSerializer(RecordSerializer):
    """A document that figures rest on."""

    class Meta:
        model = Source
        fields = (
            "id",
            "url",
            "publisher",
            "title",
            "published_on",
            "kind",
            "original_publisher",
            "notes",
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = READ_ONLY_TIMESTAMPS
