"""Who may open and change what: every URL of the site (tests/security/matrix.py) for
anonymous callers, signed-in users, staff without and with the permission, and superusers."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver

from tests.api.conftest import grant_names
from tests.factories import StaffFactory, UserFactory

from .matrix import ROLES, Endpoint, endpoints, every_url, send

pytestmark = pytest.mark.django_db

ENDPOINTS = endpoints()


def caller(role: str, permissions: list[str]):
    """The user behind `role` (None when anonymous), holding `permissions` when asked."""
    if role == "anonymous":
        return None
    if role == "superuser":
        return StaffFactory()
    user = UserFactory(is_staff=role != "user")
    if role == "staff_with_permission":
        grant_names(user, permissions)
    return user


def statuses(endpoint: Endpoint) -> dict[str, int]:
    """The status each role gets, each in a world of its own (rolled back after)."""
    found = {}
    for role in ROLES:
        with transaction.atomic():
            user = caller(role, endpoint.permissions)
            client = Client()
            if user is not None:
                client.force_login(user)
            path, data = endpoint.call(user)
            found[role] = send(client, endpoint, path, data).status_code
            transaction.set_rollback(True)
    return found


def test_every_url_is_in_the_matrix():
    urls = {url.name for url in every_url(get_resolver())}

    assert urls - {endpoint.name for endpoint in ENDPOINTS} == set()
    assert {endpoint.name for endpoint in ENDPOINTS} - urls == set()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.id for endpoint in ENDPOINTS])
def test_each_role_gets_what_the_matrix_says(endpoint):
    assert statuses(endpoint) == dict(zip(ROLES, endpoint.expected, strict=True))
