"""Writing a user's webhook endpoints: the API and the admin both go through these."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import WebhookEndpoint
from .webhook_signing import new_secret

# What staff write when they turn an endpoint off by hand.
TURNED_OFF = "turned off"


@transaction.atomic
def webhook_endpoint_create(
    *, user: AbstractBaseUser, url: str, events: list[str] | None = None, active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a new secret (`whsec_...`), which its creator is shown once."""
    return WebhookEndpoint.objects.create(
        user=user, url=url, events=events or [], active=active, secret=new_secret()
    )


@transaction.atomic
def webhook_endpoint_update(endpoint: WebhookEndpoint, **fields: Any) -> WebhookEndpoint:
    """Changes url, events or active. Turning an endpoint back on clears why it was off;
    turning it off by hand says so."""
    was_active = endpoint.active
    for name, value in fields.items():
        setattr(endpoint, name, value)
    if endpoint.active and not was_active:
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
    elif was_active and not endpoint.active:
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = endpoint.disabled_reason or TURNED_OFF
    endpoint.save()
    return endpoint
