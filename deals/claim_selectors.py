"""Reads of claims for the Disputes page: each disputed figure with its claims side by side,
and the figures staff resolved (docs/evidence.md)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .claim_models import RECORD_FIELDS, Claim
from .evidence import conflicting, preference
from .models import WithMoney

# Every record a claim may be about, with what its name shows (Model.__str__).
RECORDS_SHOWN = [
    "round__startup",
    "participation__round__startup",
    "participation__investor",
    "valuation__startup",
    "compute_deal",
]


@dataclass
class FigureClaims:
    """One figure of one record, with its claims: the one the record holds first."""

    record: WithMoney
    field: str
    claims: list[Claim]

    @property
    def record_kind(self) -> str:
        return self.record.CLAIM_KIND

    @property
    def anchor(self) -> str:
        """The figure's id on the Disputes page (a record's change page links to it)."""
        return figure_anchor(self.record, self.field)

    @property
    def accepted(self) -> Claim | None:
        return next((claim for claim in self.claims if claim.accepted), None)


def figure_anchor(record: WithMoney, field: str) -> str:
    return f"{record.CLAIM_KIND}-{record.pk}-{field}"


def _claims() -> QuerySet[Claim]:
    return Claim.objects.select_related("source", *RECORDS_SHOWN).order_by("pk")


def _by_figure(claims: Iterable[Claim]) -> list[FigureClaims]:
    grouped: dict[tuple, list[Claim]] = defaultdict(list)
    for claim in claims:
        grouped[(claim.record_kind, claim.record.pk, claim.field)].append(claim)
    figures = [
        FigureClaims(claims[0].record, field, sorted(claims, key=preference, reverse=True))
        for (_kind, _pk, field), claims in grouped.items()
    ]
    return sorted(figures, key=lambda figure: (str(figure.record), figure.field))


def figures_in_dispute() -> list[FigureClaims]:
    """Every disputed figure (named in its record's `disputed`), with all its claims."""
    on_a_disputed_record = Q()
    for name in RECORD_FIELDS.values():
        on_a_disputed_record |= Q(**{f"{name}__disputed_fields__gt": ""})
    figures = _by_figure(_claims().filter(on_a_disputed_record))
    return [figure for figure in figures if figure.field in figure.record.disputed]


def figures_resolved() -> list[FigureClaims]:
    """Figures whose claims conflict and whose record holds a staff-accepted one."""
    accepted = Claim.objects.filter(accepted=True)
    of_a_record_with_an_accepted_claim = Q()
    for name in RECORD_FIELDS.values():
        records = accepted.filter(**{f"{name}__isnull": False}).values(name)
        of_a_record_with_an_accepted_claim |= Q(**{f"{name}__in": records})
    figures = _by_figure(_claims().filter(of_a_record_with_an_accepted_claim))
    return [
        figure for figure in figures if figure.accepted is not None and conflicting(figure.claims)
    ]
