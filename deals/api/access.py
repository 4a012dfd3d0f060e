"""Who may do what through the API, and how often.

Reads are open to anyone unless `API_REQUIRE_LOGIN_FOR_READS` is set; every write needs an
authenticated user (knox token or session with CSRF) holding the model's Django permission.
Throttle counters live in the "local" cache, never in Redis: a Redis outage must not turn
into errors, and a rate limit per web process is good enough to stop a runaway client.
"""

import re

from django.conf import settings
from django.core.cache import caches
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

TOKEN_PATTERN = re.compile(rb"[A-Za-z0-9_]{1,200}")


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's hashed tokens; a token that could not have been issued (not letters, digits and
    `_`) is refused before the database is asked, which would refuse a NUL byte with an error."""

    def authenticate_credentials(self, token: bytes):
        if not TOKEN_PATTERN.fullmatch(token):
            raise AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)


def reads_allowed(request) -> bool:
    """Read access: anyone, or only signed-in clients when the setting asks for it."""
    if getattr(settings, "API_REQUIRE_LOGIN_FOR_READS", False):
        return bool(request.user and request.user.is_authenticated)
    return True


class ModelPermissionsOrRead(DjangoModelPermissions):
    """Reads per `reads_allowed`; writes need add/change/delete permission on the model.

    A read-only view (the statistics, paginated over a model or not) takes no writes at all:
    every caller hears the same 403, whatever permissions they hold on its model.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return reads_allowed(request)
        if set(view.allowed_methods) <= set(SAFE_METHODS):
            return False
        return super().has_permission(request, view)


class LocalCacheRate:
    """Rates read at request time (so settings overrides apply), counted in caches["local"]."""

    cache = caches["local"]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(LocalCacheRate, AnonRateThrottle):
    pass


class UserThrottle(LocalCacheRate, UserRateThrottle):
    pass
