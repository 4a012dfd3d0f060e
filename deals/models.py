"""Money and compute flowing to the startups: investors, rounds, stakes, valuations, chips."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from startups.identifiers import identifier_constraints
from startups.models import (
    Evidenced,
    NamedInBothLanguages,
    Source,
    Startup,
    TimeStamped,
    money_constraints,
)
from startups.rules import credits_errors, money_errors, percent_errors
from startups.touch import Touched
from startups.vocab import CURRENCIES, DatePrecision, Qualifier, format_partial_date

from .bulk_models import DataExport as DataExport
from .bulk_models import PendingUpload as PendingUpload
from .claim_models import Claim as Claim
from .fx import MoneyField

MONEY = {"max_digits": 20, "decimal_places": 2, "null": True, "blank": True}
RATE = {"max_digits": 18, "decimal_places": 8, "null": True, "blank": True, "editable": False}


def qualifier_field(verbose_name: str) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT
    )


def currency_field(verbose_name: str) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=3, blank=True, choices=[(c, c) for c in sorted(CURRENCIES)]
    )


def credits_within_amount(model: str, credits: str, amount: str) -> models.CheckConstraint:
    """Compute credits are part of the amount, so never more than it in the same currency."""
    return models.CheckConstraint(
        condition=Q(**{f"{credits}__isnull": True})
        | Q(**{f"{amount}__isnull": True})
        | ~Q(**{f"{credits.removesuffix('amount')}currency": F(f"{amount}_currency")})
        | Q(**{f"{credits}__lte": F(amount)}),
        name=f"{model}_credits_within_amount",
        violation_error_message=_("Compute credits cannot exceed the amount."),
    )


class WithMoney(Evidenced):
    """A record holding money figures that are converted to USD at its date."""

    MONEY_FIELDS: tuple[MoneyField, ...] = ()
    MONEY_DATE_FIELD = "announced_on"
    CREDITS_WITHIN = False
    # The `record` name of its claims (deals.evidence.FIGURES).
    CLAIM_KIND = ""

    # Kept by deals.claim_services.claims_reconcile from the record's claims.
    disputed_fields = models.CharField(
        _("disputed figures"), max_length=120, blank=True, default="", editable=False
    )

    class Meta:
        abstract = True

    @property
    def disputed(self) -> list[str]:
        return self.disputed_fields.split(",") if self.disputed_fields else []

    def money_date(self) -> dt.date | None:
        """The date whose FX rate converts this record's money to USD."""
        return getattr(self, self.MONEY_DATE_FIELD)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for money in self.MONEY_FIELDS:
            errors.update(money_errors(self, money.value, money.currency))
        if self.CREDITS_WITHIN:
            errors.update(
                credits_errors(
                    self,
                    "compute_credit_amount",
                    "compute_credit_currency",
                    "amount",
                    "amount_currency",
                )
            )
        if errors:
            raise ValidationError(errors)


AMOUNT = MoneyField("amount", "amount_currency", "amount_usd", "amount_fx_rate")
CREDITS = MoneyField(
    "compute_credit_amount",
    "compute_credit_currency",
    "compute_credit_amount_usd",
    "compute_credit_fx_rate",
)


class InvestorKind(models.TextChoices):
    CORPORATE = "corporate", _("corporate")
    CORPORATE_VC = "corporate_vc", _("corporate VC")
    VC = "vc", _("venture capital")
    PE = "pe", _("private equity")
    STATE = "state", _("state fund")
    SOVEREIGN = "sovereign", _("sovereign fund")
    ASSET_MANAGER = "asset_manager", _("asset manager")
    INDIVIDUAL = "individual", _("individual")
    OTHER = "other", _("other")


class Investor(NamedInBothLanguages, Evidenced):
    kind = models.CharField(
        _("kind"), max_length=13, choices=InvestorKind.choices, default=InvestorKind.OTHER
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliates",
        verbose_name=_("parent"),
        help_text=_("An affiliate's deals count for its parent too (Alibaba Cloud → Alibaba)."),
    )
    hq_country = models.CharField(_("HQ country"), max_length=2, blank=True)
    hq_city = models.CharField(_("HQ city"), max_length=100, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="investors")
    history = HistoricalRecords(m2m_fields=[sources])

    def touched(self) -> Touched:
        return Touched(investors={self.pk}) if self.pk else Touched()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("investor")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="investor_not_own_parent",
                violation_error_message=_("An investor cannot be its own parent."),
            ),
            *identifier_constraints("investor"),
        ]

    def clean(self) -> None:
        super().clean()
        self.clean_identifiers()
        ancestor, seen = self.parent, {self.pk} if self.pk else set()
        while ancestor is not None:
            if ancestor.pk in seen or ancestor.slug == self.slug:
                raise ValidationError(
                    {
                        "parent": _("This parent would make a cycle: %(name)s is already below it.")
                        % {"name": self.name_en}
                    }
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class InvestorAncestry(models.Model):
    """Closure of the affiliate tree: one row per (investor, each ancestor including itself).

    A deal joined by Alibaba Cloud counts for Alibaba Cloud and for Alibaba; with this table
    the roll-up is a plain join in SQL, at any depth. Rebuilt by the investor services.
    """

    investor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="ancestry")
    ancestor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="descendancy")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["investor", "ancestor"], name="ancestry_unique"),
        ]
        indexes = [models.Index(fields=["ancestor", "investor"])]

    def __str__(self) -> str:
        return f"{self.investor_id} → {self.ancestor_id} ({self.depth})"


