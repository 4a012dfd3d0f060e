"""The client's address: X-Forwarded-For is trusted only as far as our own proxies wrote it.

A client may send any X-Forwarded-For it likes. With no proxy (NUM_PROXIES=0, development)
the header is never read; behind one proxy (docker-compose) only the entry that proxy appended,
the right-most, is. Every reader of the address follows the one rule: the API's throttle, the
login lockout and gunicorn's access log (the WSGI environ's REMOTE_ADDR after the response).
"""

import importlib.util
import re
from pathlib import Path

import pytest
from django.test import Client

from config.client_address import client_address
from tests.factories import StaffFactory

ROOT = Path(__file__).resolve().parent.parent.parent
PROXY = "10.0.0.1"
CLIENT = "203.0.113.7"
NEIGHBOUR = "203.0.113.8"
LIST = "/api/v1/startups/"
PASSWORD = "correct horse battery staple"


def throttle_anonymous_to(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": rate, "user": "100000/minute"},
    }


def forged(n: int) -> str:
    """A different made-up address for each request, as a client rotating the header."""
    return f"198.51.100.{n}"


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        (0, f"{forged(1)}", PROXY),
        (0, f"{forged(1)}, {CLIENT}", PROXY),
        (1, None, PROXY),
        (1, "", PROXY),
        (1, CLIENT, CLIENT),
        (1, f"{forged(1)}, {forged(2)},{CLIENT}", CLIENT),
        (1, f"{forged(1)}, 2001:DB8::1", "2001:db8::1"),
        (2, f"{forged(1)}, {CLIENT}, 10.0.0.2", CLIENT),
        (2, CLIENT, CLIENT),
        (1, f"{CLIENT}, <script>", PROXY),
        (1, f"{CLIENT}, 203.0.113.7:443", PROXY),
    ],
    ids=[
        "no-proxy-ignores-the-header",
        "no-proxy-ignores-a-list",
        "proxy-without-header",
        "proxy-with-empty-header",
        "proxy-one-entry",
        "proxy-takes-the-right-most",
        "ipv6-normalised",
        "two-proxies-take-the-second-from-the-right",
        "fewer-entries-than-proxies",
        "not-an-address",
        "address-with-a-port",
    ],
)
def test_the_client_is_the_entry_the_outermost_proxy_appended(num_proxies, forwarded_for, expected):
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for

    assert client_address(meta, num_proxies) == expected


@pytest.mark.django_db
def test_without_a_proxy_a_rotating_forwarded_for_does_not_escape_the_throttle(settings):
    # Given no proxy in front (the default) and three anonymous requests a minute
    throttle_anonymous_to(settings, "3/minute")
    client = Client(REMOTE_ADDR=CLIENT)

    # When one client sends each request with another made-up X-Forwarded-For
    codes = [client.get(LIST, HTTP_X_FORWARDED_FOR=forged(n)).status_code for n in range(5)]

    # Then the throttle counts them all as that client's
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_behind_one_proxy_the_throttle_keys_on_the_address_the_proxy_appended(settings):
    # Given one proxy in front, which appends the address it received each request from
    settings.NUM_PROXIES = 1
    throttle_anonymous_to(settings, "3/minute")
    through_the_proxy = Client(REMOTE_ADDR=PROXY)

    # When a client rotates the entries it writes itself, left of the proxy's
    codes = [
        through_the_proxy.get(LIST, HTTP_X_FORWARDED_FOR=f"{forged(n)}, {CLIENT}").status_code
        for n in range(4)
    ]
    # Then it is throttled as one client
    assert codes == [200, 200, 200, 429]
    # And another client behind the same proxy keeps its own allowance
    neighbour = through_the_proxy.get(LIST, HTTP_X_FORWARDED_FOR=NEIGHBOUR)
    assert neighbour.status_code == 200


def sign_in(password: str, forwarded_for: str) -> int:
    """The admin login from behind the proxy; its status code (302 signed in, 429 locked)."""
    client = Client(REMOTE_ADDR=PROXY)
    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": password, "next": "/admin/"},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response.status_code


@pytest.mark.django_db
def test_behind_one_proxy_the_lockout_holds_the_guesser_not_everyone_behind_the_proxy(settings):
    # Given one proxy in front and an editor's account
    settings.NUM_PROXIES = 1
    StaffFactory(username="editor", password=PASSWORD)

    # When a client guesses five times, writing another address of its own each time
    codes = [sign_in("wrong", f"{forged(n)}, {CLIENT}") for n in range(5)]

    # Then the fifth guess locks that client out, the right password included
    assert codes == [200, 200, 200, 200, 429]
    assert sign_in(PASSWORD, f"{forged(9)}, {CLIENT}") == 429
    # And the editor, from elsewhere behind the same proxy, still signs in
    assert sign_in(PASSWORD, NEIGHBOUR) == 302


@pytest.mark.django_db
def test_the_access_log_prints_the_client_address(settings):
    # Given one proxy in front; gunicorn's access log prints the WSGI environ's REMOTE_ADDR
    # (%(h)s) once the application has answered
    settings.NUM_PROXIES = 1

    # When a request comes through the proxy
    response = Client(REMOTE_ADDR=PROXY).get(
        "/api/v1/", HTTP_X_FORWARDED_FOR=f"{forged(1)}, {CLIENT}"
    )

    # Then the environ the server logs from holds the client's address
    assert response.status_code == 200
    assert response.wsgi_request.environ["REMOTE_ADDR"] == CLIENT


def test_no_other_code_reads_the_forwarded_header(settings):
    # Every reader goes through REMOTE_ADDR, which config/client_address.py sets: a second
    # reader of the header would be a second rule. DRF's throttle reads the header itself
    # unless REST_FRAMEWORK's NUM_PROXIES is 0; django-axes reads it only through ipware.
    read = re.compile(r"HTTP_X_FORWARDED_FOR|headers\W+x-forwarded-for", re.IGNORECASE)
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("config", "startups", "deals", "dashboards", "backups")
        for path in (ROOT / folder).rglob("*.py")
        if read.search(path.read_text())
    ]

    assert readers == ["config/client_address.py"]
    assert settings.NUM_PROXIES == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert settings.AXES_CLIENT_IP_CALLABLE is None
    assert importlib.util.find_spec("ipware") is None
