"""The email that tells an endpoint's owner it was disabled, in the owner's language."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Follower, WebhookEndpoint

logger = logging.getLogger(__name__)


def owner_language(user_id: int) -> str:
    language = Follower.objects.filter(user_id=user_id).values_list("language", flat=True)
    return language.first() or settings.LANGUAGE_CODE


def endpoint_disabled_email(endpoint_id: int) -> bool:
    """Emails the owner of a disabled endpoint; False when there is no one to write to."""
    endpoint = WebhookEndpoint.objects.select_related("user").filter(pk=endpoint_id).first()
    if endpoint is None or not endpoint.user.email:
        return False
    last = endpoint.deliveries.exclude(error="").order_by("-id").values_list("error", flat=True)
    with translation.override(owner_language(endpoint.user_id)):
        subject = _("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url}
        body = _(
            "Your webhook endpoint %(url)s has been disabled: every delivery to it failed "
            "for 24 hours.\n\nLast error: %(error)s\n\nWhen the receiver answers again, turn "
            "the endpoint back on with PATCH /api/v1/webhooks/%(id)s/ and the body "
            '{"active": true}. Its deliveries, with each outcome, are listed at '
            "/api/v1/webhooks/%(id)s/deliveries/.\n"
        ) % {"url": endpoint.url, "error": last.first() or "-", "id": endpoint.pk}
    send_mail(subject, body, None, [endpoint.user.email])
    logger.info("told %s that webhook endpoint %s was disabled", endpoint.user, endpoint.pk)
    return True
