"""HTTP traffic against an app process, recorded answer by answer, for the fault tests."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

REQUEST_TIMEOUT_SECONDS = 30
# What the readers ask for: a page with charts, a table page, the API, a startup's page.
READ_PATHS = ("/", "/rounds/", "/api/v1/rounds/?page_size=20", "/startups/moonshot/")


@dataclass
class Answer:
    method: str
    path: str
    status: int
    seconds: float
    at: float  # time.monotonic() when the request started
    headers: dict[str, str]
    body: bytes


def a_round(label: str) -> dict:
    """A new round, as the API takes it, of the sample's startup and investor."""
    return {
        "startup": "zhipu",
        "announced_on": "2024-Q2",
        "round_label": label,
        "amount": "710000000",
        "amount_currency": "CNY",
        "source_urls": ["https://example.com/story"],
        "participants": [{"investor": "alibaba", "is_lead": True}],
    }


def call(
    base_url: str,
    method: str,
    path: str,
    data: Any = None,
    token: str | None = None,
) -> Answer:
    """One request; an HTTP error status is an answer too, a refused connection is 0."""
    headers = {"Accept": "application/json"} if path.startswith("/api/") else {}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(base_url + path, data=body, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            status, answer_headers, content = (
                response.status,
                dict(response.headers),
                response.read(),
            )
    except urllib.error.HTTPError as error:
        status, answer_headers, content = error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        status, answer_headers, content = 0, {}, b""
    return Answer(
        method, path, status, time.monotonic() - started, started, answer_headers, content
    )


@dataclass
class ReadTraffic:
    """Readers in threads, each asking for READ_PATHS in turn until stopped."""

    base_url: str
    readers: int = 3
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> ReadTraffic:
        for number in range(self.readers):
            thread = threading.Thread(target=self._read, args=(number,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(REQUEST_TIMEOUT_SECONDS + 5)

    def _read(self, number: int) -> None:
        turn = number
        while not self._stop.is_set():
            answer = call(self.base_url, "GET", READ_PATHS[turn % len(READ_PATHS)])
            with self._lock:
                self.answers.append(answer)
            turn += 1
            time.sleep(0.02)

    def between(self, start: float, end: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if start <= a.at < end]
