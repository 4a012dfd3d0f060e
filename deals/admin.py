"""Admin for investors, rounds, stakes, valuations, compute deals, metrics and FX rates.

Writes go through `deals.services`: every money figure gets its USD value at the record's date
before it is validated and saved, exactly as the API and the importer do it.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from startups import admin as startups_admin
from startups.admin import (
    EVIDENCE_FIELDSET,
    FIGURE_FORMFIELDS,
    IDENTIFIERS_FIELDSET,
    NAME_SEARCH,
    RECORD_FIELDSET,
    Column,
    ReadOnlyInline,
    RecordAdmin,
    distinct_values_filter,
    figure_columns,
    partial_date_column,
    qualifier_sign,
    stacked_column,
    year_filter,
)
from startups.models import Startup
from startups.services import record_save

from . import merge_admin as merge_admin  # registers the Merge admin
from .claim_admin import ClaimsAdminMixin
from .fx import MoneyField, RateBook
from .models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
    WithMoney,
)
from .services import fx_rate_delete, fx_rate_save, investor_save, money_record_save

STARTUP_SEARCH = ["startup__name_en", "startup__name_zh", "startup__aliases"]
USD_DESCRIPTION = _(
    "Derived from the FX rate of the month of the record's date (the latest month on or "
    "before it), and recomputed when rates change. Empty when no rate is known."
)


# Each figure's qualifier ("≈", "≥", "≤"), by the name of the figure's value field.
QUALIFIER_OF = {
    "amount": "amount_qualifier",
    "post_money_valuation": "valuation_qualifier",
    "compute_credit_amount": "compute_credit_qualifier",
    "value": "value_qualifier",
}


def money_columns(money: MoneyField, description: str) -> tuple[Column, Column]:
    """Two list columns for one figure: as reported ('≈ CNY 800M') and in USD ('≈ $112M')."""
    qualifier = QUALIFIER_OF[money.value]
    return figure_columns(money.value, money.currency, money.usd, qualifier, description)


def money_fieldsets(model: type[WithMoney], *titles: str) -> list:
    """A fieldset per figure (value, currency, qualifier on one line), then the derived USD."""
    figures = [(m.value, m.currency, QUALIFIER_OF[m.value]) for m in model.MONEY_FIELDS]
    derived = [(money.usd, money.rate) for money in model.MONEY_FIELDS]
    usd = (_("USD (derived)"), {"fields": derived, "description": USD_DESCRIPTION})
    return [*((t, {"fields": [f]}) for t, f in zip(titles, figures, strict=True)), usd]


def usd_readonly(model: type[WithMoney]) -> list[str]:
    """The derived USD values and rates: shown on the change page, never typed in."""
    fields = [name for money in model.MONEY_FIELDS for name in (money.usd, money.rate)]
    return [*fields, "created_at", "updated_at"]


class MoneyAdmin(ClaimsAdminMixin, RecordAdmin):
    """Records with money: saved through `money_record_save`, which derives USD first; their
    claims inline (deals.claim_admin)."""

    def save_record(self, request: HttpRequest, obj: WithMoney) -> None:
        money_record_save(obj)

    def save_model(self, request, obj, form, change):
        # The form's sources are set with the record, not after it (save_m2m), so that its
        # figures become claims of the sources it now cites (claims_from_write).
        sources = form.cleaned_data.get("sources")
        urls = None if sources is None else [source.url for source in sources]
        money_record_save(obj, source_urls=urls)

    def save_inline_record(self, request: HttpRequest, obj: Model) -> None:
        if isinstance(obj, WithMoney):
            money_record_save(obj, book=self.rate_book(request))
        else:
            record_save(obj)

    @staticmethod
    def rate_book(request: HttpRequest) -> RateBook:
        """One read of the rates per request, however many inline rows are saved."""
        if not hasattr(request, "_rate_book"):
            request._rate_book = RateBook.load()
        return request._rate_book


def lead_participations() -> Prefetch:
    """A round's leads with their investors, in one query for a whole page of rounds."""
    leads = Participation.objects.filter(is_lead=True).select_related("investor")
    return Prefetch("participations", leads.order_by("investor__name_en"), to_attr="leads")


