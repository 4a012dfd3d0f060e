"""API tokens in the admin: staff pick the user by name, see the new token once on a page of
its own that says to copy it now, and never see knox's 128-character digest."""

import datetime as dt
import json

import pytest
from django.contrib.admin.widgets import AutocompleteSelect
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags
from knox.models import AuthToken

from tests.factories import StaffFactory, UserFactory

from .conftest import with_token

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/knox/authtoken/add/"
# Within the lifetime of API_TOKEN_TTL_DAYS (90), at a minute the page prints as typed.
EXPIRY = (timezone.now() + dt.timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(StaffFactory())
    return client


def create_token(client: Client, user) -> tuple[str, str]:
    """Posts the add form; returns the page's HTML and the token it shows."""
    response = client.post(
        ADD_URL, {"user": user.pk, "expiry_0": f"{EXPIRY:%Y-%m-%d}", "expiry_1": "00:00:00"}
    )
    assert response.status_code == 200
    return response.content.decode(), response.context["token"]


def test_staff_create_a_token_in_the_admin_and_see_it_once(staff_client):
    user = UserFactory()

    _, token = create_token(staff_client, user)

    assert token.startswith("cait_")
    record = AuthToken.objects.get(user=user)
    assert record.expiry == EXPIRY
    assert with_token(token).get("/api/v1/startups/").status_code == 200
    # The list and the record show only the token's first characters, never the token.
    listing = staff_client.get("/admin/knox/authtoken/").content.decode()
    change = staff_client.get(f"/admin/knox/authtoken/{record.pk}/change/").content.decode()
    assert token not in listing and token not in change
    assert record.token_key in listing


def test_the_new_token_is_shown_once_with_copy_it_now_and_no_digest(staff_client):
    user = UserFactory(username="analyst")

    page, token = create_token(staff_client, user)

    record = AuthToken.objects.get(user=user)
    assert page.count(token) == 1
    assert f'<code class="new-token" id="new-token">{token}</code>' in page
    assert "Copy this token now: it is shown only this once." in page
    assert f"For analyst; it expires on {EXPIRY:%Y-%m-%d} 00:00 (UTC)." in page
    assert record.digest not in page
    # Nothing keeps it for a later page: no message, and the next page does not show it.
    assert list(page_messages(staff_client)) == []
    assert token not in staff_client.get("/admin/").content.decode()


def page_messages(client: Client):
    return client.get("/admin/knox/authtoken/").context["messages"]


def test_no_admin_page_names_a_token_by_its_digest(staff_client):
    """The digest is knox's primary key, so it stays in the links; a person never reads it."""
    user = UserFactory(username="analyst")
    create_token(staff_client, user)
    record = AuthToken.objects.get(user=user)

    pages = [
        "/admin/",  # the recent actions
        "/admin/knox/authtoken/",
        f"/admin/knox/authtoken/{record.pk}/change/",
        f"/admin/knox/authtoken/{record.pk}/delete/",
        f"/admin/knox/authtoken/{record.pk}/history/",
    ]

    for path in pages:
        text = strip_tags(staff_client.get(path).content.decode())
        assert record.digest not in text, path
    assert str(record) == f"{record.token_key}… (analyst)"


def test_the_user_is_picked_by_name_from_an_autocomplete(staff_client):
    UserFactory(username="analyst", email="analyst@example.com")
    UserFactory(username="editor")

    form = staff_client.get(ADD_URL).context["adminform"].form
    found = staff_client.get(
        "/admin/autocomplete/",
        {"term": "analy", "app_label": "knox", "model_name": "authtoken", "field_name": "user"},
    )

    assert isinstance(form.fields["user"].widget.widget, AutocompleteSelect)
    assert [item["text"] for item in json.loads(found.content)["results"]] == ["analyst"]


def test_the_admin_offers_an_expiry_by_default(staff_client):
    form = staff_client.get(ADD_URL).context["adminform"].form

    assert form.fields["expiry"].required
    assert form.fields["expiry"].initial() > timezone.now() + dt.timedelta(days=89)
