"""Concurrent traffic against a running site: API reads, dashboard pages and API writes.

Each client thread keeps one HTTP/1.1 connection open and picks its next request from a
weighted mix; every answer is recorded with its latency and compared with the status the
request should get. Writes carry a marker unique to the run (`load-<run>-...` slugs,
`Load <run> ...` round labels, `load <run> ...` notes), so that afterwards every acknowledged
one can be looked up, and the refused or unanswered ones shown not to exist, even in part.

    python -m tests.load.traffic --url http://127.0.0.1:8000 --seconds 300 --token cait_...

The test suite drives it for LOAD_SECONDS (tests/load/test_load.py). Without a token only
reads are sent. The server's anonymous throttle (120 requests a minute per IP by default)
must be raised for a load run (`API_THROTTLE_ANON=1000000/minute`), or reads get 429s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tests.load.report import KINDS, PAGE, READ, WRITE, Outcome, Report, Write

# Mostly reads, as a research site gets, with one request in five a write so that outbox rows
# and aggregate refreshes run under the readers the whole time.
KIND_WEIGHTS = {READ: 50, PAGE: 30, WRITE: 20}
# Every STORY_SECONDS a new source URL appears that every thread's writes cite: the first
# writes to cite it race to create it, as when an article breaks and a team records it at once.
STORY_SECONDS = 2
# Page views in Chinese (Accept-Language), the other language the site speaks.
CHINESE_SHARE = 0.3
REQUEST_TIMEOUT_SECONDS = 30
# How much of an unexpected answer is kept, to say what went wrong.
UNEXPECTED_BODY_BYTES = 500
# Valuation marks of a startup are unique per day: each thread counts days from here.
MARKS_FROM = dt.date(2012, 1, 1)


@dataclass
class Request:
    kind: str
    method: str
    path: str
    label: str  # the path without keys and values, to group latencies
    expect: int = 200
    write: Write | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Catalogue:
    """The slugs of what exists before the run, read from the API."""

    startups: list[str]
    investors: list[str]


class Client:
    """One thread's connection and its own records, which only it updates."""

    def __init__(self, base_url: str, token: str, catalogue: Catalogue, run: str, number: int):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token, self.catalogue, self.run, self.number = token, catalogue, run, number
        self.rng = random.Random(f"{run}-{number}")
        self.connection: http.client.HTTPConnection | None = None
        self.used = False
        self.reconnects = 0
        self.sequence = 0
        self.own_startups: list[str] = []
        self.own_rounds: list[int] = []
        self.outcomes: list[Outcome] = []
        self.writes: list[Write] = []

    # Requests ---------------------------------------------------------------------------

    def next_request(self) -> Request:
        kind = self.rng.choices(KINDS, weights=[KIND_WEIGHTS[k] for k in KINDS])[0]
        if kind == WRITE and not self.token:
            kind = READ
        return {READ: self.api_read, PAGE: self.page, WRITE: self.write}[kind]()

    def api_read(self) -> Request:
        period = self.rng.choice(["year", "quarter"])
        choices: list[tuple[str, dict[str, str]]] = [
            ("/api/v1/rounds/", {"page_size": "50"}),
            ("/api/v1/rounds/", {"investor": "{investor}"}),
            ("/api/v1/startups/", {"search": "{name}"}),
            ("/api/v1/startups/{startup}/", {}),
            ("/api/v1/stats/ai-deal-share/", {"investor": "{investor}", "period": period}),
            ("/api/v1/stats/unicorns/", {"period": period}),
            ("/api/v1/stats/valuations/", {"startup": "{startup}"}),
            ("/api/v1/stats/co-investments/", {"investor": "{investor}"}),
            ("/api/v1/stats/compute-share/", {"investor": "{investor}", "period": "year"}),
            ("/api/v1/stats/reported-vs-computed/", {"investor": "{investor}"}),
        ]
        if self.own_rounds:  # read your own write
            choices.append(("/api/v1/rounds/{round}/", {}))
        return self.get(READ, *self.rng.choice(choices))

    def page(self) -> Request:
        request = self.get(
            PAGE,
            *self.rng.choice(
                [
                    ("/", {}),
                    ("/", {"investor": "{investor}", "period": "quarter"}),
                    ("/startups/", {}),
                    ("/startups/{startup}/", {}),
                    ("/investors/", {}),
                    ("/investors/{investor}/", {}),
                    ("/rounds/", {"investor": "{investor}", "sort": "-amount"}),
                    ("/charts/ai-share.csv", {}),
                ]
            ),
        )
        if self.rng.random() < CHINESE_SHARE:
            # A Chinese reader's page has its language in the URL (a browser preferring
            # Chinese is redirected there from the English one first).
            request.path = "/zh-hans" + request.path
            request.label += " (zh-hans)"
        return request

    def write(self) -> Request:
        if not self.own_startups:
            return self.startup_create()
        if self.own_rounds and self.rng.random() < 0.25:
            return self.round_update()
        maker = self.rng.choices(
            [self.round_create, self.mark_create, self.startup_create], weights=[5, 4, 1]
        )[0]
        return maker()

    def startup_create(self) -> Request:
        marker = f"load-{self.run}-{self.number}-{self.next_sequence()}"
        payload = {
            "slug": marker,
            "name_en": f"Load Startup {marker}",
            "is_ai": True,
            "city": "Beijing",
            "source_urls": self.source_urls(),
        }
        return self.post("startups", marker, payload)

    def round_create(self) -> Request:
        marker = f"Load {self.run} {self.number}-{self.next_sequence()}"
        investors = self.rng.sample(self.catalogue.investors, self.rng.randint(1, 3))
        payload = {
            "startup": self.any_startup(),
            "announced_on": self.some_day(dt.date(2018, 1, 1), 2900).isoformat(),
            "round_label": marker,
            "amount": str(self.rng.randrange(10_000_000, 3_000_000_000)),
            "amount_currency": self.rng.choice(["CNY", "USD"]),
            "amount_qualifier": "approx",
            "post_money_valuation": str(self.rng.randrange(100_000_000, 30_000_000_000)),
            "valuation_currency": "USD",
            "confidence": "reported",
            "source_urls": self.source_urls(),
            "participants": [
                {"investor": slug, "is_lead": position == 0}
                for position, slug in enumerate(investors)
            ],
        }
        return self.post("rounds", marker, payload)

    def mark_create(self) -> Request:
        sequence = self.next_sequence()
        marker = f"load {self.run} {self.number}-{sequence}"
        payload = {
            "startup": self.rng.choice(self.own_startups),
            "valued_on": (MARKS_FROM + dt.timedelta(days=sequence)).isoformat(),
            "value": str(self.rng.randrange(100_000_000, 50_000_000_000)),
            "currency": "USD",
            "value_qualifier": "approx",
            "kind": "press_report",
            "source_urls": self.source_urls(),
            "notes": marker,
        }
        return self.post("valuation-marks", marker, payload)

    def round_update(self) -> Request:
        round_id = self.rng.choice(self.own_rounds)
        marker = f"Load {self.run} patch {self.number}-{self.next_sequence()}"
        payload = {"notes": marker, "amount": str(self.rng.randrange(10_000_000, 3_000_000_000))}
        write = Write("rounds", "PATCH", marker, payload, id=round_id)
        path = f"/api/v1/rounds/{round_id}/"
        return Request(WRITE, "PATCH", path, "PATCH /api/v1/rounds/<id>/", 200, write)

    # Helpers ----------------------------------------------------------------------------

    def get(self, kind: str, template: str, query: dict[str, str]) -> Request:
        """A GET of `template` with `{startup}`, `{investor}`, `{name}`, `{round}` filled in at
        random; its label keeps the placeholders, so that latencies group by endpoint."""
        startup = self.any_startup()
        values = {
            "startup": startup,
            "name": startup[:4],
            "investor": self.rng.choice(self.catalogue.investors),
            "round": self.rng.choice(self.own_rounds) if self.own_rounds else 0,
        }
        path = template.format(**values)
        label = f"GET {template}"
        if query:
            path += "?" + urlencode({key: value.format(**values) for key, value in query.items()})
            label += "?" + "&".join(sorted(query))
        return Request(kind, "GET", path, label)

    def post(self, resource: str, marker: str, payload: dict) -> Request:
        path = f"/api/v1/{resource}/"
        write = Write(resource, "POST", marker, payload)
        return Request(WRITE, "POST", path, f"POST {path}", 201, write)

    def any_startup(self) -> str:
        return self.rng.choice(self.catalogue.startups + self.own_startups)

    def some_day(self, start: dt.date, days: int) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(days))

    def source_urls(self) -> list[str]:
        own = f"https://load.example.invalid/{self.run}/{self.number}/{self.sequence}"
        story = int(time.monotonic() // STORY_SECONDS)
        return [own, f"https://load.example.invalid/{self.run}/story-{story}"]

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    # Sending ----------------------------------------------------------------------------

    def send(self, request: Request) -> Outcome:
        headers = {"Accept": "*/*", **request.headers}
        body = None
        if request.write is not None:
            body = json.dumps(request.write.payload).encode()
            headers |= {"Content-Type": "application/json", "Authorization": f"Token {self.token}"}
            self.writes.append(request.write)
        started = time.perf_counter()
        try:
            status, data = self.exchange(request.method, request.path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            outcome = Outcome(
                request.kind,
                request.label,
                None,
                request.expect,
                time.perf_counter() - started,
                f"{type(error).__name__}: {error}",
            )
        else:
            seconds = time.perf_counter() - started
            error = (
                ""
                if status == request.expect
                else data[:UNEXPECTED_BODY_BYTES].decode(errors="replace")
            )
            outcome = Outcome(request.kind, request.label, status, request.expect, seconds, error)
            if request.write is not None:
                self.acknowledge(request.write, status, data)
        self.outcomes.append(outcome)
        return outcome

    def acknowledge(self, write: Write, status: int, data: bytes) -> None:
        write.status = status
        if not write.acknowledged:
            return
        record = json.loads(data)
        write.id = record["id"]
        if write.method == "POST" and write.resource == "rounds":
            self.own_rounds.append(record["id"])
        elif write.method == "POST" and write.resource == "startups":
            self.own_startups.append(record["slug"])

    def exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        """One request on the kept-alive connection.

        A GET that finds the kept connection closed by the server is sent again on a new one;
        a write never is, since the first may have been applied.
        """
        while True:
            reused = self.connection is not None and self.used
            connection = self.open()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused and method == "GET":
                    self.reconnects += 1
                    continue
                raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            self.used = True
            if response.will_close:
                self.close()
            return response.status, data

    def open(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=REQUEST_TIMEOUT_SECONDS
            )
            self.used = False
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


def catalogue_of(base_url: str) -> Catalogue:
    """The startups and investors the site holds (their first 500 each), read from the API."""
    client = Client(base_url, "", Catalogue([], []), "catalogue", 0)
    slugs = {}
    for resource in ("startups", "investors"):
        status, data = client.exchange(
            "GET", f"/api/v1/{resource}/?page_size=500", None, {"Accept": "application/json"}
        )
        if status != 200:
            raise RuntimeError(f"GET /api/v1/{resource}/ answered {status}")
        slugs[resource] = [record["slug"] for record in json.loads(data)["results"]]
    client.close()
    if not slugs["startups"] or not slugs["investors"]:
        raise RuntimeError("the site holds no startups or no investors to send traffic about")
    return Catalogue(slugs["startups"], slugs["investors"])


def run(base_url: str, *, seconds: float, threads: int = 8, token: str = "") -> Report:
    """Send the mix from `threads` clients for `seconds`, then report every answer."""
    catalogue = catalogue_of(base_url)
    run_id = uuid.uuid4().hex[:8]
    clients = [Client(base_url, token, catalogue, run_id, n) for n in range(1, threads + 1)]
    deadline = time.monotonic() + seconds

    def drive(client: Client) -> None:
        while time.monotonic() < deadline:
            client.send(client.next_request())
        client.close()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for driven in [pool.submit(drive, client) for client in clients]:
            driven.result()  # a bug in the generator raises here, not silently in a thread
    return Report(
        run=run_id,
        url=base_url,
        threads=threads,
        seconds=time.monotonic() - started,
        outcomes=[o for c in clients for o in c.outcomes],
        writes=[w for c in clients for w in c.writes],
        reconnects=sum(c.reconnects for c in clients),
    )


def missing_through_api(base_url: str, report: Report) -> list[Write]:
    """Acknowledged creations that the API cannot find afterwards."""
    client = Client(base_url, "", Catalogue([], []), "check", 0)
    missing = []
    for write in report.acknowledged:
        if write.method != "POST":
            continue
        key = write.marker if write.resource == "startups" else write.id
        status, _ = client.exchange("GET", f"/api/v1/{write.resource}/{key}/", None, {})
        if status != 200:
            missing.append(write)
    client.close()
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--token", default="", help="an API token allowed to write; else reads")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    options = parser.parse_args(argv)
    report = run(options.url, seconds=options.seconds, threads=options.threads, token=options.token)
    missing = missing_through_api(options.url, report)
    print("\n".join(report.lines()))
    print(f"  acknowledged creations not found afterwards: {len(missing)}")
    if options.json:
        report.save(options.json)
    # Any other answer than the expected one fails the run: 5xx, lost connections, 429s too.
    return 1 if report.unexpected or missing else 0


if __name__ == "__main__":
    sys.exit(main())
