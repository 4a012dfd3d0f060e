"""Validation rules that every way in (admin, API, import) applies through `Model.clean()`,
or, for what `clean()` cannot see (a record's sources, set after it is saved), by calling them.

Each returns {field: message} or a message; messages read after a field name: "amount: must
not be negative (got -50000000)". The database constraints say the same, as the last line of
defence.
"""

from collections.abc import Collection
from decimal import Decimal

from django.db import models
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
