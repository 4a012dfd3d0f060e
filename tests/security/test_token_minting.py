"""Minting API tokens in the admin: a token acts as its user, so staff holding only the token
permissions must not mint one for a superuser (or anyone else), nor one that outlives
API_TOKEN_TTL_DAYS; and the plaintext never rides in a message, a cookie or the session."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from tests.api.conftest import with_token
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/knox/authtoken/add/"


def token_staff():
    """Staff holding the token permissions and nothing else."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="knox"))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def mint(client: Client, user, expiry: dt.datetime):
    return client.post(
        ADD_URL,
        {"user": user.pk, "expiry_0": f"{expiry:%Y-%m-%d}", "expiry_1": f"{expiry:%H:%M:%S}"},
    )


def in_a_month() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=30)


def test_staff_with_token_permissions_cannot_mint_a_token_for_a_superuser():
    superuser = StaffFactory(username="root")
    client = signed_in(token_staff())

    response = mint(client, superuser, in_a_month())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "user": ["Only a superuser may create a token for another user."]
    }
    assert AuthToken.objects.count() == 0


def test_staff_are_offered_only_themselves_and_may_mint_their_own_token():
    staff = token_staff()
    UserFactory(username="someone-else")
    client = signed_in(staff)

    form = client.get(ADD_URL).context["adminform"].form
    response = mint(client, staff, in_a_month())

    assert list(form.fields["user"].queryset) == [staff]
    assert form.initial["user"] == staff.pk
    assert response.status_code == 200
    assert AuthToken.objects.get().user == staff
    assert with_token(response.context["token"]).get("/api/v1/startups/").status_code == 200


def test_a_superuser_may_mint_a_token_for_another_user():
    analyst = UserFactory(username="analyst")

    response = mint(signed_in(StaffFactory()), analyst, in_a_month())

    assert response.status_code == 200
    assert AuthToken.objects.get().user == analyst


@pytest.mark.parametrize("maker", [token_staff, StaffFactory], ids=["staff", "superuser"])
def test_no_token_outlives_the_configured_lifetime(settings, maker):
    staff = maker()
    client = signed_in(staff)
    latest = timezone.now() + dt.timedelta(days=90)

    too_late = mint(client, staff, dt.datetime(9999, 12, 31, tzinfo=dt.UTC))
    just_past = mint(client, staff, latest + dt.timedelta(minutes=5))

    for response in (too_late, just_past):
        [message] = response.context["adminform"].form.errors["expiry"]
        assert message.startswith("A token may last at most 90 days (API_TOKEN_TTL_DAYS): ")
    assert AuthToken.objects.count() == 0


def test_a_token_that_has_already_expired_is_refused():
    staff = token_staff()

    response = mint(signed_in(staff), staff, timezone.now() - dt.timedelta(days=1))

    assert response.context["adminform"].form.errors == {
        "expiry": ["A token must expire in the future."]
    }


def test_the_plaintext_is_in_no_cookie_message_or_session():
    staff = token_staff()
    client = signed_in(staff)

    response = mint(client, staff, in_a_month())
    token = response.context["token"]
    following = client.get("/admin/knox/authtoken/")

    assert token in response.content.decode()
    for sent in (response, following):
        assert all(token not in morsel.value for morsel in sent.cookies.values())
        assert [str(message) for message in get_messages(sent.wsgi_request)] == []
    assert all(token not in morsel.value for morsel in client.cookies.values())
    session = SessionStore(session_key=client.cookies["sessionid"].value)
    assert token not in repr(session.load())
