"""FX rates and the figures others publish (ITJuzi's AI shares): records that carry no
claims of their own."""

import datetime as dt
from typing import Any

from deals.models import FxRate, Investor, ReportedMetric
from startups.models import Startup
from startups.vocab import period_end

from ..fields import HttpURLField, MonthField, PartialDateField, SlugOf, SourceUrlsField
from .base import READ_ONLY_TIMESTAMPS, RecordSerializer
from .companies import EVIDENCE


class FxRateSerializer(RecordSerializer):
    """Average units of a currency per USD in a month."""

    month = MonthField()
    source_url = HttpURLField(source="source.url", required=False, allow_null=True)

    class Meta:
        model = FxRate
        fields = (
            "id",
            "month",
            "currency",
            "units_per_usd",
            "source_url",
            "source_note",
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = READ_ONLY_TIMESTAMPS

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        if "source" in fields:
            fields["source_url"] = (fields.pop("source") or {}).get("url")
        return fields

    def error_names(self) -> dict[str, str]:
        return {**super().error_names(), "source": "source_url"}


class ReportedMetricSerializer(RecordSerializer):
    """A figure published by someone else (ITJuzi's 40% AI share of Alibaba's deals)."""

    investor = SlugOf(queryset=Investor.objects.all(), required=False, allow_null=True)
    startup = SlugOf(queryset=Startup.objects.all(), required=False, allow_null=True)
    period_start = PartialDateField(required=False, allow_null=True)
    period_end = PartialDateField(
        required=False,
        allow_null=True,
        help_text="A partial date means its last day: 2024 is 2024-12-31.",
    )
    source_urls = SourceUrlsField(help_text="At least one: every figure needs a source.")

    partial_dates = (("period_start", None), ("period_end", None))

    class Meta:
        model = ReportedMetric
        fields = (
            "id",
            "metric",
            "subject",
            "investor",
            "startup",
            "period_start",
            "period_end",
            "value",
            "value_qualifier",
            "unit",
            *EVIDENCE,
            *READ_ONLY_TIMESTAMPS,
        )
        read_only_fields = READ_ONLY_TIMESTAMPS

    def date_value(self, name: str, value: dt.date, precision: str) -> dt.date:
        return period_end(value, precision) if name == "period_end" else value
