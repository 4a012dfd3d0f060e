"""The claims inline of each record with figures, saved through deals.claim_services, and the
link from a record's disputed figures to the Disputes page."""

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from startups.admin import FIGURE_FORMFIELDS

from .admin_disputes import disputes_url
from .claim_models import RECORD_FIELDS, Claim
from .claim_services import claim_delete, claim_save
from .evidence import FIGURES
from .models import WithMoney


def form_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, else the whole row."""
    messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, texts in messages.items():
        form.add_error(name if name in form.fields else None, texts)


class ClaimFormSet(BaseInlineFormSet):
    """Each changed claim is checked as claim_save will write it (the record's figures, a
    currency for money, a reason to accept) in a savepoint that is rolled back: a rule broken
    shows on its row, never as an error page."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        # The checks read a fresh copy of the record: the one the page edits is saved after.
        record = type(self.instance)._default_manager.get(pk=self.instance.pk)
        with transaction.atomic():
            for form in self.deleted_forms:
                if form.instance.pk is not None:
                    claim_delete(self._checked_copy(form, record))
            for form in self.forms:
                if form in self.deleted_forms or not form.has_changed():
                    continue
                claim = self._checked_copy(form, record)
                try:
                    with transaction.atomic():
                        claim_save(claim)
                except ValidationError as error:
                    form_errors(form, error)
            transaction.set_rollback(True)

    def _checked_copy(self, form: forms.ModelForm, record: WithMoney) -> Claim:
        claim = copy.copy(form.instance)
        setattr(claim, self.fk.name, record)
        return claim


class ClaimInline(admin.StackedInline):
    """What each source says of this record's figures: one claim to a block of three lines
    (eleven fields in a table's row would not fit the form)."""

    model = Claim
    formset = ClaimFormSet
    figures: tuple[str, ...] = ()
    fields = [
        ("field", "value", "currency", "qualifier", "value_usd"),
        ("source", "as_of", "reported_on"),
        ("confidence", "accepted", "notes"),
    ]
    readonly_fields = ["value_usd"]
    autocomplete_fields = ["source"]
    formfield_overrides = {
        **FIGURE_FORMFIELDS,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})},
    }
    extra = 0
    verbose_name_plural = _("claims (what each source says of the figures)")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "field":
            kwargs["choices"] = [(name, name) for name in self.figures]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("source")


def claim_inline(model: type[WithMoney]) -> type[ClaimInline]:
    """The claims inline of one kind of record: its foreign key, its figures."""
    kind = model.CLAIM_KIND
    attributes = {"fk_name": RECORD_FIELDS[kind], "figures": tuple(FIGURES[kind])}
    return type(f"{model.__name__}ClaimInline", (ClaimInline,), attributes)


class ClaimsAdminMixin:
    """For the admin of a record with figures: its claims inline on its change page (a claim
    needs a saved record), saved through claim_save and claim_delete so that the record
    follows the accept rule; its disputed figures linked to the Disputes page."""

    def get_inlines(self, request: HttpRequest, obj: Any) -> list:
        inlines = list(super().get_inlines(request, obj))
        return inlines if obj is None else [*inlines, claim_inline(self.model)]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Claim:
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for claim in formset.deleted_objects:
            claim_delete(claim)
        for claim in instances:
            claim_save(claim, book=self.rate_book(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "disputed_figures"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.disputed:
            fieldsets.insert(1, (_("Disputed"), {"fields": ["disputed_figures"]}))
        return fieldsets

    @admin.display(description=_("disputed figures"))
    def disputed_figures(self, obj: WithMoney) -> str:
        links = ((disputes_url(obj, field), field) for field in obj.disputed)
        return format_html(
            "{} {}",
            _("Sources disagree on:"),
            format_html_join(", ", '<a href="{}">{}</a>', links),
        )
