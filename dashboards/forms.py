"""Filters read from the query string, so that every view of a page is a URL to share.

Bad values never break a page: the form reports them and the page falls back to the default
for that field. A slug that names no record is reported too, and only it is dropped: the
other slugs of the same filter still apply."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from deals.models import Investor, InvestorKind
from startups.models import Startup, StartupStatus, Tag
from startups.sectors import DEFAULT_AI_DEFINITION, AiDefinition
from startups.vocab import Confidence

from .models import PeriodKind
from .overview import DEFAULT_INVESTORS, MAX_INVESTORS, ChartFilters

SLUG = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
YES_NO = [("", _("any")), ("1", _("yes")), ("0", _("no"))]


def year_choices(years) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(y), str(y)) for y in sorted(years, reverse=True)]


class SlugsField(forms.Field):
    """Repeated `?name=a&name=b` slugs; blanks dropped, duplicates removed, order kept."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, limit: int = 20, **kwargs):
        self.limit = limit
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        slugs = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
        bad = [s for s in slugs if not SLUG.match(s)]
        if bad:
            raise ValidationError(_("Not a slug: %(value)s"), params={"value": bad[0][:80]})
        if len(slugs) > self.limit:
            raise ValidationError(_("Choose at most %(limit)s."), params={"limit": self.limit})
        return slugs


class FilterForm(forms.Form):
    """A GET form whose invalid fields fall back to their defaults."""

    # The filters that name records by slug, and the model of those records.
    named_records: dict[str, type] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown: dict[str, list[str]] = {}

    def clean(self):
        """Drop the slugs that name no record (one query per filter given), noting them."""
        cleaned = super().clean()
        for name, model in self.named_records.items():
            value = cleaned.get(name)
            slugs = value if isinstance(value, list) else [value] if value else []
            if not slugs:
                continue
            known = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            if unknown := [slug for slug in slugs if slug not in known]:
                self.unknown[name] = unknown
                kept = [slug for slug in slugs if slug in known]
                cleaned[name] = kept if isinstance(value, list) else ""
        return cleaned

    def problems(self) -> list[str]:
        """What the page says it did not apply: each refused value and each unknown slug,
        after the filter's label."""
        if not self.is_bound or (self.is_valid() and not self.unknown):
            return []
        found = [
            f"{self[name].label}: {error}"
            for name, errors in self.errors.items()
            for error in errors
            if name in self.fields
        ]
        found += [f"{error}" for error in self.non_field_errors()]
        for name, slugs in self.unknown.items():
            message = ngettext("%(slugs)s is unknown.", "%(slugs)s are unknown.", len(slugs))
            found.append(f"{self[name].label}: {message % {'slugs': ', '.join(slugs)}}")
        return found

    def valid_query(self) -> str:
        """The query string without what the form refused or dropped: a link to the same view
        that needs no message."""
        params = []
        for name, values in self.data.lists():
            if name in self.errors:
                continue
            dropped = set(self.unknown.get(name, []))
            params += [(name, value) for value in values if value.strip() not in dropped]
        return urlencode(params)

    def value(self, name: str, default=None):
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name) if name not in self.errors else None
        return default if value in (None, "", []) else value


class ChartFilterForm(FilterForm):
    named_records = {"investor": Investor}
    investor = SlugsField(limit=MAX_INVESTORS, label=_("Investors"))
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, required=False)
    since = forms.TypedChoiceField(label=_("From"), coerce=int, empty_value=None, required=False)
    until = forms.TypedChoiceField(label=_("To"), coerce=int, empty_value=None, required=False)
    ai = forms.ChoiceField(label=_("AI definition"), choices=AiDefinition.choices, required=False)

    def __init__(self, *args, years=(), **kwargs):
        """`years`: those the data covers (page_selectors.years_with_data), the only ones
        offered."""
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.fields[name].choices = year_choices(years)

    def filters(self) -> ChartFilters:
        since, until = self.value("since"), self.value("until")
        if since and until and since > until:
            since, until = until, since
        return ChartFilters(
            investors=tuple(self.value("investor", list(DEFAULT_INVESTORS))),
            period=self.value("period", PeriodKind.YEAR),
            since=since,
            until=until,
            ai=self.value("ai", DEFAULT_AI_DEFINITION),
        )


ROUND_SORTS = {
    "date": ("announced_on", "pk"),
    "startup": ("startup__name_en", "announced_on"),
    "round": ("round_label", "announced_on"),
    "amount": ("amount_usd", "announced_on"),
    "valuation": ("post_money_valuation_usd", "announced_on"),
    "confidence": ("confidence", "announced_on"),
}


# How the rounds table combines the investors named: rounds any of them joined, or all.
INVESTOR_MATCHES = [("any", _("any of these investors")), ("all", _("all of these investors"))]


def sort_choices(keys) -> list[tuple[str, str]]:
    return [(key, key) for key in keys] + [(f"-{key}", f"-{key}") for key in keys]


class RoundFilterForm(FilterForm):
    named_records = {"startup": Startup, "investor": Investor}
    q = forms.CharField(label=_("Startup name"), required=False, max_length=100)
    startup = SlugsField(label=_("Startups"))
    investor = SlugsField(label=_("Investors"))
    match = forms.ChoiceField(
        label=_("Rounds with"), choices=INVESTOR_MATCHES, required=False, initial="any"
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    ai = forms.ChoiceField(label=_("AI startups only"), choices=YES_NO, required=False)
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=[("", _("any")), *Confidence.choices], required=False
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    round = forms.CharField(label=_("Round"), required=False, max_length=100)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    disclosed = forms.BooleanField(label=_("Amount disclosed"), required=False)
    credits = forms.BooleanField(label=_("With compute credits"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=sort_choices(ROUND_SORTS), required=False)

    def filters(self) -> dict:
        names = (
            "q",
            "startup",
            "investor",
            "match",
            "city",
            "ai",
            "confidence",
            "currency",
            "round",
            "since",
            "until",
            "disclosed",
            "credits",
        )
        found = {name: self.value(name) for name in names}
        return {name: value for name, value in found.items() if value not in (None, "", [])}


STARTUP_SORTS = ("name", "valuation", "raised", "last_round", "rounds", "founded")


class StartupFilterForm(FilterForm):
    named_records = {"tag": Tag}
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    ai = forms.ChoiceField(label=_("AI startups only"), choices=YES_NO, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("any")), *StartupStatus.choices], required=False
    )
    tag = forms.SlugField(label=_("Tag"), required=False)
    unicorn_at = forms.DateField(
        label=_("Unicorn on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    products = forms.BooleanField(label=_("With model products"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=sort_choices(STARTUP_SORTS), required=False)

    def filters(self) -> dict:
        names = ("q", "city", "ai", "status", "tag", "unicorn_at", "products")
        found = {name: self.value(name) for name in names}
        return {name: value for name, value in found.items() if value not in (None, "", [])}


INVESTOR_SORTS = (
    "deals",
    "name",
    "ai_deals",
    "ai_share",
    "capital",
    "own",
    "credits",
    "portfolio",
    "unicorns",
    "exits",
)


class InvestorFilterForm(FilterForm):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("any")), *InvestorKind.choices], required=False
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=sort_choices(INVESTOR_SORTS), required=False)

    def filters(self) -> dict:
        found = {name: self.value(name) for name in ("q", "kind")}
        return {name: value for name, value in found.items() if value not in (None, "", [])}