class FxRate(TimeStamped):
    """Monthly average units of a currency per US dollar."""

    month = models.DateField(_("month"), help_text=_("First day of the month."))
    currency = currency_field(_("currency"))
    units_per_usd = models.DecimalField(_("units per USD"), max_digits=18, decimal_places=8)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="fx_rates"
    )
    source_note = models.CharField(_("source note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "month"]
        verbose_name = _("FX rate")
        constraints = [
            models.UniqueConstraint(fields=["month", "currency"], name="fxrate_natural_key"),
            models.CheckConstraint(
                condition=Q(units_per_usd__gt=0),
                name="fxrate_positive",
                violation_error_message=_("A rate must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(currency__in=sorted(CURRENCIES)),
                name="fxrate_known_currency",
                violation_error_message=_("Unknown ISO 4217 currency."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="fxrate_month_first_day",
                violation_error_message=_("A month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m}: {self.units_per_usd}"

    def touched(self) -> Touched:
        # A rate re-prices every figure in its currency: everything is recomputed.
        return Touched(full=True)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.units_per_usd is not None and self.units_per_usd <= 0:
            errors["units_per_usd"] = f"must be greater than zero (got {self.units_per_usd:f})"
        if self.month is not None and self.month.day != 1:
            errors["month"] = f"must be the first day of a month (got {self.month})"
        if errors:
            raise ValidationError(errors)


class FundingRound(WithMoney):
    SOURCES_REQUIRED = True
    CLAIM_KIND = "round"
    MONEY_FIELDS = (
        AMOUNT,
        MoneyField(
            "post_money_valuation",
            "valuation_currency",
            "post_money_valuation_usd",
            "valuation_fx_rate",
        ),
        CREDITS,
    )
    CREDITS_WITHIN = True

    startup = models.ForeignKey(
        Startup, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("startup")
    )
    announced_on = models.DateField(_("announced on"), db_index=True)
    date_precision = models.CharField(
        _("date precision"), max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    round_label = models.CharField(_("round"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    amount_currency = currency_field(_("amount currency"))
    amount_qualifier = qualifier_field(_("amount qualifier"))
    amount_usd = models.DecimalField(_("amount (USD)"), **MONEY, editable=False)
    amount_fx_rate = models.DecimalField(_("amount FX rate"), **RATE)
    post_money_valuation = models.DecimalField(_("post-money valuation"), **MONEY)
    valuation_currency = currency_field(_("valuation currency"))
    valuation_qualifier = qualifier_field(_("valuation qualifier"))
    post_money_valuation_usd = models.DecimalField(_("valuation (USD)"), **MONEY, editable=False)
    valuation_fx_rate = models.DecimalField(_("valuation FX rate"), **RATE)
    compute_credit_amount = models.DecimalField(_("compute credits"), **MONEY)
    compute_credit_currency = currency_field(_("compute credit currency"))
    compute_credit_qualifier = qualifier_field(_("compute credit qualifier"))
    compute_credit_amount_usd = models.DecimalField(_("credits (USD)"), **MONEY, editable=False)
    compute_credit_fx_rate = models.DecimalField(_("credit FX rate"), **RATE)
    investors = models.ManyToManyField(
        Investor, through="Participation", related_name="rounds", verbose_name=_("investors")
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="rounds")
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["-announced_on", "startup__name_en"]
        verbose_name = _("funding round")
        constraints = [
            models.UniqueConstraint(
                fields=["startup", "announced_on", "round_label"],
                name="round_natural_key",
                violation_error_message=_("This startup already has this round on this date."),
            ),
            *money_constraints("round", "amount", "amount_currency"),
            *money_constraints("round", "post_money_valuation", "valuation_currency"),
            *money_constraints("round", "compute_credit_amount", "compute_credit_currency"),
            credits_within_amount("round", "compute_credit_amount", "amount"),
        ]
        indexes = [
            models.Index(fields=["startup", "announced_on"]),
            # API pages walk rounds by (date, id), (updated_at, id), (amount_usd, id) and
            # (post_money_valuation_usd, id): keyset pagination reads the next page straight
            # from these, however many rounds share a day (or an amount).
            models.Index(fields=["announced_on", "id"], name="round_announced_keyset"),
            models.Index(fields=["updated_at", "id"], name="round_updated_keyset"),
            models.Index(fields=["amount_usd", "id"], name="round_amount_keyset"),
            models.Index(fields=["post_money_valuation_usd", "id"], name="round_valuation_keyset"),
        ]

    def __str__(self) -> str:
        when = format_partial_date(self.announced_on, self.date_precision)
        return f"{self.startup.name_en} {self.round_label} ({when})"

    def touched(self) -> Touched:
        investors = (
            set(self.participations.values_list("investor_id", flat=True)) if self.pk else set()
        )
        return Touched(startups={self.startup_id}, investors=investors)


class Participation(WithMoney):
    """An investor in a round: lead or not, and what is known of its own part."""

    CLAIM_KIND = "participation"
    MONEY_FIELDS = (AMOUNT, CREDITS)
    CREDITS_WITHIN = True

    round = models.ForeignKey(FundingRound, on_delete=models.CASCADE, related_name="participations")
    investor = models.ForeignKey(Investor, on_delete=models.PROTECT, related_name="participations")
    is_lead = models.BooleanField(_("lead"), default=False)
    amount = models.DecimalField(_("amount"), **MONEY)
    amount_currency = currency_field(_("amount currency"))
    amount_qualifier = qualifier_field(_("amount qualifier"))
    amount_usd = models.DecimalField(_("amount (USD)"), **MONEY, editable=False)
    amount_fx_rate = models.DecimalField(_("amount FX rate"), **RATE)
    stake_percent = models.DecimalField(
        _("stake (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    stake_qualifier = qualifier_field(_("stake qualifier"))
    compute_credit_amount = models.DecimalField(_("compute credits"), **MONEY)
    compute_credit_currency = currency_field(_("compute credit currency"))
    compute_credit_qualifier = qualifier_field(_("compute credit qualifier"))
    compute_credit_amount_usd = models.DecimalField(_("credits (USD)"), **MONEY, editable=False)
    compute_credit_fx_rate = models.DecimalField(_("credit FX rate"), **RATE)
    sources = models.ManyToManyField(Source, blank=True, related_name="participations")
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["-is_lead", "investor__name_en"]
        verbose_name = _("participation")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "investor"],
                name="participation_natural_key",
                violation_error_message=_("This investor is already in this round."),
            ),
            models.CheckConstraint(
                condition=Q(stake_percent__isnull=True)
                | Q(stake_percent__gte=0, stake_percent__lte=100),
                name="participation_stake_within_0_100",
                violation_error_message=_("A stake is a percentage between 0 and 100."),
            ),
            *money_constraints("participation", "amount", "amount_currency"),
            *money_constraints("participation", "compute_credit_amount", "compute_credit_currency"),
            credits_within_amount("participation", "compute_credit_amount", "amount"),
        ]

    def __str__(self) -> str:
        return f"{self.investor} in {self.round}"

    def touched(self) -> Touched:
        startup_id = FundingRound.objects.filter(pk=self.round_id).values("startup_id")
        return Touched(
            startups=set(startup_id.values_list("startup_id", flat=True)),
            investors={self.investor_id},
        )

    def money_date(self) -> dt.date | None:
        return self.round.announced_on if self.round_id else None

    def clean(self) -> None:
        errors = percent_errors(self, "stake_percent")
        try:
            super().clean()
        except ValidationError as error:
            errors = {**error.message_dict, **errors}
        if errors:
            raise ValidationError(errors)


class ValuationKind(models.TextChoices):
    PRESS_REPORT = "press_report", _("press report")
    SECONDARY = "secondary", _("secondary sale")
    IPO_MARKET_CAP = "ipo_market_cap", _("market value at IPO")
    OTHER = "other", _("other")


class ValuationMark(WithMoney):
    """A valuation not tied to a round: a press report, a secondary sale, a market value."""

    SOURCES_REQUIRED = True
    CLAIM_KIND = "valuation"
    MONEY_FIELDS = (MoneyField("value", "currency", "value_usd", "fx_rate"),)
    MONEY_DATE_FIELD = "valued_on"

    startup = models.ForeignKey(Startup, on_delete=models.CASCADE, related_name="valuations")
    valued_on = models.DateField(_("valued on"))
    date_precision = models.CharField(
        _("date precision"), max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    currency = currency_field(_("currency"))
    value_qualifier = qualifier_field(_("qualifier"))
    value_usd = models.DecimalField(_("value (USD)"), **MONEY, editable=False)
    fx_rate = models.DecimalField(_("FX rate"), **RATE)
    kind = models.CharField(
        _("kind"), max_length=14, choices=ValuationKind.choices, default=ValuationKind.PRESS_REPORT
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="valuation_marks")
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["startup__name_en", "valued_on"]
        verbose_name = _("valuation mark")
        constraints = [
            models.UniqueConstraint(
                fields=["startup", "valued_on", "kind"], name="valuationmark_natural_key"
            ),
            *money_constraints("valuationmark", "value", "currency"),
        ]

    def __str__(self) -> str:
        return f"{self.startup.name_en} {format_partial_date(self.valued_on, self.date_precision)}"

    def touched(self) -> Touched:
        return Touched(startups={self.startup_id})


class ComputeKind(models.TextChoices):
    CHIP_PURCHASE = "chip_purchase", _("chip purchase")
    CLOUD_RENTAL = "cloud_rental", _("cloud rental")
    CLOUD_CREDITS = "cloud_credits", _("cloud credits")
    DATA_CENTRE_LEASE = "data_centre_lease", _("data-centre lease")
    COMPUTE_VOUCHER = "compute_voucher", _("compute voucher")
    TRAINING_RUN = "training_run", _("training run")
    HOLDINGS = "holdings", _("holdings (estimate of chips held)")
    OTHER = "other", _("other")


class ComputeDeal(WithMoney):
    """Chips bought or rented, credits granted, vouchers: how startups get scarce compute."""

    SOURCES_REQUIRED = True
    CLAIM_KIND = "compute"
    MONEY_FIELDS = (AMOUNT,)

    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, null=True, blank=True, related_name="compute_deals"
    )
    buyer = models.CharField(
        _("buyer"), max_length=300, help_text=_("As reported; the startup's name when tracked.")
    )
    kind = models.CharField(_("kind"), max_length=17, choices=ComputeKind.choices)
    chip = models.CharField(_("chip"), max_length=200, blank=True)
    quantity = models.BigIntegerField(_("quantity"), null=True, blank=True)
    quantity_qualifier = qualifier_field(_("quantity qualifier"))
    provider = models.CharField(_("provider"), max_length=300, blank=True)
    provider_investor = models.ForeignKey(
        Investor, on_delete=models.SET_NULL, null=True, blank=True, related_name="compute_deals"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    amount_currency = currency_field(_("amount currency"))
    amount_qualifier = qualifier_field(_("amount qualifier"))
    amount_usd = models.DecimalField(_("amount (USD)"), **MONEY, editable=False)
    amount_fx_rate = models.DecimalField(_("amount FX rate"), **RATE)
    below_market = models.BooleanField(_("below market rate"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"))
    date_precision = models.CharField(
        _("date precision"), max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="compute_deals")
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["-announced_on"]
        verbose_name = _("compute deal")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "kind", "chip", "provider", "announced_on"],
                name="computedeal_natural_key",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="computedeal_quantity_not_negative",
                violation_error_message=_("A quantity must not be negative."),
            ),
            *money_constraints("computedeal", "amount", "amount_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer}: {self.get_kind_display()} {self.chip}".strip()


class ReportedMetric(Evidenced):
    """A figure published by someone else, e.g. ITJuzi's 40% AI share of Alibaba's deals."""

    SOURCES_REQUIRED = True

    metric = models.CharField(_("metric"), max_length=120, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    investor = models.ForeignKey(
        Investor, on_delete=models.CASCADE, null=True, blank=True, related_name="metrics"
    )
    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, null=True, blank=True, related_name="metrics"
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    value_qualifier = qualifier_field(_("qualifier"))
    unit = models.CharField(_("unit"), max_length=40)
    sources = models.ManyToManyField(Source, blank=True, related_name="metrics")
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["metric", "subject", "period_end"]
        verbose_name = _("reported metric")
        constraints = [
            # Coalesce, because NULLs are distinct in a plain unique index on every backend.
            models.UniqueConstraint(
                "metric",
                "subject",
                Coalesce("period_start", Value(dt.date(1, 1, 1))),
                Coalesce("period_end", Value(dt.date(1, 1, 1))),
                name="metric_natural_key",
                violation_error_message=_("This metric is already recorded for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="metric_period_in_order",
                violation_error_message=_("The period must start before it ends."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} · {self.subject}: {self.value} {self.unit}"
