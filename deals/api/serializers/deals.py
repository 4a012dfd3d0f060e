"""Investors, rounds with their participants, stakes, valuations and compute deals, with
their claims. Money is written as reported (value, currency, qualifier) and read back with
its USD figure and the rate used."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from deals.models import (
    ComputeDeal,
    FundingRound,
    Investor,
    Participation,
    ValuationMark,
)
from deals.services import participant_changes
from startups.models import Startup

from ..fields import (
    NameListField,
    PartialDateField,
    SlugOf,
    SourceUrlsField,
    TextField,
)
from ..touches import list_permissions
from .base import (
    FIELD_MAPPING,
    READ_ONLY_TIMESTAMPS,
    ColumnReadsMixin,
    PrefetchedListSerializer,
    RecordSerializer,
)
from .claims import ClaimsMixin, DisputedField, claims_field, claims_validated
from .companies import EVIDENCE
from .identifiers import IdentifiedMixin, IdentifiersSerializer
from .rows import RowsListSerializer

AMOUNT = ("amount", "amount_currency", "amount_qualifier")
CREDITS = ("compute_credit_amount", "compute_credit_currency", "compute_credit_qualifier")
# A record's figures' claims, and the figures in dispute among them.
EVIDENCE_OF_FIGURES = ("claims", "disputed")


def rate_field(source: str | None = None) -> serializers.DecimalField:
    """The rate a USD figure was derived with (a model field that is never written)."""
    return serializers.DecimalField(
        max_digits=18,
        decimal_places=8,
        **({"source": source} if source else {}),
        read_only=True,
        allow_null=True,
        help_text="Units of the currency per USD used for the USD figure (null: no rate known).",
    )


class InvestorSerializer(IdentifiedMixin, RecordSerializer):
    """An investor; `parent` makes it an affiliate whose deals count for the parent."""

    aliases = NameListField(required=False)
    identifiers = IdentifiersSerializer()
    parent = SlugOf(queryset=Investor.objects.all(), required=False, allow_null=True)
    source_urls = SourceUrlsField()

    class Meta:
        model = Investor
        fields = (
            "id",
            "slug",
            "name_en",
            "name_zh",
            "aliases",
            "identifiers",
            "kind",
            "parent",
            "hq_country",
            "hq_city",
            *EVIDENCE,
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = READ_ONLY_TIMESTAMPS


class ParticipantSerializer(ColumnReadsMixin, serializers.ModelSerializer):
    """One investor in a round, as written inside the round and read back with it."""

    investor = SlugOf(queryset=Investor.objects.all())
    investor_name = serializers.CharField(source="investor.name_en", read_only=True)
    claims = claims_field()
    disputed = DisputedField()
    serializer_field_mapping = FIELD_MAPPING

    class Meta:
        model = Participation
        list_serializer_class = PrefetchedListSerializer
        fields = (
            "investor",
            "investor_name",
            "is_lead",
            *AMOUNT,
            "amount_usd",
            "stake_percent",
            "stake_qualifier",
            *CREDITS,
            "compute_credit_amount_usd",
            *EVIDENCE_OF_FIGURES,
        )
        read_only_fields = ("amount_usd", "compute_credit_amount_usd")

    def get_validators(self) -> list:
        return []

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        return extra_kwargs, {}

    def validate_claims(self, claims: list[dict]) -> list[dict]:
        return claims_validated(claims)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The participation's own rules (money, stake), reported under this participant.
        try:
            Participation(**{name: v for name, v in attrs.items() if name != "claims"}).clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs


class FundingRoundSerializer(ClaimsMixin, RecordSerializer):
    """A funding round: amounts as reported, USD figures with the rates used, participants,
    sources."""

    startup = SlugOf(queryset=Startup.objects.all())
    startup_name = serializers.CharField(source="startup.name_en", read_only=True)
    is_ai = serializers.BooleanField(source="startup.is_ai", read_only=True)
    announced_on = PartialDateField()
    fx_rate = rate_field("amount_fx_rate")
    valuation_fx_rate = rate_field()
    compute_credit_fx_rate = rate_field()
    participants = ParticipantSerializer(many=True, source="participations", required=False)
    claims = claims_field()
    disputed = DisputedField()
    source_urls = SourceUrlsField(help_text="At least one: every figure needs a source.")

    partial_dates = (("announced_on", "date_precision"),)

    class Meta:
        model = FundingRound
        list_serializer_class = RowsListSerializer
        fields = (
            "id",
            "startup",
            "startup_name",
            "is_ai",
            "announced_on",
            "date_precision",
            "round_label",
            *AMOUNT,
            "amount_usd",
            "fx_rate",
            "post_money_valuation",
            "valuation_currency",
            "valuation_qualifier",
            "post_money_valuation_usd",
            "valuation_fx_rate",
            *CREDITS,
            "compute_credit_amount_usd",
            "compute_credit_fx_rate",
            "participants",
            *EVIDENCE_OF_FIGURES,
            *EVIDENCE,
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = (
            "amount_usd",
            "post_money_valuation_usd",
            "compute_credit_amount_usd",
            *READ_ONLY_TIMESTAMPS,
        )

    def validate_participants(self, participants: list[dict]) -> list[dict]:
        seen: set[str] = set()
        for participant in participants:
            slug = participant["investor"].slug
            if slug in seen:
                raise serializers.ValidationError(f"names the investor {slug!r} twice")
            seen.add(slug)
        return participants

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        if "participations" in fields:
            fields["participants"] = [
                {name: value for name, value in participant.items() if name != "claims"}
                for participant in fields.pop("participations")
            ]
        return fields

    def claim_lists(self, record: FundingRound | None) -> list[tuple[Any, list[dict], tuple]]:
        lists = super().claim_lists(record)
        stored = {}
        if record is not None and record.pk is not None:
            stored = {p.investor_id: p for p in record.participations.all()}
        for index, participant in enumerate(self.validated_data.get("participations") or []):
            if "claims" in participant:
                owner = stored.get(participant["investor"].pk)
                lists.append((owner, participant["claims"], ("participants", index, "claims")))
        return lists

    def nested_permissions(self) -> set[str]:
        needed = super().nested_permissions()
        participants = self.service_fields().get("participants")
        if participants is not None:
            changes = participant_changes(self.instance, participants)
            needed |= list_permissions(
                Participation,
                added=changes.added,
                changed=changes.changed,
                removed=changes.removed,
            )
        return needed


class ParticipationSerializer(ClaimsMixin, RecordSerializer):
    """An investor's part in a round."""

    round = serializers.PrimaryKeyRelatedField(
        queryset=FundingRound.objects.all(), style={"base_template": "input.html"}
    )
    startup = serializers.CharField(source="round.startup.slug", read_only=True)
    round_label = serializers.CharField(source="round.round_label", read_only=True)
    announced_on = serializers.DateField(source="round.announced_on", read_only=True)
    investor = SlugOf(queryset=Investor.objects.all())
    investor_name = serializers.CharField(source="investor.name_en", read_only=True)
    fx_rate = rate_field("amount_fx_rate")
    compute_credit_fx_rate = rate_field()
    claims = claims_field()
    disputed = DisputedField()
    source_urls = SourceUrlsField()

    class Meta:
        model = Participation
        fields = (
            "id",
            "round",
            "startup",
            "round_label",
            "announced_on",
            "investor",
            "investor_name",
            "is_lead",
            *AMOUNT,
            "amount_usd",
            "fx_rate",
            "stake_percent",
            "stake_qualifier",
            *CREDITS,
            "compute_credit_amount_usd",
            "compute_credit_fx_rate",
            *EVIDENCE_OF_FIGURES,
            *EVIDENCE,
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = ("amount_usd", "compute_credit_amount_usd", *READ_ONLY_TIMESTAMPS)


class ValuationMarkSerializer(ClaimsMixin, RecordSerializer):
    """A valuation reported outside a round."""

    startup = SlugOf(queryset=Startup.objects.all())
    valued_on = PartialDateField()
    claims = claims_field()
    disputed = DisputedField()
    source_urls = SourceUrlsField(help_text="At least one: every figure needs a source.")

    partial_dates = (("valued_on", "date_precision"),)

    class Meta:
        model = ValuationMark
        fields = (
            "id",
            "startup",
            "valued_on",
            "date_precision",
            "value",
            "currency",
            "value_qualifier",
            "value_usd",
            "fx_rate",
            "kind",
            *EVIDENCE_OF_FIGURES,
            *EVIDENCE,
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = ("value_usd", "fx_rate", *READ_ONLY_TIMESTAMPS)


class ComputeDealSerializer(ClaimsMixin, RecordSerializer):
    """Chips bought or rented, credits, vouchers, training runs."""

    startup = SlugOf(queryset=Startup.objects.all(), required=False, allow_null=True)
    buyer = TextField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="As reported; defaults to the startup's slug, as in the import format.",
    )
    provider_slug = SlugOf(
        source="provider_investor",
        queryset=Investor.objects.all(),
        required=False,
        allow_null=True,
        help_text="The provider when it is a tracked investor (Alibaba Cloud).",
    )
    announced_on = PartialDateField()
    fx_rate = rate_field("amount_fx_rate")
    claims = claims_field()
    disputed = DisputedField()
    source_urls = SourceUrlsField(help_text="At least one: every figure needs a source.")

    partial_dates = (("announced_on", "date_precision"),)

    class Meta:
        model = ComputeDeal
        fields = (
            "id",
            "startup",
            "buyer",
            "kind",
            "chip",
            "quantity",
            "quantity_qualifier",
            "provider",
            "provider_slug",
            *AMOUNT,
            "amount_usd",
            "fx_rate",
            "below_market",
            "announced_on",
            "date_precision",
            *EVIDENCE_OF_FIGURES,
            *EVIDENCE,
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = ("amount_usd", *READ_ONLY_TIMESTAMPS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None or "buyer" in attrs:
            startup = attrs.get("startup", getattr(self.instance, "startup", None))
            if not attrs.get("buyer"):
                if startup is None:
                    message = "is required when there is no startup"
                    raise serializers.ValidationError({"buyer": [message]})
                attrs["buyer"] = startup.slug
        return attrs
