"""Stale valuations: a valuation is evidence at its date. Carried forward for longer than
VALUATION_STALE_AFTER_MONTHS with no newer valuation, it is shown as stale, and the unicorns
resting on it are counted apart.

A partial date is judged by the last day it may mean (a valuation of "2023-11" may be of
November 30th): a valuation is stale only when it is surely older than the horizon.
"""

import calendar
import datetime as dt

from django.conf import settings

from startups.vocab import period_end


def stale_after_months() -> int:
    return settings.VALUATION_STALE_AFTER_MONTHS


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_from(valued_on: dt.date, precision: str, months: int | None = None) -> dt.date:
    """The first day on which a valuation of `valued_on` (at `precision`) is stale: the day
    after the horizon has passed since the last day the date may mean."""
    months = stale_after_months() if months is None else months
    return add_months(period_end(valued_on, precision), months) + dt.timedelta(days=1)


def is_stale(valued_on: dt.date, precision: str, on: dt.date, months: int | None = None) -> bool:
    """Whether a valuation of `valued_on` (at `precision`), still the latest on `on`, is
    older than the horizon there."""
    return on >= stale_from(valued_on, precision, months)
