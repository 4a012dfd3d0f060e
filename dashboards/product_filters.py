"""The products table's filters, read from the query string like the other tables' (forms.py):
a bad value is reported and ignored, an unknown startup reported and dropped."""

from django import forms
from django.utils.translation import gettext_lazy as _

from startups.models import Startup

from .formatting import modality
from .forms import YES_NO, FilterForm, SlugsField, sort_choices

PRODUCT_SORTS = {
    "startup": ("startup__name_en", "launched_on", "name"),
    "product": ("name", "startup__name_en"),
    "modality": ("modality", "launched_on", "name"),
    "launched": ("launched_on", "name"),
    "filed": ("cac_filing_on", "launched_on", "name"),
}


class ProductFilterForm(FilterForm):
    named_records = {"startup": Startup}
    startup = SlugsField(label=_("Startups"))
    modality = forms.ChoiceField(label=_("Modality"), required=False)
    open_weights = forms.ChoiceField(label=_("Open weights"), choices=YES_NO, required=False)
    since = forms.DateField(
        label=_("Launched since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Launched until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=sort_choices(PRODUCT_SORTS), required=False)

    def __init__(self, *args, modalities=(), **kwargs):
        """`modalities`: those the products have (product_selectors.product_choices), the only
        ones offered."""
        super().__init__(*args, **kwargs)
        self.fields["modality"].choices = [("", _("any"))] + [(m, modality(m)) for m in modalities]

    def filters(self) -> dict:
        names = ("startup", "modality", "open_weights", "since", "until")
        found = {name: self.value(name) for name in names}
        return {name: value for name, value in found.items() if value not in (None, "", [])}
