"""List filters, named after what they filter: `?startup=<slug>`, `?investor=<slug>`,
`?announced_after=2024-Q2`, ... An investor filter counts its affiliates too (Alibaba Cloud's
deals are Alibaba's), through the closure table of the affiliate tree."""

import datetime as dt
import operator
from functools import reduce

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

from deals.models import (
    ComputeDeal,
    ComputeKind,
    FundingRound,
    FxRate,
    Investor,
    InvestorAncestry,
    InvestorKind,
    Participation,
    ReportedMetric,
    ValuationKind,
    ValuationMark,
)
from deals.selectors import joined_by_investors
from startups.models import ModelProduct, ProductKind, Source, Startup, StartupStatus, Tag
from startups.search import normalised_words, search_limit_error
from startups.sectors import Sector
from startups.vocab import SORTED_CURRENCIES, Confidence, parse_partial_date, period_end

from .fields import PARTIAL_DATE_PATTERN
from .identifier_filters import FilingFilter, IdentifierFilter

# Ids are 64-bit (DEFAULT_AUTO_FIELD is BigAutoField).
LARGEST_ID = 2**63 - 1


def family_of(investor: Investor) -> QuerySet:
    """Ids of the investor and every affiliate below it."""
    return InvestorAncestry.objects.filter(ancestor=investor).values("investor")


def verbatim_error(message: str) -> forms.ValidationError:
    """A message that may quote the input: django-filter %-formats every message with its
    params, so a `%` of the input (`?since=%' OR 1=1`) must go in a param, not the text."""
    return forms.ValidationError("%(message)s", params={"message": message})


class PartialDateFormField(forms.CharField):
    """A bound of a date range, as a partial date: `2024`, `2024-Q2`, `2024-05`, `2024-05-31`."""

    def __init__(self, *args, end: bool = False, **kwargs) -> None:
        self.end = end
        super().__init__(*args, **kwargs)

    def to_python(self, value: str) -> dt.date | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            day, precision = parse_partial_date(text)
        except ValueError as error:
            raise verbatim_error(str(error)) from None
        return period_end(day, precision) if self.end else day


@extend_schema_field({"type": "string", "pattern": PARTIAL_DATE_PATTERN})
class PartialDateFilter(filters.Filter):
    field_class = PartialDateFormField


@extend_schema_field({"type": "string", "pattern": r"^[A-Za-z0-9_-]+$"})
class SlugFilter(filters.ModelChoiceFilter):
    """A startup, investor or tag named by its slug; an unknown slug is a 400 naming it."""


class StrictBooleanField(forms.Field):
    """`true` or `false`: anything else is a 400, where django-filter would ignore the filter
    and answer every record (`?is_lead=null`)."""

    def to_python(self, value: str | None) -> bool | None:
        if value in (None, ""):
            return None
        if value not in ("true", "false"):
            raise verbatim_error(f"must be true or false (got {str(value)[:50]!r})")
        return value == "true"


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs) -> None:
        # django-filter's BooleanWidget turns unknown text into None before any check.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class RecordIdField(forms.IntegerField):
    """A record's id: a whole number from 1 to the largest a 64-bit id holds. django-filter's
    NumberFilter reads a decimal (`1e26`), which SQLite refuses to compare with an id column
    (OverflowError, a 500)."""

    def to_python(self, value: str | None) -> int | None:
        text = (value or "").strip()
        if not text:
            return None
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= LARGEST_ID):
            raise verbatim_error(f"must be a record id: a whole number from 1 to {LARGEST_ID}")
        return int(text)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": LARGEST_ID})
