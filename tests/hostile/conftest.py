"""Hostile input meets the API with the API tests' callers and settings: no throttling (a run
sends hundreds of requests), and a cache of each test's own."""

import pytest

from tests.api.conftest import anonymous, api_settings_for_tests, reader, staff, writer
from tests.factories import StaffFactory

__all__ = ["anonymous", "api_settings_for_tests", "reader", "staff", "writer"]


@pytest.fixture
def signed_in_staff(client):
    """A staff member signed in with the test's `client` (the admin's pages)."""
    user = StaffFactory()
    client.force_login(user)
    return user
