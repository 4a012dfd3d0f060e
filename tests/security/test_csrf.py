"""CSRF on every session write: each write of the matrix (admin forms, API writes, the language
switch, the log-in form), sent by a signed-in superuser's browser without the CSRF token, is
refused with 403 and changes nothing. Only token-authenticated calls skip it; there a session
counts for nothing."""

import pytest
from django.test import Client

from startups.models import Source
from tests.factories import SourceFactory, StaffFactory

from .matrix import TOKEN_ONLY, endpoints, send

pytestmark = pytest.mark.django_db

SESSION_WRITES = [e for e in endpoints() if e.writes and e.expected != TOKEN_ONLY]


def browser_of(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("endpoint", SESSION_WRITES, ids=[e.id for e in SESSION_WRITES])
def test_a_session_write_without_the_csrf_token_is_refused(endpoint):
    superuser = StaffFactory()
    path, data = endpoint.call(superuser)

    response = send(browser_of(superuser), endpoint, path, data)

    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_the_same_admin_write_with_the_token_goes_through():
    superuser = StaffFactory()
    source = SourceFactory()
    browser = browser_of(superuser)
    delete_page = f"/admin/startups/source/{source.pk}/delete/"
    browser.get(delete_page)

    response = browser.post(
        delete_page, {"post": "yes", "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    )

    assert response.status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()


def test_a_refused_write_changes_nothing():
    source = SourceFactory()

    response = browser_of(StaffFactory()).post(
        f"/admin/startups/source/{source.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Source.objects.filter(pk=source.pk).exists()
