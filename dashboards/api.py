"""Statistics endpoints: read-only JSON from the aggregates.

Every answer is `{"latest_event_on", "latest_event_precision", "last_changed_at",
"computed_at", "refresh_pending", "results"}` (dashboards.freshness); ratios are numbers
between 0 and 1, money whole USD, dates ISO 8601.
"""

from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from deals.api.fields import SlugOf
from deals.api.ordering import OrderingFilter
from deals.api.pagination import KeysetPagination
from deals.api.views import KeysetListMixin
from deals.models import Investor
from startups.models import Startup
from startups.sectors import DEFAULT_AI_DEFINITION, AiDefinition
from startups.vocab import Qualifier, ratio_qualifier

from . import selectors
from .models import PeriodKind


class WholeUSD(serializers.IntegerField):
    def to_representation(self, value):
        return None if value is None else int(value.to_integral_value())


class Ratio(serializers.FloatField):
    def to_representation(self, value):
        return None if value is None else float(value)


class PeriodQuery(serializers.Serializer):
    investor = serializers.SlugField(required=False)
    startup = serializers.SlugField(required=False)
    period = serializers.ChoiceField(choices=PeriodKind.values, default=PeriodKind.YEAR)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": "must not be before since"})
        return attrs


class AiShareQuery(PeriodQuery):
    ai = serializers.ChoiceField(
        choices=AiDefinition.values,
        default=DEFAULT_AI_DEFINITION,
        help_text="Which startups count as AI: core (foundation models, AI applications, other "
        "AI) or broad (core plus embodied AI, AI chips, autonomous driving). AI startups with "
        "no sector count under both.",
    )


class AiDealShareRow(serializers.Serializer):
    investor = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    counted_from = serializers.DateField(
        help_text="The first day counted: the period's, or `since` where it cuts the period."
    )
    counted_until = serializers.DateField(
        help_text="The last day counted: the period's, or `until` where it cuts the period."
    )
    ai_definition = serializers.ChoiceField(choices=AiDefinition.values)
    deals_total = serializers.IntegerField()
    deals_ai = serializers.IntegerField()
    ai_share = Ratio(allow_null=True)
    deals_disclosed = serializers.IntegerField()


class ValuationRow(serializers.Serializer):
    date = serializers.DateField()
    date_precision = serializers.CharField()
    valuation_usd = WholeUSD()
    qualifier = serializers.CharField()
    round = serializers.CharField(allow_null=True)
    round_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    source_urls = serializers.ListField(child=serializers.URLField())


