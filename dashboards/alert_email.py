"""Alert emails: one per user after each match run (immediate mode) or once a day (digest),
plain text with an HTML alternative, in the user's language (docs/alerts.md).

An alert is marked emailed only once its email was accepted by the mail server: a failed send
leaves it for the next run, and an alert already emailed is never sent again.
"""

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .alert_items import AlertItem, alert_items
from .models import Alert, EmailMode, Follower

logger = logging.getLogger(__name__)

# What a send to an unreachable, refusing or hung mail server raises.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def alert_email(user, items: list[AlertItem], *, digest: bool = False) -> EmailMultiAlternatives:
    """The email listing these alerts' items, in the active language."""
    title = _("China AI Unicorn Tracker")
    if digest:
        subject = _("Your daily alerts: %(count)s") % {"count": len(items)}
    else:
        subject = ngettext("%(count)s new alert", "%(count)s new alerts", len(items)) % {
            "count": len(items)
        }
    context = {"items": items, "title": title, "subject": subject, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"{subject} · {title}",
        body=render_to_string("dashboards/email/alerts.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("dashboards/email/alerts.html", context), "text/html"
    )
    return message


def _language(user) -> str:
    follower = getattr(user, "follower", None)
    return follower.language if follower is not None else settings.LANGUAGE_CODE


def email_user(user_id: int, *, digest: bool = False) -> bool:
    """Send the user their alerts not yet emailed, and mark them: True once sent.

    The alerts are locked while the email is sent (PostgreSQL; skipped if another worker holds
    them), so that two runs never send the same alert; a failed send marks nothing."""
    user = get_user_model().objects.select_related("follower").get(pk=user_id)
    with transaction.atomic():
        alerts = list(
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(user_id=user_id, emailed_at__isnull=True)
            .select_related("watch_item__startup", "watch_item__investor")
            .order_by("created_at", "id")
        )
        if not alerts:
            return False
        with translation.override(_language(user)):
            items = alert_items(alerts)
            message = alert_email(user, items, digest=digest)
        now = timezone.now()
        if items:
            try:
                message.send()
            except SEND_ERRORS as error:
                logger.warning(
                    "alerts of user %s not emailed (%s); next run retries", user_id, error
                )
                return False
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(emailed_at=now)
        if digest:
            Follower.objects.filter(user_id=user_id).update(last_digest_at=now)
    # Alerts whose records were all deleted since are marked too: there is nothing to tell.
    return bool(items)


def _waiting(mode: Q) -> Iterable[int]:
    """Users in this mode with an email address and alerts not yet emailed."""
    return (
        Alert.objects.filter(mode, emailed_at__isnull=True)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def send_immediate(*, alerted_users: Iterable[int] = ()) -> int:
    """After a match run: one email to each immediate-mode user with alerts not yet emailed
    (those just raised, and any a failed send left). Users who follow without mode are
    immediate (Follower's default). Returns how many emails were sent."""
    immediate = Q(user__follower__email_mode=EmailMode.IMMEDIATE) | Q(user__follower__isnull=True)
    no_address = get_user_model().objects.filter(pk__in=set(alerted_users), email="")
    for username in no_address.values_list("username", flat=True):
        logger.info("alerts for %s not emailed: the user has no email address", username)
    return sum(email_user(user_id) for user_id in list(_waiting(immediate)))


def send_digests() -> int:
    """The daily digest: each digest-mode user's alerts not yet emailed (those raised since
    the last digest, and any a failed send left), in one email."""
    waiting = list(_waiting(Q(user__follower__email_mode=EmailMode.DIGEST)))
    return sum(email_user(user_id, digest=True) for user_id in waiting)
