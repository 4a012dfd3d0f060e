"""Claims: what each source says of a record's figures, read with every record that has
figures and written nested in it (docs/api.md, "Claims")."""

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deals.claim_models import Claim
from deals.claim_services import ClaimsRefused, claim_list_changes, record_claims_write
from deals.evidence import FIELD_NAMES
from startups.models import Source, outlet_of
from startups.services import unknown_source_urls
from startups.vocab import SourceKind

from ..errors import api_errors
from ..fields import HttpURLField
from ..touches import list_permissions, permission
from .base import FIELD_MAPPING, ColumnReadsMixin, PrefetchedListSerializer

# A claim's model field -> its name in the API, for the services' errors.
CLAIM_ERROR_NAMES = {"source": "source_url"}


class OutletField(serializers.CharField):
    """The outlet behind the claim's source (Source.outlet: the original publisher a copy
    names, else the publisher, else the host name). A list read as rows computes it from
    `row_columns` (deals.api.serializers.rows)."""

    row_columns = ("source__original_publisher", "source__publisher", "source__url")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="source", read_only=True, **kwargs)

    def to_representation(self, source: Source) -> str:
        return source.outlet

    @staticmethod
    def from_columns(original_publisher: str, publisher: str, url: str) -> str:
        return outlet_of(original_publisher, publisher, url)


class ClaimSerializer(ColumnReadsMixin, serializers.ModelSerializer):
    """One source's value for one of the record's figures."""

    source_url = HttpURLField(source="source.url")
    source_kind = serializers.ChoiceField(
        source="source.kind",
        choices=SourceKind.choices,
        allow_blank=True,
        read_only=True,
        help_text="The source's kind, which ranks it when claims disagree (blank: unknown).",
    )
    publisher = OutletField(
        help_text="The outlet behind the source: the original publisher a copy names, else "
        "the publisher, else the host name."
    )
    serializer_field_mapping = FIELD_MAPPING

    class Meta:
        model = Claim
        list_serializer_class = PrefetchedListSerializer
        fields = (
            "field",
            "value",
            "currency",
            "qualifier",
            "value_usd",
            "as_of",
            "reported_on",
            "source_url",
            "source_kind",
            "publisher",
            "confidence",
            "accepted",
            "notes",
        )
        read_only_fields = ("value_usd",)
        extra_kwargs = {
            "notes": {"write_only": True, "help_text": "For an accepted claim: the reason."},
            "as_of": {"allow_null": False},
            "reported_on": {"allow_null": False},
        }

    def get_validators(self) -> list:
        # The claim's rules are checked once, by deals.claim_services.claim_save.
        return []

    def to_internal_value(self, data) -> dict[str, Any]:
        values = super().to_internal_value(data)
        values["source_url"] = values.pop("source")["url"]
        return values


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": FIELD_NAMES}, "readOnly": True}
)
class DisputedField(serializers.Field):
    """The record's disputed figures (`record.disputed`): their claims cannot all be true and
    staff have not accepted one."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="disputed_fields", read_only=True, **kwargs)

    def to_representation(self, value: str) -> list[str]:
        return value.split(",") if value else []


def claims_field() -> ClaimSerializer:
    return ClaimSerializer(
        many=True,
        required=False,
        help_text="What each source says of the record's figures. Written, each claim is "
        "keyed by `field` and `source_url`: PUT replaces the record's claims with the list, "
        "POST and PATCH add or update the claims they name.",
    )


def duplicate_claim_errors(claims: Sequence[Mapping[str, Any]]) -> list[dict[str, list[str]]]:
    """A list must name each (field, source) once and accept at most one claim per figure."""
    errors: list[dict[str, list[str]]] = []
    keys: set[tuple[str, str]] = set()
    accepted: set[str] = set()
    for claim in claims:
        key = (claim["field"], claim["source_url"])
        if key in keys:
            errors.append({"source_url": ["names this figure and source twice"]})
        elif claim.get("accepted") and claim["field"] in accepted:
            errors.append({"accepted": ["accepts a second claim of this figure"]})
        else:
            errors.append({})
        keys.add(key)
        if claim.get("accepted"):
            accepted.add(claim["field"])
    return errors if any(errors) else []


def claims_validated(claims: list[dict]) -> list[dict]:
    """`validate_claims` of a serializer with a `claims` list."""
    errors = duplicate_claim_errors(claims)
    if errors:
        raise serializers.ValidationError(errors)
    return claims


class ClaimsMixin:
    """For the serializer of a record with figures: `claims` are validated with it, left out
    of the service's arguments, and written after the record (write_claims)."""

    def validate_claims(self, claims: list[dict]) -> list[dict]:
        return claims_validated(claims)

    @property
    def replaces_claims(self) -> bool:
        """A PUT's lists of claims replace the stored ones; POST and PATCH add or update."""
        return not self.partial and self.instance is not None

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        fields.pop("claims", None)
        return fields

    def claim_lists(self, record: models.Model | None) -> list[tuple[Any, list[dict], tuple]]:
        """(record, its claims, where in the body) for each list the write gives; with
        `record` None (a record not saved yet), the records are None."""
        claims = self.validated_data.get("claims")
        return [] if claims is None else [(record, claims, ("claims",))]

    def nested_permissions(self) -> set[str]:
        needed = super().nested_permissions()
        for record, claims, _where in self.claim_lists(self.instance):
            changes = claim_list_changes(record, claims, replace=self.replaces_claims)
            needed |= list_permissions(
                Claim, added=changes.added, changed=changes.changed, removed=changes.removed
            )
            if unknown_source_urls([claim["source_url"] for claim in claims]):
                needed.add(permission(Source, "add"))
        return needed

    def write_claims(self, record: models.Model) -> None:
        """Write each list of claims the body gives to its record, after the record itself;
        refused claims are a 400 pointing into the list (`{"claims": [{}, {"currency":
        [...]}]}`). Runs inside the write's transaction, which a refusal rolls back."""
        errors: dict[str, Any] = {}
        for owner, claims, where in self.claim_lists(record):
            try:
                record_claims_write(owner, claims, replace=self.replaces_claims)
            except ClaimsRefused as refused:
                messages = [
                    api_errors(error, CLAIM_ERROR_NAMES) if error else {}
                    for error in refused.errors
                ]
                nest(errors, where, messages)
        if errors:
            raise serializers.ValidationError(errors)


def nest(errors: dict[str, Any], where: tuple, messages: list) -> None:
    """Put `messages` at a path of keys and list positions: ("participants", 2, "claims")."""
    node: Any = errors
    for step, following in pairwise(where):
        if isinstance(step, int):
            node.extend({} for _ in range(step + 1 - len(node)))
            node = node[step]
        else:
            node = node.setdefault(step, [] if isinstance(following, int) else {})
    node[where[-1]] = messages
