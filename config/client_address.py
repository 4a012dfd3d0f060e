"""The client's address, trusting X-Forwarded-For only as far as our own proxies wrote it.

Each proxy appends the address it received the request from, so the right-most entries of
X-Forwarded-For are written by our proxies and everything to their left is whatever the
client sent. With `NUM_PROXIES` proxies in front (0 in development: no proxy), the client is
the entry that the outermost one appended; a header the client wrote itself is never read.

The middleware puts that address into `REMOTE_ADDR`, first thing, so that every reader of
the address follows this one rule: the API's throttle, the login lockout (django-axes) and
gunicorn's access log (which reads the same WSGI environ after the response).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def client_address(meta: Mapping[str, str], num_proxies: int) -> str:
    """The address the outermost of `num_proxies` proxies received the request from.

    `REMOTE_ADDR` when there is no proxy, no header, or an entry that is not an IP address
    (then the proxy's own address: such a client shares its allowance with everyone alike).
    With fewer entries than proxies the left-most is taken: the request reached an inner
    proxy directly, and that entry is still one a proxy of ours wrote.
    """
    peer = meta.get("REMOTE_ADDR", "")
    forwarded = meta.get(FORWARDED_FOR, "")
    if num_proxies <= 0 or not forwarded.strip():
        return peer
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(num_proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


class ClientAddressMiddleware:
    """Sets `REMOTE_ADDR` to the client's address per `NUM_PROXIES` (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = client_address(request.META, settings.NUM_PROXIES)
        return self.get_response(request)