class UnicornRow(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    count = serializers.IntegerField()
    stale = serializers.IntegerField(
        help_text="Of count, the unicorns whose latest valuation is older than "
        "VALUATION_STALE_AFTER_MONTHS at the period's end."
    )
    startups = serializers.ListField(child=serializers.SlugField())
    stale_startups = serializers.ListField(child=serializers.SlugField())
    joined = serializers.ListField(child=serializers.SlugField())
    left = serializers.ListField(child=serializers.SlugField())


class ComputeShareRow(serializers.Serializer):
    investor = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    deals_total = serializers.IntegerField()
    deals_disclosed = serializers.IntegerField()
    capital_usd = WholeUSD(allow_null=True)
    capital_qualifier = serializers.CharField()
    own_contribution_usd = WholeUSD(allow_null=True)
    own_contribution_qualifier = serializers.CharField()
    own_contribution_disclosed = serializers.IntegerField()
    compute_credits_usd = WholeUSD(allow_null=True)
    compute_credits_qualifier = serializers.CharField()
    compute_credits_disclosed = serializers.IntegerField()
    compute_share = serializers.SerializerMethodField()
    compute_share_qualifier = serializers.SerializerMethodField()

    def get_compute_share(self, row) -> float | None:
        """Credits / own contribution where both are known, else credits / capital."""
        share, _ = credits_share(row)
        return None if share is None else float(share)

    @extend_schema_field(
        serializers.ChoiceField(
            choices=Qualifier.choices,
            allow_null=True,
            help_text="The bound of compute_share, from those of its two figures: at least "
            "$300M of about $800M is at least 37.5%, exactly $300M of at least $800M at most "
            "37.5%; bounds both ways make it approx. Null when compute_share is.",
        )
    )
    def get_compute_share_qualifier(self, row) -> str | None:
        return credits_share(row)[1]


def credits_share(row: dict) -> tuple[Decimal | None, str | None]:
    """Credits / own contribution where both are known, else credits / capital; with the
    bound that the two figures' bounds put on the ratio (ratio_qualifier). None, None when
    either is unknown."""
    credits, base = row["compute_credits_usd"], row["own_contribution_usd"]
    base_qualifier = row["own_contribution_qualifier"]
    if not base:
        base, base_qualifier = row["capital_usd"], row["capital_qualifier"]
    if credits is None or not base:
        return None, None
    return credits / base, ratio_qualifier(row["compute_credits_qualifier"], base_qualifier)


class CoInvestmentRow(serializers.Serializer):
    investor_a = serializers.CharField(source="investor_a.slug")
    investor_b = serializers.CharField(source="investor_b.slug")
    shared_startups = serializers.IntegerField()
    shared_rounds = serializers.IntegerField()
    first_together = serializers.DateField()


class ReportedVsComputedRow(serializers.Serializer):
    metric = serializers.CharField()
    subject = serializers.CharField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    reported_value = serializers.FloatField()
    reported_qualifier = serializers.CharField()
    unit = serializers.CharField()
    computed_value = serializers.FloatField(allow_null=True)
    deals_tracked = serializers.IntegerField()
    deals_ai = serializers.IntegerField()
    deals_disclosed = serializers.IntegerField()
    confidence = serializers.CharField()
    source_urls = serializers.ListField(child=serializers.URLField())


class Freshness(serializers.Serializer):
    """The envelope's times (dashboards.freshness)."""

    latest_event_on = serializers.DateField(
        allow_null=True,
        help_text="The latest round, valuation mark or compute deal in the figures; a partial "
        "date is its first day (see latest_event_precision).",
    )
    latest_event_precision = serializers.CharField(
        help_text="day, month, quarter or year; empty when there is no event."
    )
    last_changed_at = serializers.DateTimeField(
        allow_null=True, help_text="The last insert, edit or deletion of any record."
    )
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="The last refresh of the aggregates."
    )
    refresh_pending = serializers.BooleanField()


def freshness(status: dict) -> dict:
    return Freshness(status).data


def envelope(row: type[serializers.Serializer], name: str):
    fields = {**Freshness().get_fields(), "results": row(many=True)}
    return inline_serializer(name=name, fields=fields)


class StatsView(APIView):
    """Parses the query, reads one selector through the generation cache, wraps the answer."""

    row: type[serializers.Serializer]
    query: type[serializers.Serializer] = PeriodQuery
    required: tuple[str, ...] = ()
    # Each view defines results(query, status) -> rows.

    def get_serializer_class(self) -> type[serializers.Serializer]:
        """The row, so that `?format=csv` has its header even when there are no rows."""
        return self.row

    def get(self, request: Request) -> Response:
        query = self.query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        missing = {
            name: ["This parameter is required."] for name in self.required if not params.get(name)
        }
        if missing:
            raise serializers.ValidationError(missing)
        status = selectors.data_status()
        rows = self.results(params, status)
        return Response({**freshness(status), "results": self.row(rows, many=True).data})


def _investor(params: dict) -> Investor:
    return get_object_or_404(Investor, slug=params["investor"])


INVESTOR = OpenApiParameter("investor", str, description="Investor slug; affiliates roll up.")
PERIOD = OpenApiParameter("period", str, enum=PeriodKind.values, description="year or quarter")


