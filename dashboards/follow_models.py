"""Following: what a signed-in user watches, the alerts its changes raise, and how they are
delivered (email, signed webhooks, a private Atom feed)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.models import Investor
from startups.models import Change, Startup

OWNER = {"to": settings.AUTH_USER_MODEL, "on_delete": models.CASCADE}


class WatchItem(models.Model):
    """One thing a user follows: a startup, an investor (with its affiliates), or a saved
    `/rounds/` search (its query string, as the rounds filter form normalises it)."""

    user = models.ForeignKey(**OWNER, related_name="watch_items")
    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, null=True, blank=True, related_name="watchers"
    )
    investor = models.ForeignKey(
        Investor, on_delete=models.CASCADE, null=True, blank=True, related_name="watchers"
    )
    search = models.CharField(_("saved search"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("watchlist item")
        constraints = [
            models.CheckConstraint(
                name="watch_item_follows_one_thing",
                condition=(
                    Q(startup__isnull=False, investor__isnull=True, search="")
                    | Q(startup__isnull=True, investor__isnull=False, search="")
                    | (Q(startup__isnull=True, investor__isnull=True) & ~Q(search=""))
                ),
                violation_error_message=_("Follow one startup, one investor or one search."),
            ),
            models.UniqueConstraint(
                fields=["user", "startup"],
                condition=Q(startup__isnull=False),
                name="watch_item_startup_once",
                violation_error_message=_("You already follow this startup."),
            ),
            models.UniqueConstraint(
                fields=["user", "investor"],
                condition=Q(investor__isnull=False),
                name="watch_item_investor_once",
                violation_error_message=_("You already follow this investor."),
            ),
            models.UniqueConstraint(
                fields=["user", "search"],
                condition=~Q(search=""),
                name="watch_item_search_once",
                violation_error_message=_("You already saved this search."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.startup or self.investor or self.search)


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("at once")
    DIGEST = "digest", _("in a daily digest")
    OFF = "off", _("never")


class Follower(models.Model):
    """A user's alert settings and bookkeeping, created when they first follow something."""

    user = models.OneToOneField(**OWNER, related_name="follower")
    email_mode = models.CharField(
        _("email alerts"), max_length=9, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    # The language the user's emails are written in: the page's when they last set it.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    # The private Atom feed's address: a secret, so a feed reader needs no login.
    feed_secret = models.CharField(max_length=64, unique=True)
    # `/watchlist/` marks as new what was raised after the previous visit.
    last_visit_at = models.DateTimeField(null=True, blank=True)
    previous_visit_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follower")

    def __str__(self) -> str:
        return str(self.user)


class Alert(models.Model):
    """A change that matched one of a user's watchlist items: at most one per user and change."""

    user = models.ForeignKey(**OWNER, related_name="alerts")
    watch_item = models.ForeignKey(
        WatchItem, on_delete=models.SET_NULL, null=True, related_name="alerts"
    )
    # The change is purged with the feed's retention; the alert keeps what it needs itself.
    change = models.ForeignKey(Change, on_delete=models.SET_NULL, null=True, related_name="+")
    event = models.CharField(_("event"), max_length=40)  # "round.created", "valuation.updated"...
    kind = models.CharField(_("kind"), max_length=30)
    record_id = models.BigIntegerField()
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        constraints = [
            models.UniqueConstraint(fields=["user", "change"], name="alert_once_per_change")
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.record_id} for {self.user}"


class AlertCursor(models.Model):
    """One row: the last change (txid, id) the alert matcher has read."""

    txid = models.BigIntegerField(default=0)
    change_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"alerts matched up to change ({self.txid}, {self.change_id})"


class WebhookEndpoint(models.Model):
    """A user's URL that receives their alerts, signed per the Standard Webhooks spec."""

    user = models.ForeignKey(**OWNER, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=2000)
    # Event types to send ("round.created"...); empty means every event.
    events = models.JSONField(_("events"), default=list, blank=True)
    # "whsec_" + standard base64 of random bytes; the key is the decoded bytes.
    secret = models.CharField(max_length=100)
    active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One message to one endpoint, with the log of its attempts' outcome. Its `webhook_id`
    and body stay the same on every retry, so a receiver can drop repeats."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    webhook_id = models.CharField(max_length=64, unique=True)
    event = models.CharField(_("event"), max_length=40)
    body = models.TextField()
    status = models.CharField(
        _("status"), max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.status}"