class RecordIdFilter(filters.Filter):
    field_class = RecordIdField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 datetime, turned to UTC here: PostgreSQL refuses offsets beyond ±15:59,
    which Python accepts (`-22:33`), and the refusal would be a 500."""

    def to_python(self, value: str) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("is out of range") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


def slug_filter(model, help_text: str, **kwargs) -> filters.ModelChoiceFilter:
    return SlugFilter(
        queryset=model.objects.all(), to_field_name="slug", help_text=help_text, **kwargs
    )


class RecordFilter(filters.FilterSet):
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only records written at or after this ISO 8601 datetime, for syncing.",
    )


class FiguresFilter(RecordFilter):
    """For the records with figures (rounds, participations, valuation marks, compute
    deals)."""

    disputed = BooleanFilter(
        method="filter_disputed",
        help_text="true: only records with a disputed figure (two of its claims cannot both be "
        "true and staff have not accepted one); false: only records with none.",
    )

    def filter_disputed(self, queryset, name, disputed: bool):
        undisputed = {"disputed_fields": ""}
        return queryset.exclude(**undisputed) if disputed else queryset.filter(**undisputed)


class StartupFilter(RecordFilter):
    identifier = IdentifierFilter()
    city = filters.CharFilter(lookup_expr="iexact")
    is_ai = BooleanFilter()
    sector = filters.ChoiceFilter(choices=Sector.choices)
    status = filters.ChoiceFilter(choices=StartupStatus.choices)
    tag = SlugFilter(
        field_name="tags", queryset=Tag.objects.all(), to_field_name="slug", help_text="Tag slug."
    )
    investor = slug_filter(
        Investor, "Backed by this investor or an affiliate of it.", method="filter_investor"
    )
    min_valuation_usd = filters.NumberFilter(
        field_name="latest_valuation_usd",
        lookup_expr="gte",
        help_text="Latest post-money valuation or valuation mark, in USD, at least this.",
    )
    max_valuation_usd = filters.NumberFilter(
        field_name="latest_valuation_usd",
        lookup_expr="lte",
        help_text="Latest post-money valuation or valuation mark, in USD, at most this.",
    )

    class Meta:
        model = Startup
        fields = ["city", "is_ai", "sector", "status", "tag", "investor"]

    def filter_investor(self, queryset, name, investor):
        joined = Participation.objects.filter(
            round__startup=OuterRef("pk"), investor__in=family_of(investor)
        )
        return queryset.filter(Exists(joined))


class InvestorFilter(RecordFilter):
    identifier = IdentifierFilter()
    kind = filters.ChoiceFilter(choices=InvestorKind.choices)
    parent = slug_filter(Investor, "Direct affiliates of this investor.")
    hq_country = filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Investor
        fields = ["kind", "parent", "hq_country"]


def joined_by(queryset: QuerySet, investor: Investor, *, lead: bool = False) -> QuerySet:
    joined = Participation.objects.filter(round=OuterRef("pk"), investor__in=family_of(investor))
    if lead:
        joined = joined.filter(is_lead=True)
    return queryset.filter(Exists(joined))


# Investors one `?investor=` list may name: an EXISTS each with `match=all`. As many as the
# rounds page takes (dashboards.forms.SlugsField).
MAX_INVESTORS_NAMED = 20
INVESTOR_MATCHES = [("any", "any"), ("all", "all")]


class SlugsField(forms.ModelMultipleChoiceField):
    """Records named by their slugs, the parameter repeated; an unknown one is a 400 naming
    it, as are more than MAX_INVESTORS_NAMED."""

    def clean(self, value):
        if value and len(value) > MAX_INVESTORS_NAMED:
            raise verbatim_error(f"name at most {MAX_INVESTORS_NAMED} (got {len(value)})")
        return super().clean(value)


# The schema of each slug: drf-spectacular makes the parameter an array of them.
@extend_schema_field({"type": "string", "pattern": r"^[A-Za-z0-9_-]+$"})
class SlugsFilter(filters.ModelMultipleChoiceFilter):
    field_class = SlugsField


class FundingRoundFilter(FiguresFilter):
    startup = slug_filter(Startup, "Rounds of this startup.")
    investor = SlugsFilter(
        queryset=Investor.objects.all(),
        to_field_name="slug",
        method="filter_investor",
        help_text="Joined by this investor or an affiliate of it. Repeat it for several "
        f"(at most {MAX_INVESTORS_NAMED}): rounds any of them joined, or with match=all, "
        "rounds each of them joined.",
    )
    match = filters.ChoiceFilter(
        choices=INVESTOR_MATCHES,
        method="filter_match",
        help_text="How several `investor` combine: any (the default) or all.",
    )
    lead_investor = slug_filter(
        Investor, "Led by this investor or an affiliate of it.", method="filter_lead_investor"
    )
    round_label = filters.CharFilter(lookup_expr="iexact", help_text="e.g. Series B")
    announced_after = PartialDateFilter(
        field_name="announced_on",
        lookup_expr="gte",
        help_text="On or after the first day of this partial date (2024, 2024-Q2, 2024-05-01).",
    )
    announced_before = PartialDateFilter(
        field_name="announced_on",
        lookup_expr="lte",
        end=True,
        help_text="On or before the last day of this partial date (2024 means 2024-12-31).",
    )
    min_amount_usd = filters.NumberFilter(field_name="amount_usd", lookup_expr="gte")
    max_amount_usd = filters.NumberFilter(field_name="amount_usd", lookup_expr="lte")
    currency = filters.ChoiceFilter(
        field_name="amount_currency",
        choices=[(c, c) for c in SORTED_CURRENCIES],
        help_text="Currency the amount was reported in.",
    )
    confidence = filters.ChoiceFilter(choices=Confidence.choices)
    is_ai = BooleanFilter(field_name="startup__is_ai")
    sector = filters.ChoiceFilter(field_name="startup__sector", choices=Sector.choices)

    class Meta:
        model = FundingRound
        fields = ["startup", "round_label", "confidence"]

    def filter_investor(self, queryset, name, investors):
        if not investors:  # none named: the field gives an empty queryset, not []
            return queryset
        slugs = [investor.slug for investor in investors]
        every = self.form.cleaned_data.get("match") == "all"
        return queryset.filter(joined_by_investors(slugs, every=every))

    def filter_match(self, queryset, name, match):
        """Read by filter_investor; alone it filters nothing."""
        return queryset

    def filter_lead_investor(self, queryset, name, investor):
        return joined_by(queryset, investor, lead=True)


class ParticipationFilter(FiguresFilter):
    round = RecordIdFilter(field_name="round_id", help_text="The round's id.")
    startup = slug_filter(Startup, "Stakes in this startup.", field_name="round__startup")
    investor = slug_filter(
        Investor, "Stakes of this investor or an affiliate of it.", method="filter_investor"
    )
    is_lead = BooleanFilter()

    class Meta:
        model = Participation
        fields = ["is_lead"]

    def filter_investor(self, queryset, name, investor):
        return queryset.filter(investor__in=family_of(investor))


class ValuationMarkFilter(FiguresFilter):
    startup = slug_filter(Startup, "Valuations of this startup.")
    kind = filters.ChoiceFilter(choices=ValuationKind.choices)

    class Meta:
        model = ValuationMark
        fields = ["kind"]


class ModelProductFilter(RecordFilter):
    identifier = FilingFilter()
    startup = slug_filter(Startup, "Products of this startup.")
    kind = filters.ChoiceFilter(choices=ProductKind.choices)
    open_weights = BooleanFilter()

    class Meta:
        model = ModelProduct
        fields = ["kind", "open_weights"]


class ComputeDealFilter(FiguresFilter):
    startup = slug_filter(Startup, "Compute deals of this startup.")
    kind = filters.ChoiceFilter(choices=ComputeKind.choices)
    provider_slug = slug_filter(
        Investor, "Provided by this tracked investor.", field_name="provider_investor"
    )

    class Meta:
        model = ComputeDeal
        fields = ["kind"]


class SourceFilter(RecordFilter):
    class Meta:
        model = Source
        fields: list[str] = []


class FxRateFilter(RecordFilter):
    currency = filters.ChoiceFilter(choices=[(c, c) for c in SORTED_CURRENCIES])

    class Meta:
        model = FxRate
        fields = ["currency"]


class ReportedMetricFilter(RecordFilter):
    metric = filters.CharFilter()
    investor = slug_filter(Investor, "Figures about this investor.")
    startup = slug_filter(Startup, "Figures about this startup.")

    class Meta:
        model = ReportedMetric
        fields = ["metric"]


class SearchFilter(drf_filters.SearchFilter):
    """DRF's search, with a bad term reported under `search` like every other parameter, and
    no more terms, nor longer ones, than startups.search allows."""

    def get_search_terms(self, request) -> list[str]:
        try:
            terms = super().get_search_terms(request)
        except ValidationError as error:
            raise ValidationError({self.search_param: error.detail}) from None
        refusal = search_limit_error(terms)
        if refusal:
            raise ValidationError({self.search_param: [refusal]})
        return terms

    def filter_queryset(self, request, queryset, view):
        """On a view that sets `search_normalised_names` (startups, investors), a record
        also matches when its fields hold every normalised word of the search
        (startups.search.normalised_words): a legal name finds the company. One query still."""
        if not getattr(view, "search_normalised_names", False):
            return super().filter_queryset(request, queryset, view)
        fields, terms = self.get_search_fields(view, request), self.get_search_terms(request)
        if not fields or not terms:
            return queryset
        lookups = [self.construct_search(str(name), queryset) for name in fields]
        condition = _every_term(terms, lookups)
        if normalised := normalised_words(" ".join(terms)):
            condition |= _every_term(normalised, lookups)
        return queryset.filter(condition)


def _every_term(terms: list[str], lookups: list[str]) -> Q:
    """Each term in one of the fields at least, as DRF's SearchFilter has it."""
    return reduce(
        operator.and_,
        (reduce(operator.or_, (Q(**{lookup: term}) for lookup in lookups)) for term in terms),
    )