@extend_schema(
    parameters=[
        INVESTOR,
        PERIOD,
        OpenApiParameter(
            "since", OpenApiTypes.DATE, description="Count rounds announced on or after it."
        ),
        OpenApiParameter(
            "until", OpenApiTypes.DATE, description="Count rounds announced on or before it."
        ),
        OpenApiParameter(
            "ai",
            str,
            enum=AiDefinition.values,
            description=AiShareQuery().fields["ai"].help_text + " Default: broad.",
        ),
    ],
    responses=envelope(AiDealShareRow, "AiDealShare"),
)
class AiDealShareView(StatsView):
    row, query, required = AiDealShareRow, AiShareQuery, ("investor",)

    def results(self, q, status):
        investor = _investor(q)
        window = (q.get("since"), q.get("until"))
        return selectors.cached(
            status["generation"],
            "ai-deal-share",
            lambda: selectors.ai_deal_share(investor, q["period"], *window, q["ai"]),
            investor.pk,
            q["period"],
            *window,
            q["ai"],
        )


@extend_schema(
    parameters=[OpenApiParameter("startup", str, required=True)],
    responses=envelope(ValuationRow, "Valuations"),
)
class ValuationsView(StatsView):
    row, required = ValuationRow, ("startup",)

    def results(self, q, status):
        startup = get_object_or_404(Startup, slug=q["startup"])
        return selectors.cached(
            status["generation"],
            "valuations",
            lambda: selectors.valuation_series(startup),
            startup.pk,
        )


@extend_schema(parameters=[PERIOD], responses=envelope(UnicornRow, "Unicorns"))
class UnicornsView(StatsView):
    row = UnicornRow

    def results(self, q, status):
        return selectors.cached(
            status["generation"], "unicorns", lambda: selectors.unicorns(q["period"]), q["period"]
        )


@extend_schema(parameters=[INVESTOR, PERIOD], responses=envelope(ComputeShareRow, "ComputeShare"))
class ComputeShareView(StatsView):
    row, required = ComputeShareRow, ("investor",)

    def results(self, q, status):
        investor = _investor(q)
        return selectors.cached(
            status["generation"],
            "compute-share",
            lambda: selectors.compute_share(investor, q["period"]),
            investor.pk,
            q["period"],
        )


class InvestorQuery(serializers.Serializer):
    # A list's filter: an unknown investor is a 400 naming it, as in every list (not a 404);
    # named as API writes name one (deals.api.fields.SlugOf), which refuses a NUL byte before
    # PostgreSQL answers it with an error.
    investor = SlugOf(queryset=Investor.objects.all(), required=False)


class StatsPagination(KeysetPagination):
    """Keyset pages, like every list, in the statistics' envelope: its times and
    `refresh_pending` beside `next`, `previous` and `results`."""

    def get_paginated_response(self, data) -> Response:
        page = super().get_paginated_response(data).data
        return Response({**freshness(selectors.data_status()), **page})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        date = {"type": "string", "format": "date", "nullable": True}
        moment = {"type": "string", "format": "date-time", "nullable": True}
        times = {
            "latest_event_on": date,
            "latest_event_precision": {"type": "string"},
            "last_changed_at": moment,
            "computed_at": moment,
            "refresh_pending": {"type": "boolean"},
        }
        paginated["properties"] = {**times, **paginated["properties"]}
        paginated["required"] = [*times, *paginated.get("required", [])]
        return paginated


@extend_schema(parameters=[OpenApiParameter("investor", str, description=INVESTOR.description)])
class CoInvestmentsView(KeysetListMixin, generics.ListAPIView):
    """Pairs of top-level investors that backed the same startups, most shared first: in
    keyset pages like every list (the pairs grow with the square of the investors), or as
    CSV, the whole list streamed."""

    serializer_class = CoInvestmentRow
    pagination_class = StatsPagination
    filter_backends = [OrderingFilter]
    ordering_fields = ["shared_startups", "shared_rounds", "id"]
    ordering = ["-shared_startups"]

    def get_queryset(self) -> QuerySet:
        query = InvestorQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.co_investments(query.validated_data.get("investor"))


@extend_schema(
    parameters=[INVESTOR], responses=envelope(ReportedVsComputedRow, "ReportedVsComputed")
)
class ReportedVsComputedView(StatsView):
    row, required = ReportedVsComputedRow, ("investor",)

    def results(self, q, status):
        investor = _investor(q)
        return selectors.cached(
            status["generation"],
            "reported-vs-computed",
            lambda: selectors.reported_vs_computed(investor),
            investor.pk,
        )
