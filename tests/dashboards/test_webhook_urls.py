"""The SSRF rules of webhook URLs (dashboards.webhook_urls): every resolved address, IPv4 and
IPv6, must be public; https only; the setting lifts both rules."""

import ipaddress

import pytest

from dashboards.webhook_urls import RefusedURL, address_problem, checked_target


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("10.0.0.7", "a private address"),
        ("192.168.1.1", "a private address"),
        ("::ffff:192.168.1.1", "a private address"),
        ("fd00::1", "a private address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "an address that is not public"),  # carrier-grade NAT
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
        ("::ffff:93.184.215.14", None),
    ],
)
def test_each_kind_of_address(address, problem):
    assert address_problem(ipaddress.ip_address(address)) == problem


def test_every_address_a_name_resolves_to_is_checked(monkeypatch, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    resolved = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "fd00::5"]
    monkeypatch.setattr("dashboards.webhook_urls.resolve", lambda host, port: resolved)

    with pytest.raises(RefusedURL, match=r"resolves to fd00::5, a private address"):
        checked_target("https://hooks.example.com/in")


def test_a_public_url_gives_its_parts_and_addresses(monkeypatch, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr("dashboards.webhook_urls.resolve", lambda host, port: ["93.184.215.14"])

    target = checked_target("https://hooks.example.com:8443/in?a=1#part")

    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 8443)
    assert (target.path, target.addresses) == ("/in?a=1", ("93.184.215.14",))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/", "The URL must start with https://."),
        ("ftp://93.184.215.14/", "The URL must start with https://."),
        ("https:///path", "The URL has no host."),
        ("https://93.184.215.14:99999/", "The URL's port is not a number from 1 to 65535."),
        ("https://no-such-host.invalid/", "The host no-such-host.invalid does not resolve."),
    ],
)
def test_what_is_refused_and_why(settings, url, message):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    with pytest.raises(RefusedURL) as refused:
        checked_target(url)

    assert str(refused.value) == message


def test_the_setting_lets_http_and_private_addresses_in(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True

    target = checked_target("http://127.0.0.1:8000/hooks")

    assert (target.scheme, target.port, target.addresses) == ("http", 8000, ("127.0.0.1",))
