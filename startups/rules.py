"""Validation rules that every way in (admin, API, import) applies through `Model.clean()`,
or, for what `clean()` cannot see (a record's sources, set after it is saved), by calling them.

Each returns {field: message} or a message; messages read after a field name: "amount: must
not be negative (got -50000000)". The database constraints say the same, as the last line of
defence.
"""

from collections.abc import Collection
from decimal import Decimal
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext

from .vocab import CURRENCIES


def missing_source(model: type[models.Model], sources: Collection | None) -> str | None:
    """Why a record of `model` citing `sources` may not be saved, or None.

    A record that carries a figure of its own (a round, a valuation mark, a compute deal, a
    published metric: `SOURCES_REQUIRED`) cites at least one source. The import (its
    source_url column), the API (source_urls) and the admin (sources) all ask this, each
    under its own name for the field.
    """
    if getattr(model, "SOURCES_REQUIRED", False) and not sources:
        return gettext("is required: every figure needs at least one source")
    return None


def money_errors(instance: models.Model, value: str, currency: str) -> dict[str, str]:
    amount: Decimal | None = getattr(instance, value)
    code: str = getattr(instance, currency) or ""
    errors = {}
    if amount is not None and amount < 0:
        errors[value] = f"must not be negative (got {amount:f})"
    if code and code not in CURRENCIES:
        errors[currency] = f"must be an ISO 4217 currency code such as USD or CNY (got {code!r})"
    elif amount is not None and not code:
        errors[currency] = "is required when an amount is given"
    return errors


def credits_errors(
    instance: models.Model, credits: str, credit_currency: str, amount: str, amount_currency: str
) -> dict[str, str]:
    """Credits are part of the amount paid, so never more than it in the same currency."""
    credit_value, amount_value = getattr(instance, credits), getattr(instance, amount)
    same_currency = getattr(instance, credit_currency) == getattr(instance, amount_currency)
    comparable = credit_value is not None and amount_value is not None and same_currency
    if comparable and credit_value > amount_value:
        return {credits: f"must not exceed the amount {amount_value:f} (got {credit_value:f})"}
    return {}


def percent_errors(instance: models.Model, field: str) -> dict[str, str]:
    value = getattr(instance, field)
    if value is not None and not 0 <= value <= 100:
        return {field: f"must be a percentage between 0 and 100 (got {value:f})"}
    return {}


# Source.url's column; a startup's website keeps its own, narrower one.
URL_MAX_LENGTH = 1000
_HTTP_URL = URLValidator(schemes=["http", "https"])


def url_problem(url: str, max_length: int = URL_MAX_LENGTH) -> str | None:
    """Why `url` may not be stored as a web address (a source, a website), or None.

    The one rule of every way in (the admin's forms, the API's fields, the import's cells,
    the model fields): http or https, a host, no whitespace or control characters, at most
    `max_length` characters. A URL never holds whitespace, so the import's list of URLs in
    one cell can be separated by it (startups.vocab.split_urls).
    """
    shown = repr(url if len(url) <= 80 else url[:80] + "…")
    if len(url) > max_length:
        return gettext("must be at most %(limit)d characters long (got %(length)d)") % {
            "limit": max_length,
            "length": len(url),
        }
    # Not printable: control and format characters (zero-width, bidi overrides), surrogates,
    # private use, unassigned code points, and every space but ' ', which is refused too.
    if " " in url or not url.isprintable():
        return gettext("must not contain whitespace or control characters (got %(url)s)") % {
            "url": shown
        }
    not_a_url = gettext("must be a web address such as https://example.com/page (got %(url)s)")
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket
        return not_a_url % {"url": shown}
    if parts.scheme.lower() not in {"http", "https"}:
        return gettext("must start with http:// or https:// (got %(url)s)") % {"url": shown}
    if not parts.hostname:
        return gettext(
            "must name a host after the scheme, as https://example.com/page does (got %(url)s)"
        ) % {"url": shown}
    try:
        _HTTP_URL(url)  # the host's and the port's form
    except ValidationError:
        return not_a_url % {"url": shown}
    return None


@deconstructible
class HttpURLValidator:
    """`url_problem` as a Django validator, for model and form fields and DRF's."""

    code = "http_url"

    def __init__(self, max_length: int = URL_MAX_LENGTH) -> None:
        self.max_length = max_length

    def __call__(self, value: str) -> None:
        if message := url_problem(str(value), self.max_length):
            raise ValidationError(message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HttpURLValidator) and other.max_length == self.max_length
