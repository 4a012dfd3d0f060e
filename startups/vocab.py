"""Vocabularies and value rules that every app shares: dates with a precision, money
qualifiers, confidence levels and ISO 4217 currencies (see data/sample/README.md)."""

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exact")
    APPROX = "approx", _("approximately")
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    REPORTED = "reported", _("reported")
    ESTIMATE = "estimate", _("estimate")


class SourceKind(models.TextChoices):
    """What a source is, which decides whose figure is accepted when sources disagree."""

    FILING = "filing", _("primary filing")
    COMPANY = "company", _("company statement")
    ORIGINAL_REPORT = "original_report", _("original reporting")
    SYNDICATED = "syndicated", _("syndicated copy")
    DATABASE = "database", _("database")
    STATISTICS = "statistics", _("official statistics")


# Kinds that only repeat what another outlet or a compiler said: a figure whose every source
# is one of these rests on copies alone (docs/evidence.md).
COPY_KINDS = (SourceKind.SYNDICATED, SourceKind.DATABASE)


QUALIFIER_SIGNS = {
    Qualifier.EXACT: "",
    Qualifier.APPROX: "≈ ",
    Qualifier.AT_LEAST: "≥ ",
    Qualifier.AT_MOST: "≤ ",
}

# Active ISO 4217 codes (2024 list); a code outside it is refused by a database constraint.
CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWG""".split()
)
SORTED_CURRENCIES = sorted(CURRENCIES)

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])))?$")
_PRECISION_ORDER = [
    DatePrecision.DAY,
    DatePrecision.MONTH,
    DatePrecision.QUARTER,
    DatePrecision.YEAR,
]


# Django rebuilds `.values` of a choices enum on every access; this runs once per cell.
_PRECISIONS = frozenset(DatePrecision.values)


def parse_partial_date(text: str, precision: str = "") -> tuple[dt.date, str]:
    """Parse `YYYY-MM-DD`, `YYYY-MM`, `YYYY-Qn` or `YYYY` into (first day, precision).

    A full date may carry a coarser precision (`2024-06-30` with `quarter`): it is kept as
    written. A precision finer than the text (`2024` with `day`) is refused.
    """
    text = (text or "").strip()
    match = _PARTIAL_DATE.match(text)
    if not match:
        raise ValueError(f"must be a date as YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY (got {text!r})")
    year, month, day, quarter = match.groups()
    year = int(year)
    if quarter:
        value, written = dt.date(year, 3 * int(quarter) - 2, 1), DatePrecision.QUARTER
    elif day:
        try:
            value = dt.date(year, int(month), int(day))
        except ValueError:
            raise ValueError(f"is not a real date (got {text!r})") from None
        written = DatePrecision.DAY
    elif month:
        if not 1 <= int(month) <= 12:
            raise ValueError(f"has no month {month} (got {text!r})")
        value, written = dt.date(year, int(month), 1), DatePrecision.MONTH
    else:
        value, written = dt.date(year, 1, 1), DatePrecision.YEAR
    precision = (precision or "").strip() or written
    if precision not in _PRECISIONS:
        raise ValueError(
            f"precision must be one of {', '.join(DatePrecision.values)} (got {precision!r})"
        )
    if _PRECISION_ORDER.index(precision) < _PRECISION_ORDER.index(written):
        raise ValueError(f"is written as a {written}, so it cannot have {precision} precision")
    return value, precision


_WITH_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")


def refuse_exponent(text: str) -> None:
    """Refuse a number written with an exponent (`1e9`, `1.2E+09`), whatever the way in.

    A spreadsheet writes a large number so when its column is not formatted as a number, and
    keeps only the digits it shows: `1.23457E+11` in a CSV file is 123457000000, not the
    figure typed. Raises ValueError with a message that reads after the field's name.
    """
    text = (text or "").strip()
    if _WITH_EXPONENT.fullmatch(text):
        raise ValueError(
            _(
                "is written with an exponent (got %(text)s): write every digit, as in "
                "1000000000; a spreadsheet that shows 1E+09 may have rounded the number"
            )
            % {"text": repr(text)}
        )


def format_partial_date(value: dt.date | None, precision: str) -> str:
    """Show a stored date at its precision: 2024-06-30 with `quarter` reads '2024-Q2'."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.QUARTER:
        return f"{value.year}-Q{(value.month - 1) // 3 + 1}"
    if precision == DatePrecision.MONTH:
        return f"{value.year}-{value.month:02d}"
    return value.isoformat()