@admin.display(description=_("lead investors"))
def lead_investors(model_admin: Any, obj: FundingRound) -> str:
    names = ", ".join(p.investor.name_en for p in obj.leads)
    return names or model_admin.get_empty_value_display()


class LeadInvestorFilter(admin.SimpleListFilter):
    """Investors that led at least one round (the investor itself, not its affiliates)."""

    title = _("lead investor")
    parameter_name = "lead"

    def lookups(self, request, model_admin):
        leaders = Investor.objects.filter(participations__is_lead=True).distinct()
        return [(str(pk), name) for pk, name in leaders.values_list("pk", "name_en")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        lead = {"participations__investor_id": int(self.value())}
        return queryset.filter(**lead, participations__is_lead=True)


class ParticipationInline(admin.TabularInline):
    """Who joined the round; credits, sources and notes are on each participation's page."""

    model = Participation
    formfield_overrides = FIGURE_FORMFIELDS
    autocomplete_fields = ["investor"]
    fields = [
        *("investor", "is_lead", "amount", "amount_currency", "amount_qualifier", "amount_usd"),
        *("stake_percent", "stake_qualifier"),
    ]
    readonly_fields = ["amount_usd"]
    extra = 1
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participation]:
        return super().get_queryset(request).select_related("investor", "round__startup")


ROUND_AMOUNT, ROUND_VALUATION, ROUND_CREDITS = FundingRound.MONEY_FIELDS


