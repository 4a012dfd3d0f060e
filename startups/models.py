"""Companies, what they make, and the evidence behind every fact."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .change_models import Change as Change
from .change_models import ChangeAction as ChangeAction
from .change_models import ChangeFeedPurge as ChangeFeedPurge
from .fields import HttpURLField
from .identifiers import (
    IDENTIFIER_KINDS,
    identifier_constraints,
    identifier_owners,
    identifiers_of,
    normalise_identifier,
    taken_message,
)
from .merge_models import Merge as Merge
from .merge_models import MergeKind as MergeKind
from .rules import URL_MAX_LENGTH
from .sectors import Sector, contradiction
from .touch import Touched
from .vocab import (
    COPY_KINDS,
    CURRENCIES,
    Confidence,
    DatePrecision,
    Qualifier,
    SourceKind,
    split_list,
)

slug_validator = RegexValidator(r"^[A-Za-z0-9_-]+$", _("Use only letters, digits, '_' and '-'."))


class TimeStamped(models.Model):
    """Every row says when it was written, so API clients can sync only what changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Evidenced(TimeStamped):
    """A fact with its sources and how sure we are of it."""

    # True for records that carry a figure of their own: they cite at least one source
    # (startups.rules.missing_source, asked by the import, the API and the admin).
    SOURCES_REQUIRED = False

    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.REPORTED
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True


