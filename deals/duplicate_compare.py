"""Two possible duplicates side by side (the admin's comparison page): their fields, names,
identifiers, rounds and products, each row saying whether the two differ."""

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from startups.identifiers import IDENTIFIER_KINDS, identifier_url
from startups.models import MergeKind, Startup
from startups.vocab import format_money, format_partial_date

from .models import FundingRound

# The fields compared, after the names and before the identifiers, by model.
COMPARED_FIELDS = {
    MergeKind.STARTUP: [
        "country",
        "city",
        "founded_on",
        "founders",
        "status",
        "sector",
        "is_ai",
        "ipo_date",
        "ipo_exchange",
        "website",
        "focus",
        "description",
        "confidence",
        "notes",
    ],
    MergeKind.INVESTOR: ["kind", "parent", "hq_country", "hq_city", "confidence", "notes"],
}
NAME_FIELDS = ["slug", "name_en", "name_zh", "aliases"]
COLUMNS = {
    "date": pgettext_lazy("duplicates comparison column", "date"),
    "round": pgettext_lazy("duplicates comparison column", "round"),
    "amount": pgettext_lazy("duplicates comparison column", "amount"),
    "startup": pgettext_lazy("duplicates comparison column", "startup"),
    "name": pgettext_lazy("duplicates comparison column", "name"),
    "launched": pgettext_lazy("duplicates comparison column", "launched"),
}


@dataclass
class Row:
    label: str
    a: str
    b: str
    a_url: str = ""
    b_url: str = ""

    @property
    def differs(self) -> bool:
        return self.a != self.b

    @property
    def conflicts(self) -> bool:
        """Both have a value and they are not the same: a merge must choose."""
        return bool(self.a and self.b) and self.differs


@dataclass
class Item:
    """A round or a product of one side; `in_both`: the other side has one like it."""

    cells: list[str]
    key: tuple
    in_both: bool = False


@dataclass
class Comparison:
    fields: list[Row]
    identifiers: list[Row]
    rounds: tuple[list[Item], list[Item]]
    products: tuple[list[Item], list[Item]] | None = None
    round_headers: list[str] = field(default_factory=list)
    product_headers: list[str] = field(default_factory=list)


def column(name: str) -> str:
    return str(COLUMNS[name])


def shown(record: Model, name: str) -> str:
    """A field's value as the admin shows it, blank for nothing."""
    model_field = record._meta.get_field(name)
    value = getattr(record, name)
    if model_field.choices and value not in (None, ""):
        return str(getattr(record, f"get_{name}_display")())
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _field_rows(a: Model, b: Model, names: list[str]) -> list[Row]:
    return [
        Row(str(a._meta.get_field(name).verbose_name), shown(a, name), shown(b, name))
        for name in names
    ]


def _identifier_rows(a: Model, b: Model) -> list[Row]:
    rows = []
    for kind in IDENTIFIER_KINDS:
        row = Row(str(a._meta.get_field(kind).verbose_name), getattr(a, kind), getattr(b, kind))
        row.a_url = identifier_url(kind, row.a) if row.a else ""
        row.b_url = identifier_url(kind, row.b) if row.b else ""
        rows.append(row)
    return rows


def _amount(funding_round: FundingRound) -> str:
    if funding_round.amount is None:
        return _("undisclosed")
    return format_money(
        funding_round.amount, funding_round.amount_currency, funding_round.amount_qualifier
    )


def _round_item(funding_round: FundingRound, with_startup: bool) -> Item:
    cells = [
        format_partial_date(funding_round.announced_on, funding_round.date_precision),
        funding_round.round_label,
        _amount(funding_round),
    ]
    if with_startup:
        # An investor's rounds: the same round in both is the same row; its startup says whose.
        return Item([str(funding_round.startup), *cells], (funding_round.pk,))
    # A startup's rounds: the same date and label in both would clash in a merge.
    return Item(cells, (funding_round.announced_on, funding_round.round_label.casefold()))


def _rounds(record: Model) -> list[Item]:
    if isinstance(record, Startup):
        rounds = record.rounds.order_by("announced_on", "round_label")
        return [_round_item(funding_round, False) for funding_round in rounds]
    rounds = (
        FundingRound.objects.filter(participations__investor=record)
        .select_related("startup")
        .distinct()
        .order_by("announced_on", "round_label")
    )
    return [_round_item(funding_round, True) for funding_round in rounds]


def _products(record: Startup) -> list[Item]:
    return [
        Item(
            [product.name, format_partial_date(product.launched_on, product.date_precision)],
            (product.name.casefold(),),
        )
        for product in record.products.order_by("launched_on", "name")
    ]


def _mark_shared(a: list[Item], b: list[Item]) -> tuple[list[Item], list[Item]]:
    keys_a, keys_b = {item.key for item in a}, {item.key for item in b}
    for item in a:
        item.in_both = item.key in keys_b
    for item in b:
        item.in_both = item.key in keys_a
    return a, b


def compare(kind: str, a: Model, b: Model) -> Comparison:
    """Two records of one kind, row by row."""
    is_startup = kind == MergeKind.STARTUP
    headers = [column("date"), column("round"), column("amount")]
    comparison = Comparison(
        fields=_field_rows(a, b, NAME_FIELDS + COMPARED_FIELDS[kind]),
        identifiers=_identifier_rows(a, b),
        rounds=_mark_shared(_rounds(a), _rounds(b)),
        round_headers=headers if is_startup else [column("startup"), *headers],
    )
    if is_startup:
        comparison.products = _mark_shared(_products(a), _products(b))
        comparison.product_headers = [column("name"), column("launched")]
    return comparison
