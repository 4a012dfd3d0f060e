"""Precomputed aggregates: pages and statistics read these, never the raw deals, so they
answer in the same time for 50 rounds or a million."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from deals.models import FundingRound, Investor, ValuationMark
from startups.models import Startup
from startups.vocab import DatePrecision, Qualifier

from .follow_models import Alert as Alert
from .follow_models import AlertCursor as AlertCursor
from .follow_models import DeliveryStatus as DeliveryStatus
from .follow_models import EmailMode as EmailMode
from .follow_models import Follower as Follower
from .follow_models import WatchItem as WatchItem
from .follow_models import WebhookDelivery as WebhookDelivery
from .follow_models import WebhookEndpoint as WebhookEndpoint

MONEY = {"max_digits": 22, "decimal_places": 2, "null": True, "blank": True}
# Aggregates point at the records they were computed from, and are recomputed by every
# refresh: no database foreign-key check on each of their millions of rows (a full refresh
# spent more on those than on computing), while the ORM still deletes them with a record.
DERIVED = {"on_delete": models.CASCADE, "db_constraint": False}


class PeriodKind(models.TextChoices):
    YEAR = "year", _("year")
    QUARTER = "quarter", _("quarter")


class AggregateState(models.Model):
    """One row: when the aggregates were computed, from which data, under which cache key."""

    computed_at = models.DateTimeField(null=True)
    data_version = models.BigIntegerField(
        default=0, help_text=_("The last outbox row (PendingRefresh id) the aggregates reflect.")
    )
    generation = models.PositiveBigIntegerField(
        default=0, help_text=_("Bumped by every refresh; part of every chart cache key.")
    )
    latest_event_on = models.DateField(
        null=True,
        help_text=_(
            "The latest round, valuation mark or compute deal the aggregates were computed "
            "from (the first day of a partial date)."
        ),
    )
    latest_event_precision = models.CharField(
        max_length=7, choices=DatePrecision.choices, blank=True
    )

    def __str__(self) -> str:
        return f"aggregates v{self.data_version} at {self.computed_at}"


class Aggregate(models.Model):
    computed_at = models.DateTimeField()
    data_version = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        fields = (f.attname for f in self._meta.concrete_fields if f.name != "id")
        return f"{type(self).__name__}({', '.join(str(getattr(self, f)) for f in fields)})"


FLAG = {"default": 0}


class InvestorRound(Aggregate):
    """A round an investor joined, its affiliates rolled up into it, with what the investor
    put in: the rows that investor period figures and co-investment pairs are grouped from.

    Kept between refreshes so that a refresh after a few edits regroups only what they moved:
    the touched startups' rows, read before they are rewritten, name the investors and
    periods that held the old figures. Plain ids rather than foreign keys: the rows of a
    deleted round must outlive it until the refresh that reads them.
    """

    # Its order serves "an investor's rows in a period" as one index range.
    pk = models.CompositePrimaryKey("investor_id", "announced_on", "round_id")
    investor_id = models.BigIntegerField()
    round_id = models.BigIntegerField()
    startup_id = models.BigIntegerField()
    announced_on = models.DateField()
    date_precision = models.CharField(
        max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    top_level = models.BooleanField(help_text=_("The investor has no parent."))
    # The startup is AI under the broad definition (is_ai) and under the core one
    # (startups.sectors).
    is_ai = models.BooleanField()
    core_ai = models.BooleanField(default=False)
    amount_usd = models.DecimalField(**MONEY, help_text=_("The whole round."))
    amount_qualifier = models.CharField(max_length=8, choices=Qualifier.choices, blank=True)
    own_usd = models.DecimalField(**MONEY, help_text=_("What the investor's stakes disclose."))
    own_known = models.BooleanField()
    # Whether a figure summed into own_usd / credits_usd carries each bound (0 or 1): the
    # qualifier of a period's sum is decided from these (aggregates.qualifier_sql).
    own_at_least = models.PositiveSmallIntegerField(**FLAG)
    own_approx = models.PositiveSmallIntegerField(**FLAG)
    own_at_most = models.PositiveSmallIntegerField(**FLAG)
    credits_usd = models.DecimalField(**MONEY)
    credits_at_least = models.PositiveSmallIntegerField(**FLAG)
    credits_approx = models.PositiveSmallIntegerField(**FLAG)
    credits_at_most = models.PositiveSmallIntegerField(**FLAG)

    class Meta:
        indexes = [models.Index(fields=["startup_id"], name="investor_round_startup")]


class InvestorPeriodStat(Aggregate):
    """An investor's deals in a period, its affiliates rolled up into it."""

    # The first column of the unique key below: no index of its own.
    investor = models.ForeignKey(Investor, related_name="period_stats", db_index=False, **DERIVED)
    period_kind = models.CharField(max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField()
    deals_total = models.PositiveIntegerField()
    # AI deals and their share under each definition of AI (startups.sectors.AiDefinition):
    # broad, and core.
    deals_ai = models.PositiveIntegerField()
    ai_share = models.DecimalField(max_digits=7, decimal_places=6, null=True)
    deals_core_ai = models.PositiveIntegerField(default=0)
    core_ai_share = models.DecimalField(max_digits=7, decimal_places=6, null=True)
    deals_disclosed = models.PositiveIntegerField(
        help_text=_("Deals whose round amount is known in USD.")
    )
    capital_usd = models.DecimalField(**MONEY, help_text=_("Whole rounds joined."))
    capital_qualifier = models.CharField(max_length=8, choices=Qualifier.choices)
    own_contribution_usd = models.DecimalField(**MONEY)
    own_contribution_qualifier = models.CharField(max_length=8, choices=Qualifier.choices)
    own_contribution_disclosed = models.PositiveIntegerField()
    compute_credits_usd = models.DecimalField(**MONEY)
    compute_credits_qualifier = models.CharField(max_length=8, choices=Qualifier.choices)
    compute_credits_disclosed = models.PositiveIntegerField()
    # How many of the period's rounds carry each bound in each figure. The qualifiers follow
    # from these (startups.vocab.sum_qualifier); unlike the qualifiers, counts can be moved by
    # the few rounds an edit changed.
    capital_at_least_rounds = models.PositiveIntegerField(default=0)
    capital_approx_rounds = models.PositiveIntegerField(default=0)
    capital_at_most_rounds = models.PositiveIntegerField(default=0)
    own_at_least_rounds = models.PositiveIntegerField(default=0)
    own_approx_rounds = models.PositiveIntegerField(default=0)
    own_at_most_rounds = models.PositiveIntegerField(default=0)
    credits_at_least_rounds = models.PositiveIntegerField(default=0)
    credits_approx_rounds = models.PositiveIntegerField(default=0)
    credits_at_most_rounds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["investor", "period_kind", "period_start"], name="investor_period_unique"
            ),
        ]
        ordering = ["investor_id", "period_kind", "period_start"]


