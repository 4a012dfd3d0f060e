"""Login lockout (django-axes): five wrong passwords for one username from one address lock
that pair out, the right password included, until the cool-off has passed or staff reset it.

Two pages take a password, and the lockout holds on both, counted together: the admin's login
and the analysts' sign-in (/login/, in each language). API clients use knox tokens that staff
create in the admin, and there is no token login endpoint (the last test keeps it so)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver
from knox.views import LoginView as KnoxLoginView

from tests.factories import StaffFactory

from .matrix import every_url

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
# Each page that takes a password, and where it sends a user once signed in.
LOGIN_PAGES = {ADMIN_LOGIN: "/admin/", "/login/": "/startups/", "/zh-hans/login/": "/zh-hans/"}
LOGIN = ADMIN_LOGIN  # the page under test: set per test by the `login_page` fixture
PASSWORD = "correct horse battery staple"
HOME = "10.0.0.1"


@pytest.fixture
def staff():
    return StaffFactory(username="editor")


@pytest.fixture(params=LOGIN_PAGES, autouse=True)
def login_page(request, monkeypatch) -> str:
    """Every test runs against each page that takes a password."""
    monkeypatch.setattr(f"{__name__}.LOGIN", request.param)
    return request.param


def sign_in(password: str, username: str = "editor", address: str = HOME) -> int:
    """Posts the login form of LOGIN from `address`; the status code (302 when signed in)."""
    client = Client(REMOTE_ADDR=address)
    data = {"username": username, "password": password, "next": LOGIN_PAGES[LOGIN]}
    response = client.post(LOGIN, data)
    if response.status_code == 302:
        assert response["Location"] == LOGIN_PAGES[LOGIN]
    return response.status_code


def fail(times: int, username: str = "editor", address: str = HOME) -> list[int]:
    return [sign_in("wrong password", username, address) for _ in range(times)]


def test_the_limit_is_five_failures_and_the_cool_off_fifteen_minutes(login_page):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_the_right_password_signs_in(staff):
    assert sign_in(PASSWORD) == 302


def test_five_wrong_passwords_lock_out_even_the_right_one(staff):
    # The form shows again after each of the first four failures; the fifth locks.
    assert fail(5) == [200, 200, 200, 200, 429]

    client = Client(REMOTE_ADDR=HOME)
    response = client.post(LOGIN, {"username": "editor", "password": PASSWORD})

    assert response.status_code == 429
    assert "too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_holds_only_for_that_username_from_that_address(staff):
    StaffFactory(username="colleague")
    fail(5)

    assert sign_in(PASSWORD, address="10.0.0.2") == 302
    assert sign_in(PASSWORD, username="colleague") == 302
    assert sign_in(PASSWORD) == 429


def test_after_the_cool_off_the_right_password_works_again(staff):
    fail(5)
    sixteen_minutes_ago = AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)

    assert sign_in(PASSWORD) == 302


def test_staff_can_lift_a_lockout_before_the_cool_off(staff):
    fail(5)

    call_command("axes_reset_username", "editor", verbosity=0)

    assert sign_in(PASSWORD) == 302
    assert AccessAttempt.objects.count() == 0


def test_a_successful_login_starts_the_count_again(staff):
    fail(4)
    assert sign_in(PASSWORD) == 302

    assert fail(4) == [200] * 4
    assert sign_in(PASSWORD) == 302


def test_failures_on_one_page_count_on_the_other(staff, login_page):
    other = "/login/" if login_page == ADMIN_LOGIN else ADMIN_LOGIN
    fail(4)
    client = Client(REMOTE_ADDR=HOME)

    response = client.post(other, {"username": "editor", "password": "wrong password"})

    assert response.status_code == 429
    assert sign_in(PASSWORD) == 429


def test_no_other_view_takes_a_password():
    login_views = [
        url.name
        for url in every_url(get_resolver())
        if issubclass(getattr(url.view, "view_class", object), LoginView | KnoxLoginView)
        or url.name.endswith(":login")
    ]

    assert sorted(login_views) == ["admin:login", "dashboards:login"]
