"""Where a webhook may point (SSRF): an https URL whose host resolves to public addresses only.

Checked when an endpoint is saved, and again before each attempt, because a name can resolve
elsewhere later (DNS rebinding): the attempt then connects to the very addresses it checked
(dashboards.webhook_http), never resolving the name a second time. `WEBHOOKS_ALLOW_PRIVATE`
lifts both rules, for development and tests only.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedURL(ValueError):
    """The URL may not be called; the message says why, for a person to read."""


@dataclass(frozen=True)
class Target:
    """A checked URL: its parts, and the addresses its host resolved to (all of them allowed)."""

    scheme: str
    host: str
    port: int
    path: str  # with its query string
    addresses: tuple[str, ...]


def address_problem(address: Address) -> str | None:
    """Why a connection to `address` is refused, or None when it is a public address.
    An IPv4 address mapped into IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    # Most specific first: a link-local or loopback address is also "private" to Python.
    kinds = [
        (address.is_loopback, _("a loopback address")),
        (address.is_link_local, _("a link-local address")),
        (address.is_unspecified, _("an unspecified address")),
        (address.is_multicast, _("a multicast address")),
        (address.is_reserved, _("a reserved address")),
        (address.is_private, _("a private address")),
        (not address.is_global, _("an address that is not public")),
    ]
    return next((kind for refused, kind in kinds if refused), None)


def resolve(host: str, port: int) -> list[str]:
    """Every address (IPv4 and IPv6) the host resolves to; an IP literal resolves to itself."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedURL(_("The host %(host)s does not resolve.") % {"host": host}) from error
    # The scope of an IPv6 link-local address (fe80::1%eth0) is no part of its value.
    return list(dict.fromkeys(info[4][0].split("%")[0] for info in found))


def checked_target(url: str) -> Target:
    """The URL's parts and addresses, or RefusedURL saying what is wrong with it."""
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unclosed IPv6 bracket
        raise RefusedURL(_("The URL has no host.")) from error
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    allowed_schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed_schemes:
        raise RefusedURL(_("The URL must start with https://."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise RefusedURL(_("The URL's port is not a number from 1 to 65535.")) from error
    host = parts.hostname
    if not host:
        raise RefusedURL(_("The URL has no host."))
    addresses = resolve(host, port)
    if not allow_private:
        for text in addresses:
            problem = address_problem(ipaddress.ip_address(text))
            if problem:
                raise RefusedURL(
                    _(
                        "The host %(host)s resolves to %(address)s, %(kind)s: webhooks are "
                        "sent to public addresses only."
                    )
                    % {"host": host, "address": text, "kind": problem}
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, tuple(addresses))
