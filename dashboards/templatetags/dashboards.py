"""Template helpers: names and amounts in the reader's language, partial dates, sort links,
the page in each language, citations, disputed figures' claims and notes."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.http import urlencode

from deals.vocab import metric_label
from startups.identifiers import identifier_links
from startups.models import StartupStatus
from startups.vocab import format_partial_date

from .. import chips, formatting
from ..citations import Citation, copies_only, figure_label, list_separator

register = template.Library()
# Notes up to this long are shown whole; longer ones collapse to a preview of NOTES_PREVIEW.
NOTES_SHOWN_WHOLE = 160
NOTES_PREVIEW = 100


@register.filter
def name(record) -> str:
    """The record's name in the active language (Chinese name when known)."""
    return formatting.local_name(record)


@register.filter
def other_name(record) -> str:
    return formatting.other_name(record)


@register.simple_tag
def money(value, currency: str = "USD", qualifier: str = "") -> str:
    """`{% money round.amount round.amount_currency round.amount_qualifier %}`: ≥ $300M,
    ≥ 3亿美元."""
    return formatting.money(value, currency or "USD", qualifier)


@register.simple_tag
def stake(value, qualifier: str = "") -> str:
    """`{% stake part.stake_percent part.stake_qualifier %}`: ≈ 36%."""
    return formatting.stake(value, qualifier)


@register.filter
def percent(ratio, digits: int = 0) -> str:
    return formatting.percent(ratio, int(digits))


@register.simple_tag
def metric_value(value, unit: str, qualifier: str = "") -> str:
    """`{% metric_value metric.value metric.unit metric.value_qualifier %}`: ≥ 190 products."""
    return formatting.metric_value(value, unit, qualifier)


@register.filter
def metric_name(code: str) -> str:
    return metric_label(code)


@register.filter
def valuation_kind(kind: str) -> str:
    return formatting.valuation_kind(kind)


@register.filter
def figure_name(field: str) -> str:
    """A figure of a record by name: 'amount', 'stake', '金额'."""
    return figure_label(field)


@register.filter
def modality(value: str) -> str:
    return formatting.modality(value)


@register.filter
def tag_name(tag) -> str:
    return formatting.tag_name(tag)


@register.filter
def startup_status(value: str) -> str:
    """A startup's status as the reader's language names it ('listed' rows read 'public')."""
    return str(StartupStatus(value).label) if value in StartupStatus.values else value


@register.filter
def partial_date(value, precision: str = "day") -> str:
    return format_partial_date(value, precision or "day")


@register.simple_tag(takes_context=True)
def sort_link(context, key: str) -> str:
    """The current query string sorted by `key`, descending when already ascending."""
    request = context["request"]
    current = context.get("sort") or ""
    target = f"-{key}" if current == key else key
    params = [
        (k, v) for k, values in request.GET.lists() for v in values if k not in ("sort", "page")
    ]
    params.append(("sort", target))
    return "?" + urlencode(params)


@register.simple_tag(takes_context=True)
def sort_mark(context, key: str) -> str:
    current = context.get("sort") or ""
    if current == key:
        return "▲"
    if current == f"-{key}":
        return "▼"
    return ""


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """(language, absolute URL) of this page in each language, for hreflang links."""
    request = context["request"]
    here = request.get_full_path()
    return [
        (code, request.build_absolute_uri(translate_url(here, code)))
        for code, _ in settings.LANGUAGES
    ]


@register.simple_tag
def quantity(value, qualifier: str = "") -> str:
    """`{% quantity deal.quantity deal.quantity_qualifier %}`: ≥ 400,000, ≥ 40万."""
    return formatting.quantity(value, qualifier)


@register.inclusion_tag("dashboards/_sources.html")
def citations(sources) -> dict:
    """`{% citations round.sources.all %}`: each source by outlet and date, linked to it, and
    "copies only" when every one is a syndicated copy or a database."""
    cited = [s if isinstance(s, Citation) else Citation.of(s) for s in sources]
    return {"citations": cited, "copies_only": copies_only(cited), "separator": list_separator()}


@register.inclusion_tag("dashboards/_identifiers.html")
def identifiers(record) -> dict:
    """`{% identifiers startup %}`: a profile's facts about its identifiers, each linked to
    its own record (Wikidata, GLEIF, the exchange, ...); nothing when it has none."""
    return {"links": identifier_links(record)}


@register.inclusion_tag("dashboards/_dispute.html")
def dispute(record, field: str) -> dict:
    """`{% dispute round "amount" %}`: the marker of a disputed figure, opening onto its
    claims side by side; nothing when the figure is not disputed. The page reads the claims
    first (dashboards.dispute_selectors.attach_disputes): a disputed record without them is
    a page's mistake, and fails loudly rather than hiding the dispute."""
    if isinstance(record, dict):
        disputes = record.get("disputes") or {}
    else:
        disputes = getattr(record, "disputes", None)
        if disputes is None:
            if record.disputed:
                raise LookupError(f"{record!r} is disputed but its claims were not read")
            disputes = {}
    claims = disputes.get(field, [])
    if isinstance(record, dict):
        elsewhere = (record.get("given_elsewhere") or {}).get(field, [])
    else:
        elsewhere = (getattr(record, "given_elsewhere", None) or {}).get(field, [])
    return {
        "claims": claims,
        "elsewhere": [] if claims else elsewhere,
        "separator": list_separator(),
        "figure": figure_label(field),
        "summary": list_separator().join(f"{c.source.name}: {c.value_text}" for c in claims),
    }


@register.inclusion_tag("dashboards/_notes.html")
def notes(text: str) -> dict:
    """`{% notes round.notes %}`: a record's notes, escaped; long ones collapsed to a preview."""
    text = (text or "").strip()
    long = len(text) > NOTES_SHOWN_WHOLE
    return {"text": text, "long": long, "preview": _preview(text) if long else ""}


def _preview(text: str) -> str:
    """The first NOTES_PREVIEW characters, cut at a space where the text has spaces."""
    cut = text[:NOTES_PREVIEW]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


@register.filter
def chip_generation(chip: str) -> str:
    """The family of a chip as a deal names it: `{{ deal.chip|chip_generation }}`."""
    return chips.generation_label(chips.chip_generation(chip))


@register.filter
def fx_rate(rate) -> str:
    """An FX rate as stored, without its padding zeros and never in exponent form: 7.2."""
    return "" if rate is None else format(rate.normalize(), "f")
