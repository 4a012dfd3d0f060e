"""USD normalisation: every money figure is converted at the rate of the latest month on or
before its date, and stored with that rate so the figure can be explained. No rate, no USD."""

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")


@dataclass(frozen=True)
class MoneyField:
    """Where one money figure of a model lives, and which date converts it."""

    value: str
    currency: str
    usd: str
    rate: str


class RateBook:
    """All monthly rates in memory (a few hundred rows per currency), for look-ups by date."""

    def __init__(self, rates: dict[str, list[tuple[dt.date, Decimal]]]):
        self._months = {cur: [month for month, _ in rows] for cur, rows in rates.items()}
        self._rates = {cur: [rate for _, rate in rows] for cur, rows in rates.items()}

    @classmethod
    def load(cls) -> "RateBook":
        from .models import FxRate

        rates: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for month, currency, rate in FxRate.objects.order_by("currency", "month").values_list(
            "month", "currency", "units_per_usd"
        ):
            rates[currency].append((month, rate))
        return cls(rates)

    def rate_on(self, currency: str, on: dt.date) -> Decimal | None:
        """Units of `currency` per USD for the latest month on or before `on`."""
        if currency == "USD":
            return Decimal(1)
        months = self._months.get(currency)
        if not months or on is None:
            return None
        index = bisect.bisect_right(months, on) - 1
        return self._rates[currency][index] if index >= 0 else None

    def to_usd(
        self, value: Decimal | None, currency: str, on: dt.date
    ) -> tuple[Decimal | None, Decimal | None]:
        """(USD value, rate used); both None when the value or a rate is unknown."""
        if value is None or not currency:
            return None, None
        rate = self.rate_on(currency, on)
        if rate is None:
            return None, None
        return (Decimal(value) / rate).quantize(CENT, rounding=ROUND_HALF_UP), rate


def apply_usd(instance: models.Model, fields: list[MoneyField], on: dt.date, book: RateBook):
    """Set each figure's USD value and rate on `instance` (not saved)."""
    for field in fields:
        usd, rate = book.to_usd(
            getattr(instance, field.value), getattr(instance, field.currency), on
        )
        setattr(instance, field.usd, usd)
        setattr(instance, field.rate, rate)
