"""Clients for each kind of caller; throttle counters and caches that start empty per test."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from knox.models import AuthToken

from deals.api.access import AnonThrottle
from tests.factories import StaffFactory, UserFactory

# Rates high enough that no test but the throttling ones ever meets them.
UNTHROTTLED = {"anon": "100000/minute", "user": "100000/minute"}


@pytest.fixture(autouse=True)
def api_settings_for_tests(settings) -> Iterator[None]:
    """Generous throttle rates, counters at zero, and a cache of this test's own.

    Statistics are cached under the aggregates' generation number, which restarts with each
    test's rolled-back database: a shared cache would serve another test's figures.
    """
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNTHROTTLED}
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-test-{uuid.uuid4()}",
        },
    }
    AnonThrottle.cache.clear()
    yield
    AnonThrottle.cache.clear()


@dataclass
class Caller:
    """A test client that sends JSON and, when it has one, its token."""

    client: Client
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: Any = None, **extra: Any):
        call: Callable = getattr(self.client, method.lower())
        headers = {**self.headers, **extra}
        if method.upper() in ("GET", "HEAD"):
            return call(path, data or {}, **headers)
        return call(path, data, content_type="application/json", **headers)

    def get(self, path: str, data: Any = None, **extra: Any):
        return self.request("GET", path, data, **extra)

    def post(self, path: str, data: Any = None, **extra: Any):
        return self.request("POST", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any):
        return self.request("PATCH", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any):
        return self.request("PUT", path, data, **extra)

    def delete(self, path: str, **extra: Any):
        return self.request("DELETE", path, None, **extra)


def token_for(user) -> str:
    _, token = AuthToken.objects.create(user=user)
    return token


def with_token(token: str) -> Caller:
    return Caller(Client(), {"HTTP_AUTHORIZATION": f"Token {token}"})


def grant(user, model: type, *actions: str) -> None:
    """Give `user` Django's add/change/delete/view permission on `model`."""
    meta = model._meta
    codenames = [f"{action}_{meta.model_name}" for action in actions]
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label=meta.app_label, codename__in=codenames)
    )


def grant_names(user, permissions) -> None:
    """Give `user` each of `permissions`, named "app_label.codename"."""
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@pytest.fixture
def anonymous() -> Caller:
    return Caller(Client())


@pytest.fixture
def reader() -> Caller:
    """A token whose user holds no permission at all."""
    return with_token(token_for(UserFactory()))


@pytest.fixture
def writer() -> Caller:
    """A token whose user may add, change and delete every kind of record."""
    from django.apps import apps

    user = UserFactory()
    for model in [
        *apps.get_app_config("startups").get_models(),
        *apps.get_app_config("deals").get_models(),
    ]:
        grant(user, model, "add", "change", "delete")
    return with_token(token_for(user))


def staff_session() -> Caller:
    """A signed-in superuser in a browser: session cookie, and the CSRF token a page gave it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    client.get("/api/v1/", HTTP_ACCEPT="text/html")
    return Caller(client, {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value})


@pytest.fixture
def staff() -> Caller:
    return staff_session()
