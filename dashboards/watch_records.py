"""What an alert is about, in the reader's language: the round, valuation, compute deal or
claim it names, read in one query per kind (sources prefetched), summed up for the
/watchlist/ page and the private Atom feed alike."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from deals.models import Claim, ComputeDeal, FundingRound, ValuationMark
from startups.models import Startup
from startups.vocab import format_partial_date

from .citations import figure_label
from .formatting import local_name, money, quantity, stake, valuation_kind


@dataclass
class RecordSummary:
    """One record in words: whose, when, what, how much (with its bound), where to read more."""

    startup: Startup | None
    name: str  # the startup's name, or the buyer as reported when it is not tracked
    date: str
    label: str
    figure: str
    url: str
    source_urls: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return " · ".join(part for part in (self.name, self.label, self.figure) if part)


def _startup_url(startup: Startup | None, anchor: str) -> str:
    if startup is None:
        return reverse("dashboards:compute")
    return reverse("dashboards:startup", args=[startup.slug]) + anchor


def _sources(record: Model) -> list[str]:
    return [source.url for source in record.sources.all()]


def round_summary(funding_round: FundingRound, cited: list[str] | None = None) -> RecordSummary:
    amount = funding_round.amount
    return RecordSummary(
        startup=funding_round.startup,
        name=local_name(funding_round.startup),
        date=format_partial_date(funding_round.announced_on, funding_round.date_precision),
        label=funding_round.round_label,
        figure=money(amount, funding_round.amount_currency, funding_round.amount_qualifier),
        url=_startup_url(funding_round.startup, f"#round-{funding_round.pk}"),
        source_urls=_sources(funding_round) if cited is None else cited,
    )


def valuation_summary(mark: ValuationMark, cited: list[str] | None = None) -> RecordSummary:
    return RecordSummary(
        startup=mark.startup,
        name=local_name(mark.startup),
        date=format_partial_date(mark.valued_on, mark.date_precision),
        label=_("valuation (%(kind)s)") % {"kind": valuation_kind(mark.kind)},
        figure=money(mark.value, mark.currency, mark.value_qualifier),
        url=_startup_url(mark.startup, f"#mark-{mark.pk}"),
        source_urls=_sources(mark) if cited is None else cited,
    )


def compute_summary(deal: ComputeDeal, cited: list[str] | None = None) -> RecordSummary:
    figure = (
        money(deal.amount, deal.amount_currency, deal.amount_qualifier)
        if deal.amount is not None
        else quantity(deal.quantity, deal.quantity_qualifier)
    )
    return RecordSummary(
        startup=deal.startup,
        name=local_name(deal.startup) if deal.startup else deal.buyer,
        date=format_partial_date(deal.announced_on, deal.date_precision),
        label=" ".join(filter(None, [str(deal.get_kind_display()), deal.chip])),
        figure=figure,
        url=_startup_url(deal.startup, f"#compute-{deal.pk}"),
        source_urls=_sources(deal) if cited is None else cited,
    )


def claim_summary(claim: Claim) -> RecordSummary:
    """A source's figure: summed up as the record it is about, with the claimed value."""
    if claim.round_id:
        about = round_summary(claim.round, cited=[])
    elif claim.participation_id:
        about = round_summary(claim.participation.round, cited=[])
        about.label += f" · {local_name(claim.participation.investor)}"
    elif claim.valuation_id:
        about = valuation_summary(claim.valuation, cited=[])
    else:
        about = compute_summary(claim.compute_deal, cited=[])
    if claim.field == "stake_percent":
        value = stake(claim.value, claim.qualifier)
    elif claim.field == "quantity":
        value = quantity(claim.value, claim.qualifier)
    else:
        value = money(claim.value, claim.currency, claim.qualifier)
    about.label = _("%(record)s, %(figure)s claimed") % {
        "record": about.label,
        "figure": figure_label(claim.field),
    }
    about.figure = value
    about.source_urls = [claim.source.url]  # the claim's source, not the record's
    return about


# Per alert kind (the change feed's): how its records are read, and summed up.
READERS: dict[str, tuple[QuerySet, object]] = {
    "round": (
        FundingRound.objects.select_related("startup").prefetch_related("sources"),
        round_summary,
    ),
    "valuation": (
        ValuationMark.objects.select_related("startup").prefetch_related("sources"),
        valuation_summary,
    ),
    "compute_deal": (
        ComputeDeal.objects.select_related("startup").prefetch_related("sources"),
        compute_summary,
    ),
    "claim": (
        Claim.objects.select_related(
            "source",
            "round__startup",
            "participation__round__startup",
            "participation__investor",
            "valuation__startup",
            "compute_deal__startup",
        ),
        claim_summary,
    ),
}


def summaries(records: Iterable[tuple[str, int]]) -> dict[tuple[str, int], RecordSummary]:
    """The summary of each (kind, id) still stored: one query per kind asked (two where it
    has sources); a deleted record, or a kind no alert reads, has none."""
    ids: dict[str, set[int]] = defaultdict(set)
    for kind, record_id in records:
        if kind in READERS:
            ids[kind].add(record_id)
    found = {}
    for kind, wanted in ids.items():
        queryset, summarise = READERS[kind]
        for record in queryset.filter(pk__in=wanted):
            found[(kind, record.pk)] = summarise(record)
    return found


def attach_summaries(alerts: Sequence) -> Sequence:
    """Set `alert.summary` (None for a record since deleted) on each alert."""
    found = summaries((alert.kind, alert.record_id) for alert in alerts)
    for alert in alerts:
        alert.summary = found.get((alert.kind, alert.record_id))
    return alerts
