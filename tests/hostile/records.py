"""Hostile strings, the entry points they are sent to (every list's query parameters, every
page's), and records whose every free-text field holds one string, written through the API.

The text fields are read from the serializers (plain `CharField`s, wide enough for the
string, and the `aliases` list), the parameters from the filtersets and forms, not listed by
hand: a field or filter added later is covered too. Each resource gets the few other fields it
needs to be valid; keys are numbered so that every string makes its own records."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from rest_framework import serializers

from dashboards import forms as page_forms
from deals.api import views
from deals.api.fields import TextField
from deals.claim_services import claims_from_write
from tests.factories import FundingRoundFactory, InvestorFactory, SourceFactory, StartupFactory

# Wider than any hostile string below; narrower fields (country codes) hold codes only.
WIDE_ENOUGH = 60
URL = "https://news.example.com/story"

SQL = [
    "'; DROP TABLE deals_fundinground; --",
    "%' OR 1=1 --",
    "1; SELECT pg_sleep(5)",
    "Robert'); DELETE FROM startups_startup;--",
]
HTML = [
    "<script>alert(1)</script>",
    '" onmouseover="x',
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }} {% debug %}",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
]
# Look-alike letters on purpose (ruff's RUF001 would have them ASCII).
UNICODE = [
    "ＺＨＩＰＵ　ＡＩ全角",  # noqa: RUF001  full-width letters, an ideographic space
    "🦄 👨‍👩‍👧‍👦 🏳️‍🌈",  # emoji, ZWJ sequences
    "𝕏 𠀀 𓀀",  # noqa: RUF001  astral plane: mathematical, CJK extension B, hieroglyph
    "\u200fمرحبا\u202eevil\u202c",  # noqa: RUF001  RTL mark, right-to-left override
    "Zoe\u0308 Cafe\u0301 a\u0300\u0301\u0302",  # combining marks, not normalised
    "月之暗面 智谱华章",
]


def text_fields(serializer_class: type[serializers.Serializer]) -> list[str]:
    """The writable free-text fields of a resource."""
    fields = serializer_class().fields
    return [
        name
        for name, field in fields.items()
        if not field.read_only
        and type(field) in (serializers.CharField, TextField)
        and (field.max_length is None or field.max_length >= WIDE_ENOUGH)
    ]


LIST_VIEWS = {
    "startups": views.StartupViewSet,
    "investors": views.InvestorViewSet,
    "rounds": views.FundingRoundViewSet,
    "participations": views.ParticipationViewSet,
    "valuation-marks": views.ValuationMarkViewSet,
    "products": views.ModelProductViewSet,
    "compute-deals": views.ComputeDealViewSet,
    "sources": views.SourceViewSet,
    "fx-rates": views.FxRateViewSet,
    "reported-metrics": views.ReportedMetricViewSet,
}


def list_parameters(view) -> list[str]:
    """Every query parameter of a list: its filters, search, ordering and cursor."""
    return [*view.filterset_class.base_filters, "search", "ordering", "cursor"]


# The pages' filter forms; a page reads nothing else from its query string but these,
# `page` and `sort`.
PAGE_FORMS = {
    "/": page_forms.ChartFilterForm,
    "/startups/": page_forms.StartupFilterForm,
    "/investors/": page_forms.InvestorFilterForm,
    "/rounds/": page_forms.RoundFilterForm,
}


def page_parameters(form) -> list[str]:
    return [*form.base_fields, "page", "sort"]


@dataclass
class Written:
    resource: str
    key: str  # the record's slug or id, as its URL has it
    fields: list[str]  # the fields that hold the string


def sourced(record):
    """A factory's record with the source that every figure needs (an export of it imports),
    and the claims that writing it through a service makes (an export writes them too)."""
    record.sources.add(SourceFactory(url=URL))
    if getattr(record, "CLAIM_KIND", ""):
        claims_from_write(record, None)
    return record


def required_fields(resource: str, n: int) -> dict:
    """What else makes a valid record; `n` keeps natural keys apart."""
    startup = StartupFactory(slug="zhipu")
    return {
        "startups": lambda: {"slug": f"hostile-{n}"},
        "investors": lambda: {"slug": f"hostile-{n}"},
        "rounds": lambda: {"startup": "zhipu", "announced_on": "2024", "source_urls": [URL]},
        "participations": lambda: {
            "round": sourced(FundingRoundFactory(startup=startup, round_label=f"Round {n}")).pk,
            "investor": InvestorFactory(slug=f"backer-{n}").slug,
        },
        "valuation-marks": lambda: {
            "startup": "zhipu",
            "valued_on": f"{1900 + n}",
            "value": "1000",
            "currency": "USD",
            "source_urls": [URL],
        },
        "products": lambda: {"startup": "zhipu"},
        "compute-deals": lambda: {
            "startup": "zhipu",
            "kind": "chip_purchase",
            "announced_on": f"{1900 + n}",
            "source_urls": [URL],
        },
        "sources": lambda: {"url": f"{URL}/{n}"},
        "fx-rates": lambda: {
            "month": f"{1900 + n}-01",
            "currency": "CNY",
            "units_per_usd": "7.1",
        },
        "reported-metrics": lambda: {
            "period_start": "2024",
            "period_end": "2024",
            "value": "0.4",
            "unit": "share",
            "source_urls": [URL],
        },
    }[resource]()


_numbers: Iterator[int] = itertools.count(1)


def write_everywhere(writer, text: str) -> list[Written]:
    """One record per resource with `text` in each of its text fields (and as its only
    alias, where a list of names can hold it), created through the API."""
    written = []
    for resource, view in LIST_VIEWS.items():
        fields = text_fields(view.serializer_class)
        body = {**required_fields(resource, next(_numbers)), **dict.fromkeys(fields, text)}
        if "aliases" in view.serializer_class().fields and ";" not in text:
            body["aliases"] = [text]
            fields = [*fields, "aliases"]
        response = writer.post(f"/api/v1/{resource}/", body)
        assert response.status_code == 201, (resource, response.json())
        record = response.json()
        written.append(Written(resource, str(record.get("slug") or record["id"]), fields))
    return written