@admin.register(FundingRound)
class FundingRoundAdmin(MoneyAdmin):
    # Few enough columns to fit beside the filters at 1280 px; confidence is a filter.
    list_display = [
        *("startup", "round_label", "announced", "amount_reported_and_usd"),
        *("valuation_usd_text", "credits_usd_text", "lead_investors"),
    ]
    list_display_links = ["round_label"]
    list_filter = [
        year_filter("announced_on"),
        distinct_values_filter("round_label", _("round")),
        distinct_values_filter("amount_currency", _("currency")),
        "confidence",
        LeadInvestorFilter,
        "startup__is_ai",
    ]
    list_select_related = ["startup"]
    search_fields = [*STARTUP_SEARCH, "round_label"]
    autocomplete_fields = ["startup", "sources"]
    date_hierarchy = "announced_on"
    inlines = [ParticipationInline]
    readonly_fields = usd_readonly(FundingRound)
    fieldsets = [
        (None, {"fields": ["startup", "round_label", ("announced_on", "date_precision")]}),
        *money_fieldsets(
            FundingRound,
            _("Amount raised"),
            _("Post-money valuation"),
            _("Compute credits (the part of the amount paid as cloud credits or compute)"),
        ),
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    announced = partial_date_column("announced_on", _("announced"))
    amount_text, amount_usd_text = money_columns(ROUND_AMOUNT, _("amount"))
    amount_reported_and_usd = stacked_column(
        _("amount"), "amount_usd", amount_text, amount_usd_text
    )
    valuation_usd_text = money_columns(ROUND_VALUATION, _("valuation"))[1]
    credits_usd_text = money_columns(ROUND_CREDITS, _("credits"))[1]
    lead_investors = lead_investors

    def get_queryset(self, request: HttpRequest) -> QuerySet[FundingRound]:
        queryset = super().get_queryset(request).select_related("startup")
        return queryset.prefetch_related(lead_participations())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "announced_on" in form.changed_data:
            # The round's date converts its participants' money too.
            book = self.rate_book(request)
            for participation in form.instance.participations.select_related("round"):
                money_record_save(participation, book=book)


@admin.register(Participation)
class ParticipationAdmin(MoneyAdmin):
    list_display = ["investor", "round", "is_lead", "amount_text", "amount_usd_text", "stake"]
    list_filter = ["is_lead", distinct_values_filter("amount_currency", _("currency"))]
    list_select_related = ["investor", "round__startup"]
    search_fields = [
        *(f"investor__{name}" for name in NAME_SEARCH),
        *(f"round__{name}" for name in STARTUP_SEARCH),
        "round__round_label",
    ]
    autocomplete_fields = ["round", "investor", "sources"]
    readonly_fields = usd_readonly(Participation)
    fieldsets = [
        (None, {"fields": ["round", "investor", "is_lead", ("stake_percent", "stake_qualifier")]}),
        *money_fieldsets(Participation, _("Amount"), _("Compute credits")),
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    amount_text, amount_usd_text = money_columns(ROUND_AMOUNT, _("amount"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participation]:
        return super().get_queryset(request).select_related("investor", "round__startup")

    @admin.display(description=_("stake"), ordering="stake_percent")
    def stake(self, obj: Participation) -> str | None:
        if obj.stake_percent is None:
            return None
        return f"{qualifier_sign(obj.stake_qualifier)}{obj.stake_percent.normalize():f}%"


@admin.register(ValuationMark)
class ValuationMarkAdmin(MoneyAdmin):
    list_display = ["startup", "valued", "kind", "value_text", "value_usd_text", "confidence"]
    list_filter = [
        year_filter("valued_on"),
        "kind",
        distinct_values_filter("currency", _("currency")),
        "confidence",
        "startup__is_ai",
    ]
    list_select_related = ["startup"]
    search_fields = STARTUP_SEARCH
    autocomplete_fields = ["startup", "sources"]
    date_hierarchy = "valued_on"
    readonly_fields = usd_readonly(ValuationMark)
    fieldsets = [
        (None, {"fields": ["startup", "kind", ("valued_on", "date_precision")]}),
        *money_fieldsets(ValuationMark, _("Value")),
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    valued = partial_date_column("valued_on", _("valued on"))
    value_text, value_usd_text = money_columns(ValuationMark.MONEY_FIELDS[0], _("value"))


@admin.register(ComputeDeal)
class ComputeDealAdmin(MoneyAdmin):
    list_display = [
        *("buyer", "kind", "chip", "quantity_text", "provider", "announced"),
        *("amount_text", "amount_usd_text", "below_market"),
    ]
    list_filter = [
        year_filter("announced_on"),
        "kind",
        "below_market",
        distinct_values_filter("amount_currency", _("currency")),
        "confidence",
    ]
    list_select_related = ["startup", "provider_investor"]
    search_fields = ["buyer", "chip", "provider", *STARTUP_SEARCH]
    autocomplete_fields = ["startup", "provider_investor", "sources"]
    date_hierarchy = "announced_on"
    readonly_fields = usd_readonly(ComputeDeal)
    fieldsets = [
        (None, {"fields": ["startup", "buyer", "kind", ("announced_on", "date_precision")]}),
        (
            _("Compute"),
            {
                "fields": [
                    "chip",
                    ("quantity", "quantity_qualifier"),
                    ("provider", "provider_investor"),
                    "below_market",
                ]
            },
        ),
        *money_fieldsets(ComputeDeal, _("Amount")),
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    announced = partial_date_column("announced_on", _("announced"))
    amount_text, amount_usd_text = money_columns(ROUND_AMOUNT, _("amount"))

    @admin.display(description=_("quantity"), ordering="quantity")
    def quantity_text(self, obj: ComputeDeal) -> str | None:
        if obj.quantity is None:
            return None
        return f"{qualifier_sign(obj.quantity_qualifier)}{obj.quantity:,}"


class AffiliateInline(ReadOnlyInline):
    """The investors below this one (their deals count for it); edited on their own page."""

    model = Investor
    fk_name = "parent"
    fields = ["name_en", "name_zh", "kind", "hq_city"]
    readonly_fields = fields
    verbose_name = _("affiliate")
    verbose_name_plural = _("affiliates (their deals count for this investor)")


@admin.register(Investor)
class InvestorAdmin(RecordAdmin):
    actions = [startups_admin.merge_selected("investors")]
    list_display = [
        "name_en",
        "name_zh",
        "kind",
        "parent",
        "hq_city",
        "rounds_joined",
        "rounds_led",
    ]
    list_filter = ["kind", distinct_values_filter("hq_country", _("HQ country")), "confidence"]
    list_select_related = ["parent"]
    search_fields = NAME_SEARCH
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent", "sources"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AffiliateInline]
    fieldsets = [
        (None, {"fields": ["slug", ("name_en", "name_zh"), "aliases", "kind", "parent"]}),
        (_("Headquarters"), {"fields": [("hq_country", "hq_city")]}),
        IDENTIFIERS_FIELDSET,
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Investor]:
        led = Q(participations__is_lead=True)
        return (
            super()
            .get_queryset(request)
            .annotate(round_count=Count("participations"), lead_count=Count("pk", filter=led))
        )

    def save_record(self, request: HttpRequest, obj: Investor) -> None:
        investor_save(obj)

    @admin.display(description=_("rounds"), ordering="round_count")
    def rounds_joined(self, obj: Investor) -> int:
        return obj.round_count

    @admin.display(description=_("led"), ordering="lead_count")
    def rounds_led(self, obj: Investor) -> int:
        return obj.lead_count


@admin.register(FxRate)
class FxRateAdmin(RecordAdmin):
    list_display = ["currency", "month_text", "units_per_usd", "source", "source_note"]
    list_filter = [distinct_values_filter("currency", _("currency")), year_filter("month")]
    list_select_related = ["source"]
    search_fields = ["currency", "source_note"]
    autocomplete_fields = ["source"]
    date_hierarchy = "month"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["currency", "month", "units_per_usd"]}),
        (_("Evidence"), {"fields": ["source", "source_note"]}),
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("month"), ordering="month")
    def month_text(self, obj: FxRate) -> str:
        return f"{obj.month:%Y-%m}"

    def save_record(self, request: HttpRequest, obj: FxRate) -> None:
        fx_rate_save(obj)

    def delete_model(self, request, obj):
        fx_rate_delete(obj)


@admin.register(ReportedMetric)
class ReportedMetricAdmin(RecordAdmin):
    list_display = ["metric", "subject", "period", "value_text", "confidence"]
    list_filter = [distinct_values_filter("metric", _("metric")), "unit", "confidence"]
    list_select_related = ["investor", "startup"]
    search_fields = ["metric", "subject", "investor__name_en", *STARTUP_SEARCH]
    autocomplete_fields = ["investor", "startup", "sources"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["metric", "subject", ("investor", "startup")]}),
        (
            _("Figure"),
            {"fields": [("period_start", "period_end"), ("value", "value_qualifier", "unit")]},
        ),
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("period"), ordering="period_end")
    def period(self, obj: ReportedMetric) -> str:
        return " to ".join(str(day) for day in (obj.period_start, obj.period_end) if day)

    @admin.display(description=_("value"), ordering="value")
    def value_text(self, obj: ReportedMetric) -> str:
        return f"{qualifier_sign(obj.value_qualifier)}{obj.value.normalize():f} {obj.unit}"


class FundingRoundSummaryInline(ReadOnlyInline):
    """A startup's rounds at a glance; each is edited on its own page (the link)."""

    model = FundingRound
    fields = ["announced", "round_label", "amount_text", "amount_usd_text", "leads", "confidence"]
    readonly_fields = fields
    ordering = ["announced_on"]

    announced = FundingRoundAdmin.announced
    amount_text = FundingRoundAdmin.amount_text
    amount_usd_text = FundingRoundAdmin.amount_usd_text
    leads = lead_investors

    def get_queryset(self, request: HttpRequest) -> QuerySet[FundingRound]:
        queryset = super().get_queryset(request).select_related("startup")
        return queryset.prefetch_related(lead_participations())


# The startup page lists its rounds; registered here so that startups never imports deals.
admin.site.unregister(Startup)


@admin.register(Startup)
class StartupAdmin(startups_admin.StartupAdmin):
    inlines = [*startups_admin.StartupAdmin.inlines, FundingRoundSummaryInline]