def period_end(value: dt.date, precision: str) -> dt.date:
    """Last day of the period that a partial date names."""
    if precision == DatePrecision.YEAR:
        return dt.date(value.year, 12, 31)
    if precision == DatePrecision.QUARTER:
        last_month = ((value.month - 1) // 3) * 3 + 3
        return dt.date(value.year, last_month, calendar.monthrange(value.year, last_month)[1])
    if precision == DatePrecision.MONTH:
        return dt.date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return value


def format_money(value: Decimal | None, currency: str = "USD", qualifier: str = "") -> str:
    """A compact amount with its qualifier: '≥ $1.0B', '≈ CNY 800M', 'undisclosed'."""
    if value is None:
        return "undisclosed"
    sign = QUALIFIER_SIGNS.get(qualifier or Qualifier.EXACT, "")
    magnitude = abs(Decimal(value))
    for threshold, suffix in ((Decimal(10**9), "B"), (Decimal(10**6), "M"), (Decimal(10**3), "K")):
        if magnitude >= threshold:
            scaled = Decimal(value) / threshold
            # Three significant digits are plenty: "$1.0B", "$12.5M", "$800M".
            number = f"{scaled:,.0f}{suffix}" if abs(scaled) >= 100 else f"{scaled:,.1f}{suffix}"
            break
    else:
        number = f"{Decimal(value):,.0f}"
    prefix = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{prefix}{number}"


def sum_qualifier(at_least: int, approx: int, at_most: int) -> str:
    """The qualifier of a sum, from how many of its parts carry each bound (the README's
    "sums of bounds": an `at_least` part makes the total at least, an `approx` part
    approximate, bounds both ways approximate). dashboards.aggregates applies it in SQL."""
    if at_least and at_most:
        return Qualifier.APPROX
    if at_least:
        return Qualifier.AT_LEAST
    if at_most:
        return Qualifier.AT_MOST
    return Qualifier.APPROX if approx else Qualifier.EXACT


# The bound a figure puts on a ratio when it is the denominator: the larger the denominator,
# the smaller the ratio.
_TURNED = {Qualifier.AT_LEAST: Qualifier.AT_MOST, Qualifier.AT_MOST: Qualifier.AT_LEAST}


def ratio_qualifier(numerator: str, denominator: str) -> str:
    """The qualifier of numerator / denominator, from theirs. A ratio grows with its
    numerator and shrinks with its denominator, so a denominator's bound turns around (credits
    of exactly $300M over at least $800M are at most 37.5%); the two bounds then combine as
    the parts of a sum do (sum_qualifier): at least over approximately is at least, bounds
    pulling both ways (at least over at least) leave the ratio only approximate."""
    bounds = [numerator, _TURNED.get(denominator, denominator)]
    return sum_qualifier(
        bounds.count(Qualifier.AT_LEAST),
        bounds.count(Qualifier.APPROX),
        bounds.count(Qualifier.AT_MOST),
    )


# What a model product takes in or puts out, and the tags of startups: open lists, labelled
# where known (a value without a label is shown as written).
MODALITY_LABELS = {
    "text": pgettext_lazy("modality", "text"),
    "multimodal": pgettext_lazy("modality", "multimodal"),
    "video": pgettext_lazy("modality", "video"),
    "image": pgettext_lazy("modality", "image"),
    "audio": pgettext_lazy("modality", "audio"),
    "speech": pgettext_lazy("modality", "speech"),
    "music": pgettext_lazy("modality", "music"),
    "code": pgettext_lazy("modality", "code"),
    "agent": pgettext_lazy("modality", "agent"),
}
TAG_LABELS = {
    "little-ai-dragons": pgettext_lazy("tag", "Little AI Dragons"),
    "robotics": pgettext_lazy("tag", "robotics"),
}


def split_list(text: str) -> list[str]:
    """Split a `;` list as the import format writes it, dropping blanks and stray spaces."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]


# Between two URLs of a cell: a `;` standing alone, the files' separator from the start.
URL_SEPARATOR = " ; "


def split_urls(text: str) -> list[str]:
    """The URLs of a `source_url` cell, in order, each once.

    URLs are separated by whitespace (spaces, line breaks); a `;` standing alone between
    two of them, as in `https://a.example/1 ; https://b.example/2`, is a separator too. A
    URL holds no whitespace (startups.rules.url_problem), so any URL reads back whole,
    with the `;`, `,` or quotes it may contain: `https://example.com/a;b=c` is one URL.
    """
    return list(dict.fromkeys(token for token in (text or "").split() if token.strip(";")))


def join_urls(urls: Iterable[str]) -> str:
    """A `source_url` cell that `split_urls` reads back as `urls`."""
    return URL_SEPARATOR.join(urls)
