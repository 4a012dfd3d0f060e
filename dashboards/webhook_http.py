"""One POST to a checked webhook target: to the addresses that were checked (not to what the
name resolves to a moment later), TLS verified against the URL's host name, bounded by a
timeout, redirects never followed (http.client follows none)."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .webhook_urls import Target

# Enough of an answer's body to show in the delivery log; the rest is never read.
ANSWER_EXCERPT_BYTES = 200


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str
    latency_ms: int


class PinnedHTTPConnection(http.client.HTTPConnection):
    """A connection to one given address, whatever the Host header names."""

    def __init__(self, address: str, port: int, timeout: float) -> None:
        super().__init__(address, port, timeout=timeout)

    def connect(self) -> None:
        self.sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """The same over TLS: the certificate must be valid for `server_name` (the URL's host)."""

    default_port = 443

    def __init__(self, address: str, port: int, timeout: float, server_name: str) -> None:
        super().__init__(address, port, timeout)
        self.server_name = server_name
        self.context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.server_name)


def connection_to(target: Target, address: str, timeout: float) -> PinnedHTTPConnection:
    if target.scheme == "https":
        return PinnedHTTPSConnection(address, target.port, timeout, target.host)
    return PinnedHTTPConnection(address, target.port, timeout)


def post(target: Target, headers: dict[str, str], body: bytes, timeout: float) -> Answer:
    """POSTs `body` to the target's first address that accepts a connection. Raises OSError
    (refused, unreachable, timed out, TLS) or http.client.HTTPException (a broken answer)."""
    started = time.monotonic()
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    if target.port not in (80, 443):
        host_header += f":{target.port}"
    error: OSError | None = None
    for address in target.addresses:
        connection = connection_to(target, address, timeout)
        try:
            connection.connect()
        except OSError as refused:
            error = refused
            connection.close()
            continue
        try:
            connection.request(
                "POST", target.path, body=body, headers={"Host": host_header, **headers}
            )
            response = connection.getresponse()
            excerpt = response.read(ANSWER_EXCERPT_BYTES).decode("utf-8", "replace")
            latency_ms = round((time.monotonic() - started) * 1000)
            return Answer(response.status, excerpt, latency_ms)
        finally:
            connection.close()
    raise error or OSError("no address to connect to")
