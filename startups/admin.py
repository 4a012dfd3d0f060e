"""Admin for companies, products, sources and tags.

Every save goes through `startups.services`, so the admin writes exactly what the API and the
importer write. The deals app extends the startup page with its rounds (see deals/admin.py):
this module never imports deals, so the dependency arrow keeps pointing down.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ModelProduct, Source, Startup, Tag
from .rules import missing_source
from .services import record_delete, record_save, source_citations, source_delete
from .vocab import QUALIFIER_SIGNS, format_money, format_partial_date, refuse_exponent

RECORD_FIELDSET = (
    _("Record"),
    {"fields": [("created_at", "updated_at")], "classes": ["collapse"]},
)
EVIDENCE_FIELDSET = (_("Evidence"), {"fields": ["confidence", "sources", "notes"]})
IDENTIFIERS_FIELDSET = (
    _("Identifiers"),
    {
        "fields": [("uscc", "lei"), ("wikidata", "crunchbase"), "stock"],
        "description": _(
            "One of each kind, unique among records: a check character that does not match is "
            "refused. Stock codes as EXCHANGE:CODE, e.g. HKEX:02513."
        ),
    },
)
NAME_SEARCH = ["name_en", "name_zh", "aliases", "slug"]
# A computed list column: called with the model admin and the row's object.
Column = Callable[[Any, Model], str]


def distinct_values_filter(field: str, title: str) -> type[admin.SimpleListFilter]:
    """A filter listing the values of `field` actually in use (blank left out), one query."""

    class DistinctValuesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            values = (
                model_admin.model._default_manager.exclude(**{field: ""})
                .order_by(field)
                .values_list(field, flat=True)
                .distinct()
            )
            return [(value, value) for value in values]

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    DistinctValuesFilter.title = title
    DistinctValuesFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return DistinctValuesFilter


def year_filter(field: str, title: str = _("year")) -> type[admin.SimpleListFilter]:
    """A filter on the year of a date field, listing the years that have rows (one query)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_year"

        def lookups(self, request, model_admin):
            dates = model_admin.model._default_manager.dates(field, "year", order="DESC")
            return [(str(day.year), str(day.year)) for day in dates]

        def queryset(self, request, queryset):
            if not (self.value() or "").isdigit():
                return queryset
            return queryset.filter(**{f"{field}__year": int(self.value())})

    YearFilter.title = title
    return YearFilter


def qualifier_sign(qualifier: str) -> str:
    """'≈ ', '≥ ', '≤ ' or nothing, to put before a figure."""
    return QUALIFIER_SIGNS.get(qualifier, "")


def usd_text(value: Decimal | None, usd: Decimal | None, qualifier: str) -> str | None:
    """'≥ $1.0B'; says so when a figure is known but no FX rate converts it yet."""
    if value is None:
        return None
    return _("no FX rate") if usd is None else format_money(usd, "USD", qualifier)


def figure_columns(
    value: str, currency: str, usd: str, qualifier: str, description: str
) -> tuple[Column, Column]:
    """Two list columns for one money figure: as reported ('≈ CNY 800M'), in USD ('≈ $112M')."""

    @admin.display(description=description, ordering=value)
    def reported(model_admin: Any, obj: Model) -> str:
        return format_money(*(getattr(obj, f) for f in (value, currency, qualifier)))

    @admin.display(description=format_lazy("{} (USD)", description), ordering=usd)
    def in_usd(model_admin: Any, obj: Model) -> str:
        text = usd_text(*(getattr(obj, f) for f in (value, usd, qualifier)))
        return text or model_admin.get_empty_value_display()

    return reported, in_usd


class FigureFormField(forms.DecimalField):
    """A decimal figure typed in the admin; an exponent ("1e9") is refused as the import and
    the API refuse it (vocab.refuse_exponent)."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            try:
                refuse_exponent(value)
            except ValueError as error:
                raise ValidationError(str(error), code="exponent") from None
        return super().to_python(value)


# Decimal figures through FigureFormField, on every admin form and inline.
FIGURE_FORMFIELDS = {models.DecimalField: {"form_class": FigureFormField}}


class RecordForm(forms.ModelForm):
    """An admin form that asks the rules `Model.clean()` cannot: the record's sources are a
    many-to-many field, set after the record is saved."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "sources" in cleaned:
            message = missing_source(self._meta.model, cleaned["sources"])
            if message:
                self.add_error("sources", message)
        return cleaned


def stacked_column(description: str, ordering: str, *columns: Column) -> Column:
    """One list column showing several others' values one above the other, each once and
    the empty ones left out ('CNY 800M' over '≈ $112M'; '$500M' alone; 'undisclosed'): a
    list with fewer, narrower columns fits beside the admin's filters."""

    @admin.display(description=description, ordering=ordering)
    def column(model_admin: Any, obj: Model) -> str:
        empty = model_admin.get_empty_value_display()
        values = dict.fromkeys(column(model_admin, obj) for column in columns)
        lines = [value for value in values if value != empty] or [empty]
        return format_html_join(mark_safe("<br>"), "{}", ([line] for line in lines))

    return column


class RecordAdmin(SimpleHistoryAdmin):
    """Saves records and inline records through the services; history of every change.

    The admin form has already validated; the service validates again (full_clean) so that
    one function holds the rules whatever the way in. Many-to-many fields are set afterwards
    by the form's save_m2m, which the admin calls after save_model.
    """

    form = RecordForm
    # A URL typed without a scheme ("example.com/story") is read as https.
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        **FIGURE_FORMFIELDS,
    }

    def save_record(self, request: HttpRequest, obj: Model) -> None:
        record_save(obj)

    def save_inline_record(self, request: HttpRequest, obj: Model) -> None:
        record_save(obj)

    def save_model(self, request, obj, form, change):
        self.save_record(request, obj)

    def delete_model(self, request, obj):
        record_delete(obj)

    def delete_queryset(self, request, queryset):
        # One by one, so that each deletion says what it touched (the aggregates' outbox).
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_delete(obj)
        for obj in instances:
            self.save_inline_record(request, obj)
        formset.save_m2m()