class InvestorTotal(Aggregate):
    """An investor's deals over all years (its year rows summed), so that rankings read the
    first rows of an index instead of summing every investor's years on each page.

    The `*_at_least` / `*_approx` / `*_at_most` flags say whether any year's figure carries
    that bound; `sum_qualifier` turns them into the qualifier of a sum over investors.
    """

    investor = models.OneToOneField(Investor, related_name="total", **DERIVED)
    deals_total = models.PositiveIntegerField()
    deals_ai = models.PositiveIntegerField()
    deals_disclosed = models.PositiveIntegerField()
    capital_usd = models.DecimalField(**MONEY)
    capital_at_least = models.BooleanField()
    capital_approx = models.BooleanField()
    capital_at_most = models.BooleanField()
    own_contribution_usd = models.DecimalField(**MONEY)
    compute_credits_usd = models.DecimalField(**MONEY)
    compute_credits_disclosed = models.PositiveIntegerField()
    credits_at_least = models.BooleanField()
    credits_approx = models.BooleanField()
    credits_at_most = models.BooleanField()
    credits_base_usd = models.DecimalField(
        **MONEY,
        help_text=_(
            "What the credits are part of: own contribution where disclosed, else the rounds "
            "joined, over the years with credits."
        ),
    )
    own_at_least = models.BooleanField(default=False)
    own_approx = models.BooleanField(default=False)
    own_at_most = models.BooleanField(default=False)
    credits_base_at_least = models.BooleanField(default=False)
    credits_base_approx = models.BooleanField(default=False)
    credits_base_at_most = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["-deals_total"], name="investor_total_deals"),
            models.Index(fields=["-capital_usd"], name="investor_total_capital"),
        ]


class DatasetTotal(Aggregate):
    """One row: the headline counts of the whole dataset."""

    startups = models.PositiveIntegerField()
    ai_startups = models.PositiveIntegerField()
    rounds = models.PositiveIntegerField()
    rounds_disclosed = models.PositiveIntegerField()
    capital_usd = models.DecimalField(**MONEY)
    capital_at_least = models.PositiveIntegerField()
    capital_approx = models.PositiveIntegerField()
    capital_at_most = models.PositiveIntegerField()


