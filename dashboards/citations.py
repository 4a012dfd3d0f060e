"""How the pages cite a source and show the claims of a disputed figure: by outlet and date
("Bloomberg, 2024-02-20"), a copy by the outlet it names and where the copy is ("Bloomberg via
goldberglawma.com"), and a figure resting on copies alone saying so.

Plain, picklable values, so that cached page data can hold them; their text is written at
render time, in the reader's language (docs/dashboards.md, "Evidence").
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from deals.evidence import FIELD_NAMES
from startups.models import Source
from startups.vocab import COPY_KINDS, SourceKind

from .formatting import is_chinese, money, quantity, stake


@dataclass(frozen=True)
class Citation:
    """A source as a page cites it."""

    url: str
    outlet: str
    host: str
    published_on: dt.date | None
    kind: str
    # The outlet a copy names as the first to report (Source.original_publisher).
    original: str = ""

    @classmethod
    def of(cls, source: Source) -> "Citation":
        return cls(
            url=source.url,
            outlet=source.outlet,
            host=urlsplit(source.url).hostname or "",
            published_on=source.published_on,
            kind=source.kind,
            original=source.original_publisher,
        )

    @property
    def is_copy(self) -> bool:
        return self.kind in COPY_KINDS

    @property
    def name(self) -> str:
        """The outlet; for a copy that names the outlet it copies, that outlet and where the
        copy is."""
        if self.original and self.host:
            return _("%(outlet)s via %(host)s") % {"outlet": self.outlet, "host": self.host}
        return self.outlet

    @property
    def text(self) -> str:
        """ "Bloomberg, 2024-02-20": the outlet, then the date (Source.citation's form)."""
        date = self.published_on.isoformat() if self.published_on else ""
        return ", ".join(filter(None, [self.name, date]))

    @property
    def kind_label(self) -> str:
        return str(SourceKind(self.kind).label) if self.kind else _("kind unknown")


def citations_of(sources: Iterable[Source]) -> list[Citation]:
    return [Citation.of(source) for source in sources]


def copies_only(citations: list[Citation]) -> bool:
    """Every source is a syndicated copy or a database: no original stands behind the figure."""
    return bool(citations) and all(citation.is_copy for citation in citations)


@dataclass(frozen=True)
class ClaimShown:
    """One source's value for a disputed figure, as its claims panel shows it."""

    field: str
    value: Decimal
    currency: str
    qualifier: str
    reported_on: dt.date | None
    source: Citation
    # The record's figure: the claim the accept rule chose (docs/evidence.md).
    shown: bool

    @property
    def value_text(self) -> str:
        if self.currency:
            return money(self.value, self.currency, self.qualifier)
        if self.field == "stake_percent":
            return stake(self.value, self.qualifier)
        return quantity(self.value, self.qualifier)


# A figure's name as a page calls it, by its claims' `field`.
FIGURE_LABELS = {
    "amount": pgettext_lazy("figure", "amount"),
    "post_money_valuation": pgettext_lazy("figure", "post-money valuation"),
    "compute_credit_amount": pgettext_lazy("figure", "compute credits"),
    "stake_percent": pgettext_lazy("figure", "stake"),
    "value": pgettext_lazy("figure", "valuation"),
    "quantity": pgettext_lazy("figure", "quantity"),
}
assert set(FIGURE_LABELS) == set(FIELD_NAMES)


def figure_label(field: str) -> str:
    return str(FIGURE_LABELS.get(field, field.replace("_", " ")))


def list_separator() -> str:
    return "\N{FULLWIDTH SEMICOLON}" if is_chinese() else "; "
