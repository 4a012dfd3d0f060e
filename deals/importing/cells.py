"""Cell parsers for the import format: text in, typed value out, or a CellError in words."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from django.core.exceptions import ValidationError
from django.db.models import Choices
from django.utils.translation import get_language

from startups.identifiers import parse_identifier, parse_identifiers
from startups.rules import url_problem
from startups.vocab import CURRENCIES, parse_partial_date, refuse_exponent, split_list, split_urls


class CellError(ValueError):
    """A bad cell; the message reads after its column name."""


def text(value: str) -> str:
    return (value or "").strip()


def decimal(value: str) -> Decimal | None:
    value = text(value)
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(
            f"must be a number in whole units without separators (got {value!r})"
        ) from None
    if not number.is_finite():
        raise CellError(f"must be a finite number (got {value!r})")
    written_in_full(value)
    return number


def written_in_full(value: str) -> None:
    """The rule of the API and the admin too: no exponent (startups.vocab.refuse_exponent)."""
    try:
        refuse_exponent(value)
    except ValueError as error:
        raise CellError(str(error)) from None


def integer(value: str) -> int | None:
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(f"must be a whole number (got {text(value)!r})")
    return int(number)


def boolean(value: str, default: bool | None = None) -> bool | None:
    value = text(value).lower()
    if not value:
        return default
    if value in {"true", "yes", "1", "y", "t"}:
        return True
    if value in {"false", "no", "0", "n", "f"}:
        return False
    raise CellError(f"must be true or false (got {value!r})")


@cache
def choices_of(choices: type[Choices]) -> list[str]:
    """A choices class's values, listed once: `Choices.values` builds the list anew on every
    call, and that was a fifth of staging a round (docs/benchmarks.md)."""
    return list(choices.values)


def choice(value: str, choices: list[str], default: str = "") -> str:
    value = text(value)
    if not value:
        return default
    if value not in choices:
        raise CellError(f"must be one of {', '.join(choices)} (got {value!r})")
    return value


def currency(value: str) -> str:
    value = text(value).upper()
    if value and value not in CURRENCIES:
        raise CellError(f"must be an ISO 4217 currency code such as USD or CNY (got {value!r})")
    return value


def partial_date(value: str, precision: str = "") -> tuple[dt.date, str]:
    try:
        return parse_partial_date(value, precision)
    except ValueError as error:
        raise CellError(str(error)) from None


def optional_date(value: str) -> dt.date | None:
    return partial_date(value)[0] if text(value) else None


def month(value: str) -> dt.date:
    first_day, precision = partial_date(value)
    if precision != "month":
        raise CellError(f"must be a month as YYYY-MM (got {text(value)!r})")
    return first_day


def slug_list(value: str) -> list[str]:
    return split_list(value)


def urls(value: str) -> list[str]:
    """A list of URLs in the format of startups.vocab.split_urls, each held to the rule of
    the API and the admin (startups.rules.url_problem)."""
    found = split_urls(value)
    for found_url in found:
        url(found_url)
    return found


def url(value: str) -> str:
    """One URL (a source's own `url`), held to the rule of the API and the admin."""
    value = text(value)
    if value and (problem := _url_problem(value, get_language())):
        raise CellError(problem)
    return value


@lru_cache(maxsize=4096)
def _url_problem(value: str, language: str | None) -> str | None:
    """url_problem once per URL and language: a file cites its few sources on row after row,
    and the rule's parsing was a tenth of an import's time (docs/benchmarks.md)."""
    return url_problem(value)


def identifiers(value: str) -> dict[str, str]:
    """`uscc:...; wikidata:Q...` → {kind: stored form}; each bad item named with its reason
    (the check character expected), a kind given twice refused (startups.identifiers)."""
    try:
        return parse_identifiers(value)
    except ValidationError as error:
        refusal = " ".join(error.messages)
    # Which items are bad (parse_identifiers stops at the first), each named.
    problems = []
    for item in split_list(value):
        try:
            parse_identifier(item)
        except ValidationError as error:
            problems.append(f"{item!r} {' '.join(error.messages)}")
    raise CellError("; ".join(problems) or refusal)
