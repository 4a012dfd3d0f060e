"""The compute ledger's filters, read from the query string as the rounds table's are
(dashboards.forms): a bad value is named on the page and its field falls back to its default."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deals.models import ComputeKind, Investor
from startups.models import Startup

from .chips import GENERATION_CHOICES
from .compute_selectors import COMPUTE_SORTS
from .forms import YES_NO, FilterForm, SlugsField, sort_choices


class ComputeFilterForm(FilterForm):
    named_records = {"provider": Investor, "buyer": Startup}
    q = forms.CharField(label=_("Buyer name"), required=False, max_length=100)
    buyer = SlugsField(label=_("Buyers"))
    provider = SlugsField(label=_("Providers"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("any")), *ComputeKind.choices], required=False
    )
    chip = forms.CharField(label=_("Chip"), required=False, max_length=100)
    generation = forms.ChoiceField(
        label=_("Chip generation"), choices=[("", _("any")), *GENERATION_CHOICES], required=False
    )
    below_market = forms.ChoiceField(label=_("Below market rate"), choices=YES_NO, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=sort_choices(COMPUTE_SORTS), required=False)

    FILTERS = (
        "q",
        "buyer",
        "provider",
        "kind",
        "chip",
        "generation",
        "below_market",
        "since",
        "until",
    )

    def filters(self) -> dict:
        found = {name: self.value(name) for name in self.FILTERS}
        return {name: value for name, value in found.items() if value not in (None, "", [])}