class ValuationPoint(Aggregate):
    """A startup's valuation at a date: a round's post-money or a valuation mark, in USD."""

    # The first column of the (startup, valued_on) index: no index of its own.
    startup = models.ForeignKey(Startup, related_name="valuation_points", db_index=False, **DERIVED)
    valued_on = models.DateField()
    date_precision = models.CharField(max_length=7, choices=DatePrecision.choices)
    valuation_usd = models.DecimalField(max_digits=22, decimal_places=2)
    qualifier = models.CharField(max_length=8, choices=Qualifier.choices)
    round = models.ForeignKey(FundingRound, null=True, related_name="+", **DERIVED)
    mark = models.ForeignKey(ValuationMark, null=True, related_name="+", **DERIVED)

    class Meta:
        indexes = [
            models.Index(fields=["startup", "valued_on"]),
            # The first valuation, where the unicorn periods start, read by every refresh.
            models.Index(fields=["valued_on"], name="valuation_point_first"),
        ]
        ordering = ["startup_id", "valued_on"]


class UnicornMembership(Aggregate):
    """A startup counted as a unicorn at the end of a period."""

    period_kind = models.CharField(max_length=7, choices=PeriodKind.choices)
    period_end = models.DateField()
    startup = models.ForeignKey(Startup, related_name="+", **DERIVED)
    # As of the refresh: a refresh edits the period lists by slug, and after a rename the old
    # one is only known here.
    slug = models.SlugField(max_length=80, db_index=False, default="")
    valuation_usd = models.DecimalField(max_digits=22, decimal_places=2)
    # The date of the valuation in force, at its precision: how old the evidence is.
    valued_on = models.DateField(null=True)
    date_precision = models.CharField(
        max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_end", "startup"], name="unicorn_member_unique"
            ),
        ]
        # The most valuable unicorns are the first startups met walking this index.
        indexes = [models.Index(fields=["-valuation_usd", "startup"], name="unicorn_member_value")]


# Of who joined or left the unicorns in a period, how many a chart names (the rest counted).
NAMED_CHANGES = 10


class UnicornPeriodStat(Aggregate):
    period_kind = models.CharField(max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    count = models.PositiveIntegerField()
    startups = models.JSONField(default=list, help_text=_("Slugs, as of the period's end."))
    # Members whose valuation in force is older than VALUATION_STALE_AFTER_MONTHS at the
    # period's end (dashboards.staleness): counted, listed, and the first few for the chart.
    stale = models.PositiveIntegerField(default=0)
    stale_startups = models.JSONField(default=list)
    stale_first = models.JSONField(default=list)
    joined = models.JSONField(default=list)
    left = models.JSONField(default=list)
    # What the chart shows of the changes: how many, and the first few by slug. At 1M rounds
    # the lists run to thousands of slugs, which the chart would otherwise read to show ten.
    joined_count = models.PositiveIntegerField(default=0)
    left_count = models.PositiveIntegerField(default=0)
    joined_first = models.JSONField(default=list)
    left_first = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_end"], name="unicorn_period_unique"
            ),
        ]
        ordering = ["period_kind", "period_end"]


class CoInvestment(Aggregate):
    """Two top-level investors (affiliates rolled up) that backed the same startups."""

    # investor_a is the first column of the unique key: no index of its own.
    investor_a = models.ForeignKey(Investor, related_name="+", db_index=False, **DERIVED)
    investor_b = models.ForeignKey(Investor, related_name="+", **DERIVED)
    shared_startups = models.PositiveIntegerField()
    shared_rounds = models.PositiveIntegerField()
    first_together = models.DateField()
    # As precise as the round that set it: "2024-02" for a round known to the month.
    first_together_precision = models.CharField(
        max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["investor_a", "investor_b"], name="coinvestment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(investor_a__lt=models.F("investor_b")),
                name="coinvestment_ordered_pair",
            ),
        ]
        # The API's keyset pages in its orderings (dashboards.api.CoInvestmentsView).
        indexes = [
            models.Index(fields=["shared_startups", "id"], name="coinvestment_by_startups"),
            models.Index(fields=["shared_rounds", "id"], name="coinvestment_by_rounds"),
        ]


class ProductPeriodStat(Aggregate):
    """Model products launched per quarter: per startup, and for all (startup empty)."""

    startup = models.ForeignKey(Startup, null=True, related_name="+", **DERIVED)
    period_kind = models.CharField(max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField()
    new_products = models.PositiveIntegerField()
    cumulative = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["period_kind", "startup", "period_start"])]