class NamedInBothLanguages(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True, validators=[slug_validator])
    name_en = models.CharField(_("English name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    aliases = models.TextField(
        _("aliases"), blank=True, help_text=_("Other names, English or Chinese, separated by ';'.")
    )
    # External identifiers, one of each kind (startups.identifiers).
    # A database default too, so that rows written by COPY (import, synthetic data) need not
    # name them.
    uscc = models.CharField(
        _("Unified Social Credit Code"), max_length=18, blank=True, default="", db_default=""
    )
    lei = models.CharField(_("LEI"), max_length=20, blank=True, default="", db_default="")
    wikidata = models.CharField(
        _("Wikidata item"), max_length=13, blank=True, default="", db_default=""
    )
    crunchbase = models.CharField(
        _("Crunchbase permalink"), max_length=100, blank=True, default="", db_default=""
    )
    stock = models.CharField(
        _("stock code"),
        max_length=20,
        blank=True,
        default="",
        db_default="",
        help_text=_("EXCHANGE:CODE, e.g. HKEX:02513."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name_en} ({self.name_zh})" if self.name_zh else self.name_en

    @property
    def alias_list(self) -> list[str]:
        return split_list(self.aliases)

    def all_names(self) -> list[str]:
        return [name for name in (self.name_en, self.name_zh, *self.alias_list) if name]

    def clean_identifiers(self) -> None:
        """Each identifier in its stored form, or the errors by field (check characters)."""
        errors = {}
        for kind in IDENTIFIER_KINDS:
            if value := getattr(self, kind):
                try:
                    setattr(self, kind, normalise_identifier(kind, value))
                except ValidationError as error:
                    errors[kind] = error.messages
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """The model's constraints, an identifier another record carries named by that
        record (the unique constraints alone would say only "another record")."""
        exclude = set(exclude or ())
        wanted = {
            kind: {value}
            for kind in IDENTIFIER_KINDS
            if kind not in exclude and (value := getattr(self, kind))
        }
        errors: dict[str, list] = {}
        for (kind, _value), (pk, slug) in identifier_owners(type(self), wanted).items():
            if pk != self.pk:
                errors[kind] = [taken_message(type(self), slug)]
        try:
            super().validate_constraints(exclude=exclude | set(IDENTIFIER_KINDS))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @property
    def identifiers(self) -> dict[str, str]:
        return identifiers_of(self)


def money_constraints(model: str, value: str, currency: str) -> list[models.BaseConstraint]:
    """Database rules for one money figure: non-negative, and a known currency when given."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{value}__isnull": True}) | Q(**{f"{value}__gte": 0}),
            name=f"{model}_{value}_not_negative",
            violation_error_message=_("%(field)s must not be negative.") % {"field": value},
        ),
        models.CheckConstraint(
            condition=Q(**{f"{value}__isnull": True})
            | Q(**{f"{currency}__in": sorted(CURRENCIES)}),
            name=f"{model}_{value}_known_currency",
            violation_error_message=_("%(field)s needs a known ISO 4217 currency.")
            % {"field": value},
        ),
    ]


def outlet_of(original_publisher: str, publisher: str, url: str) -> str:
    """Source.outlet from its three columns (lists read as rows have no Source to ask)."""
    return original_publisher or publisher or urlsplit(url).hostname or ""


class Source(TimeStamped):
    """A document that a figure rests on: an article, a filing, a statistics series."""

    url = HttpURLField(_("URL"), max_length=URL_MAX_LENGTH, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=15, choices=SourceKind.choices, blank=True, db_index=True
    )
    original_publisher = models.CharField(
        _("original publisher"),
        max_length=200,
        blank=True,
        help_text=_("For a copy: the outlet it names as the first to report, e.g. Bloomberg."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["url"]
        verbose_name = _("source")

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def outlet(self) -> str:
        """Who stands behind the text: the outlet a copy names, else its publisher or host."""
        return outlet_of(self.original_publisher, self.publisher, self.url)

    @property
    def is_copy(self) -> bool:
        return self.kind in COPY_KINDS

    def citation(self) -> str:
        """How a page cites it: "Bloomberg, 2024-02-20" (the outlet, then the date)."""
        return ", ".join(filter(None, [self.outlet, self.published_on and str(self.published_on)]))


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name or self.slug


class StartupStatus(models.TextChoices):
    PRIVATE = "private", _("private")
    PUBLIC = "public", _("public")
    ACQUIRED = "acquired", _("acquired")
    CLOSED = "closed", _("closed")


class Startup(NamedInBothLanguages, Evidenced):
    country = models.CharField(_("country"), max_length=2, default="CN")
    city = models.CharField(_("city"), max_length=100, blank=True, db_index=True)
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    founded_precision = models.CharField(
        _("founded precision"),
        max_length=7,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    founders = models.TextField(_("founders"), blank=True)
    focus = models.TextField(_("focus"), blank=True)
    products_summary = models.TextField(_("products (as reported)"), blank=True)
    is_ai = models.BooleanField(_("AI startup"), default=True, db_index=True)
    sector = models.CharField(
        _("sector"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("Blank: an AI startup not classified yet (AI under every definition)."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=StartupStatus.choices, default=StartupStatus.PRIVATE
    )
    ipo_date = models.DateField(_("IPO date"), null=True, blank=True)
    ipo_exchange = models.CharField(_("IPO exchange"), max_length=200, blank=True)
    website = HttpURLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="startups", verbose_name=_("tags"))
    sources = models.ManyToManyField(Source, blank=True, related_name="startups")
    history = HistoricalRecords(m2m_fields=[sources, tags])

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("startup")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=StartupStatus.PUBLIC) | Q(ipo_date__isnull=False),
                name="startup_public_has_ipo_date",
                violation_error_message=_("A public company needs its IPO date."),
            ),
            models.CheckConstraint(
                condition=(Q(is_ai=True) & ~Q(sector=Sector.NOT_AI))
                | Q(is_ai=False, sector=Sector.NOT_AI),
                name="startup_is_ai_follows_sector",
                violation_error_message=_("is_ai must be false exactly when the sector is not_ai."),
            ),
            *identifier_constraints("startup"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("admin:startups_startup_change", args=[self.pk])

    def touched(self) -> Touched:
        return Touched(startups={self.pk})

    def clean(self) -> None:
        """A startup outside AI is `not_ai` whether or not its sector was given; a sector that
        says otherwise than is_ai is refused (startups.sectors.sector_fields)."""
        self.clean_identifiers()
        if not self.is_ai and not self.sector:
            self.sector = Sector.NOT_AI
        if self.is_ai == (self.sector == Sector.NOT_AI):
            raise ValidationError({"is_ai": contradiction(self.sector, self.is_ai)})


class ProductKind(models.TextChoices):
    MODEL = "model", _("model")
    APP = "app", _("app")


class ModelProduct(Evidenced):
    """A model or an app built on one; the market has 190+ of them."""

    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, related_name="products", verbose_name=_("startup")
    )
    name = models.CharField(_("name"), max_length=200)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    modality = models.CharField(_("modality"), max_length=100, blank=True)
    open_weights = models.BooleanField(_("open weights"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=5, choices=ProductKind.choices, default=ProductKind.MODEL
    )
    cac_filing_on = models.DateField(
        _("passed generative-AI service filing on"), null=True, blank=True
    )
    # Reports often date a filing by its batch's month ("the fourth batch, late January").
    cac_filing_precision = models.CharField(
        _("filing date precision"),
        max_length=7,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    cac_filing_number = models.CharField(_("filing number"), max_length=100, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="products")
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["startup__name_en", "launched_on"]
        verbose_name = _("model product")
        constraints = [
            models.UniqueConstraint(fields=["startup", "name"], name="product_natural_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def touched(self) -> Touched:
        return Touched(startups={self.startup_id})


__all__ = [
    "CURRENCIES",
    "Confidence",
    "DatePrecision",
    "ModelProduct",
    "Qualifier",
    "Source",
    "Startup",
    "Tag",
    "money_constraints",
]


class PendingRefresh(models.Model):
    """Outbox: what a committed change touched, kept until the aggregates have caught up.

    Written in the same transaction as the change, so a refresh is never lost, even when the
    broker is down at that moment. A refresh locks the rows it takes (SKIP LOCKED), applies
    them and deletes them in one transaction: a crash leaves them for the next try.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    startup_ids = models.JSONField(default=list)
    investor_ids = models.JSONField(default=list)
    full = models.BooleanField(default=False, help_text=_("Recompute every aggregate."))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("pending refresh")

    def __str__(self) -> str:
        return f"refresh #{self.pk} ({'full' if self.full else 'incremental'})"