def partial_date_column(
    field: str, description: str, precision_field: str = "date_precision"
) -> Column:
    """A list column showing a date at its precision: '2024-Q2', not 2024-04-01."""

    @admin.display(description=description, ordering=field)
    def column(model_admin: Any, obj: Model) -> str:
        text = format_partial_date(getattr(obj, field), getattr(obj, precision_field))
        return text or model_admin.get_empty_value_display()

    return column


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = ["__str__", "kind", "publisher", "original_publisher", "published_on", "url"]
    list_filter = ["kind", distinct_values_filter("publisher", _("publisher"))]
    search_fields = ["url", "title", "publisher", "original_publisher"]
    date_hierarchy = "published_on"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["url", "title", "publisher", "published_on"]}),
        # Which claim wins when sources disagree depends on the kind (docs/evidence.md).
        (_("Kind"), {"fields": ["kind", "original_publisher"]}),
        (None, {"fields": ["notes"]}),
        RECORD_FIELDSET,
    ]
    # Says why a cited source stays, instead of Django's "would require deleting".
    delete_confirmation_template = "admin/startups/source/delete_confirmation.html"

    def delete_model(self, request, obj):
        source_delete(obj)

    def get_deleted_objects(self, objs, request):
        """Every record citing a source protects it (source_citations), lists of sources
        included: the delete page and the bulk action refuse, naming those records."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        citations = [
            format_html("{}: {}", capfirst(record._meta.verbose_name), record)
            for record in source_citations(objs)
        ]
        return deleted, counts, perms_needed, citations or protected


@admin.register(Tag)
class TagAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "name", "startup_count"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(startup_count=Count("startups"))

    @admin.display(description=_("startups"), ordering="startup_count")
    def startup_count(self, obj: Tag) -> int:
        return obj.startup_count

    def save_model(self, request, obj, form, change):
        record_save(obj)


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown for context; each is edited on its own page (the link)."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModelProductInline(admin.TabularInline):
    model = ModelProduct
    fields = [
        "name",
        "kind",
        "launched_on",
        "date_precision",
        "modality",
        "open_weights",
        "cac_filing_on",
        "cac_filing_precision",
        "cac_filing_number",
        "confidence",
    ]
    extra = 1
    show_change_link = True


def merge_selected(kind: str) -> Callable:
    """The changelist action that opens the merge page (URL `data-merge`) for the two
    selected records; that page lets the user choose which one stays."""

    @admin.action(description=_("Merge selected into…"), permissions=["change", "delete"])
    def merge_selected(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        ids = sorted(queryset.values_list("pk", flat=True)[:3])
        if len(ids) != 2:
            modeladmin.message_user(
                request, _("Select exactly two records to merge."), messages.ERROR
            )
            return None
        return redirect("data-merge", kind, ids[0], ids[1])

    return merge_selected


@admin.register(Startup)
class StartupAdmin(RecordAdmin):
    actions = [merge_selected("startups")]
    list_display = [
        "name_en",
        "name_zh",
        "city",
        "is_ai",
        "sector",
        "status",
        "founded",
        "tag_list",
    ]
    list_filter = [
        "is_ai",
        "sector",
        "status",
        "tags",
        distinct_values_filter("city", _("city")),
        "confidence",
    ]
    search_fields = NAME_SEARCH
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["tags"]
    autocomplete_fields = ["sources"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ModelProductInline]
    view_on_site = False  # the startup's own URL is this page
    fieldsets = [
        (None, {"fields": ["slug", ("name_en", "name_zh"), "aliases"]}),
        (
            _("Company"),
            {
                "fields": [
                    ("country", "city"),
                    ("founded_on", "founded_precision"),
                    "founders",
                    ("is_ai", "sector"),
                    "focus",
                    "products_summary",
                    "website",
                    "description",
                    "tags",
                ]
            },
        ),
        (_("Listing"), {"fields": ["status", ("ipo_date", "ipo_exchange")]}),
        IDENTIFIERS_FIELDSET,
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Startup]:
        return super().get_queryset(request).prefetch_related("tags")

    founded = partial_date_column("founded_on", _("founded"), "founded_precision")

    @admin.display(description=_("tags"))
    def tag_list(self, obj: Startup) -> str:
        return ", ".join(str(tag) for tag in obj.tags.all())


@admin.register(ModelProduct)
class ModelProductAdmin(RecordAdmin):
    list_display = ["name", "startup", "kind", "launched", "modality", "open_weights"]
    list_filter = ["kind", "open_weights", "cac_filing_on", "confidence", "startup__is_ai"]
    list_select_related = ["startup"]
    search_fields = ["name", "modality", "startup__name_en", "startup__name_zh"]
    autocomplete_fields = ["startup", "sources"]
    date_hierarchy = "launched_on"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["startup", "name", "kind", ("launched_on", "date_precision")]}),
        (
            _("Model"),
            {
                "fields": [
                    "modality",
                    "open_weights",
                    ("cac_filing_on", "cac_filing_precision"),
                    "cac_filing_number",
                ]
            },
        ),
        EVIDENCE_FIELDSET,
        RECORD_FIELDSET,
    ]

    launched = partial_date_column("launched_on", _("launched"))
