"""Claims: what each source says of one figure of a record (docs/evidence.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from startups.models import Source, TimeStamped
from startups.vocab import CURRENCIES, Confidence, Qualifier

from .evidence import FIELD_NAMES

# The record a claim is about, by the kind named in claims.csv's `record` column; exactly one
# of these foreign keys is set.
RECORD_FIELDS = {
    "round": "round",
    "participation": "participation",
    "valuation": "valuation",
    "compute": "compute_deal",
}


def _one_record_only() -> Q:
    options = []
    for chosen in RECORD_FIELDS.values():
        options.append(Q(**{f"{name}__isnull": name != chosen for name in RECORD_FIELDS.values()}))
    condition = options[0]
    for option in options[1:]:
        condition |= option
    return condition


def _per_record(name: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=[name, "field", "source"],
            condition=Q(**{f"{name}__isnull": False}),
            name=f"claim_{name}_field_source",
            violation_error_message=_("This source already has a claim on this figure."),
        ),
        models.UniqueConstraint(
            fields=[name, "field"],
            condition=Q(**{f"{name}__isnull": False}, accepted=True),
            name=f"claim_{name}_one_accepted",
            violation_error_message=_("Only one claim of a figure can be accepted."),
        ),
    ]


class Claim(TimeStamped):
    """One source's value for one figure of a round, stake, valuation mark or compute deal.

    The record's own field holds the accepted claim's value, so every aggregate keeps
    reading the record alone.
    """

    round = models.ForeignKey(
        "deals.FundingRound", on_delete=models.CASCADE, null=True, blank=True, related_name="claims"
    )
    participation = models.ForeignKey(
        "deals.Participation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claims",
    )
    valuation = models.ForeignKey(
        "deals.ValuationMark",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claims",
    )
    compute_deal = models.ForeignKey(
        "deals.ComputeDeal", on_delete=models.CASCADE, null=True, blank=True, related_name="claims"
    )
    field = models.CharField(
        _("figure"), max_length=24, choices=[(name, name) for name in FIELD_NAMES]
    )
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4)
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, choices=[(c, c) for c in sorted(CURRENCIES)]
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    value_usd = models.DecimalField(
        _("value (USD)"), max_digits=24, decimal_places=2, null=True, blank=True, editable=False
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    as_of = models.DateField(
        _("as of"), null=True, blank=True, help_text=_("The date the figure describes.")
    )
    reported_on = models.DateField(
        _("reported on"), null=True, blank=True, help_text=_("The date it was published.")
    )
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.REPORTED
    )
    accepted = models.BooleanField(
        _("accepted by staff"),
        default=False,
        help_text=_("Settles a dispute: say why in the notes."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["field", "-reported_on", "id"]
        verbose_name = _("claim")
        constraints = [
            models.CheckConstraint(
                condition=_one_record_only(),
                name="claim_about_one_record",
                violation_error_message=_("A claim is about exactly one record."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="claim_value_not_negative",
                violation_error_message=_("A claimed value must not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(accepted=False) | ~Q(notes=""),
                name="claim_accepted_with_reason",
                violation_error_message=_("Say in the notes why this claim is accepted."),
            ),
            *[c for name in RECORD_FIELDS.values() for c in _per_record(name)],
        ]

    def __str__(self) -> str:
        return f"{self.field} = {self.value} {self.currency} ({self.source.outlet})".strip()

    @property
    def record(self) -> models.Model:
        return next(
            getattr(self, name)
            for name in RECORD_FIELDS.values()
            if getattr(self, f"{name}_id") is not None
        )

    @property
    def record_kind(self) -> str:
        return next(
            kind for kind, name in RECORD_FIELDS.items() if getattr(self, f"{name}_id") is not None
        )

    @property
    def source_kind(self) -> str:
        return self.source.kind

    @property
    def source_url(self) -> str:
        return self.source.url
