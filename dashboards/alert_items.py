"""What an alert says, in the reader's language: what happened (startup, round, amount with
its bound), the page to see it on, its sources, and the watchlist item that matched."""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from deals.models import Claim, ComputeDeal, FundingRound, ValuationMark
from startups.vocab import format_partial_date

from .formatting import local_name, money, valuation_kind
from .models import Alert


@dataclass
class AlertItem:
    headline: str
    url: str
    sources: list[str] = field(default_factory=list)
    because: str = ""


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _startup_url(startup) -> str:
    if startup is None:
        return absolute(reverse("dashboards:compute"))
    return absolute(reverse("dashboards:startup", args=[startup.slug]))


def _round_text(round_: FundingRound) -> str:
    return _("%(startup)s raised %(amount)s (%(round)s, %(date)s)") % {
        "startup": local_name(round_.startup),
        "amount": money(round_.amount, round_.amount_currency, round_.amount_qualifier),
        "round": round_.round_label,
        "date": format_partial_date(round_.announced_on, round_.date_precision),
    }


def _valuation_text(mark: ValuationMark) -> str:
    return _("%(startup)s valued at %(amount)s (%(kind)s, %(date)s)") % {
        "startup": local_name(mark.startup),
        "amount": money(mark.value, mark.currency, mark.value_qualifier),
        "kind": valuation_kind(mark.kind),
        "date": format_partial_date(mark.valued_on, mark.date_precision),
    }


def _compute_text(deal: ComputeDeal) -> str:
    return _("%(buyer)s: %(kind)s %(chip)s, %(amount)s (%(date)s)") % {
        "buyer": local_name(deal.startup) if deal.startup else deal.buyer,
        "kind": deal.get_kind_display(),
        "chip": deal.chip,
        "amount": money(deal.amount, deal.amount_currency, deal.amount_qualifier),
        "date": format_partial_date(deal.announced_on, deal.date_precision),
    }


def _record_item(record) -> AlertItem:
    """A round, valuation mark or compute deal: its text, its startup's page, its sources."""
    if isinstance(record, FundingRound):
        text = _round_text(record)
    elif isinstance(record, ValuationMark):
        text = _valuation_text(record)
    else:
        text = _compute_text(record)
    sources = [source.url for source in record.sources.all()]
    return AlertItem(headline=text, url=_startup_url(record.startup), sources=sources)


def _claim_item(claim: Claim) -> AlertItem:
    record = claim.record
    round_ = record.round if claim.participation_id else record
    about = _record_item(round_)
    figure = money(claim.value, claim.currency, claim.qualifier) if claim.currency else None
    text = _("%(outlet)s reports %(figure)s: %(value)s, for %(record)s") % {
        "outlet": claim.source.outlet,
        "figure": claim.field,
        "value": figure or f"{claim.value.normalize():f}",
        "record": about.headline,
    }
    return AlertItem(headline=text, url=about.url, sources=[claim.source.url])


def _because(alert: Alert) -> str:
    item = alert.watch_item
    if item is None:
        return ""
    if item.search:
        return _("Your saved search: %(search)s") % {"search": item.search}
    return _("You follow %(name)s") % {"name": local_name(item.startup or item.investor)}


RECORDS = {
    "round": FundingRound.objects.select_related("startup").prefetch_related("sources"),
    "valuation": ValuationMark.objects.select_related("startup").prefetch_related("sources"),
    "compute_deal": ComputeDeal.objects.select_related("startup").prefetch_related("sources"),
    "claim": Claim.objects.select_related(
        "source",
        "round__startup",
        "participation__round__startup",
        "valuation__startup",
        "compute_deal__startup",
    ),
}
UPDATED_EVENTS = {"round.updated", "valuation.updated", "compute_deal.updated"}


def alert_items(alerts: list[Alert]) -> list[AlertItem]:
    """The alerts' items in the active language, oldest first; an alert whose record was
    deleted since is left out."""
    ids: dict[str, set[int]] = {}
    for alert in alerts:
        ids.setdefault(alert.kind, set()).add(alert.record_id)
    found = {
        (kind, record.pk): record
        for kind, record_ids in ids.items()
        if kind in RECORDS
        for record in RECORDS[kind].filter(pk__in=record_ids)
    }
    items = []
    for alert in sorted(alerts, key=lambda a: (a.created_at, a.pk)):
        record = found.get((alert.kind, alert.record_id))
        if record is None:
            continue
        item = _claim_item(record) if alert.kind == "claim" else _record_item(record)
        if alert.event in UPDATED_EVENTS:
            item.headline = _("Updated: %(what)s") % {"what": item.headline}
        item.because = _because(alert)
        items.append(item)
    return items
