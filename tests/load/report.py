"""What a load run sent and got back, and the figures drawn from it: requests per second and
p50, p99 and max latency per kind of request and per endpoint, and what became of each write."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

READ, PAGE, WRITE = "api read", "page", "write"
KINDS = (READ, PAGE, WRITE)


@dataclass
class Write:
    """A record sent to the API, and what became of it."""

    resource: str  # "startups", "rounds", "valuation-marks"
    method: str
    marker: str  # the slug, round label or notes it can be found by
    payload: dict
    status: int | None = None  # None: no answer (connection lost or timed out)
    id: int | None = None  # from the answer, for a created record; the record's, for a PATCH

    @property
    def acknowledged(self) -> bool:
        return self.status in (200, 201)


@dataclass(frozen=True)
class Outcome:
    kind: str
    label: str
    status: int | None
    expected: int
    seconds: float
    error: str = ""  # the connection error, or the start of an unexpected answer


@dataclass
class Report:
    """Every answer of a run, its writes, and the figures drawn from them."""

    run: str
    url: str
    threads: int
    seconds: float
    outcomes: list[Outcome]
    writes: list[Write]
    reconnects: int

    @property
    def server_errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is not None and o.status >= 500]

    @property
    def connection_errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is None]

    @property
    def unexpected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != o.expected]

    @property
    def acknowledged(self) -> list[Write]:
        return [w for w in self.writes if w.acknowledged]

    def figures(self, outcomes: list[Outcome]) -> dict:
        latencies = sorted(o.seconds for o in outcomes)
        return {
            "requests": len(outcomes),
            "per_second": round(len(outcomes) / self.seconds, 1),
            "p50_ms": milliseconds(percentile(latencies, 50)),
            "p99_ms": milliseconds(percentile(latencies, 99)),
            "max_ms": milliseconds(latencies[-1] if latencies else 0.0),
            "statuses": dict(sorted(Counter(str(o.status) for o in outcomes).items())),
        }

    def summary(self) -> dict:
        by_kind, by_label = defaultdict(list), defaultdict(list)
        for outcome in self.outcomes:
            by_kind[outcome.kind].append(outcome)
            by_label[outcome.label].append(outcome)
        writes = Counter(
            "acknowledged" if w.acknowledged else "unanswered" if w.status is None else "refused"
            for w in self.writes
        )
        return {
            "run": self.run,
            "url": self.url,
            "threads": self.threads,
            "seconds": round(self.seconds, 1),
            "all": self.figures(self.outcomes),
            "kinds": {kind: self.figures(by_kind[kind]) for kind in KINDS if by_kind[kind]},
            "writes": {"sent": len(self.writes), **writes},
            "server_errors": len(self.server_errors),
            "connection_errors": len(self.connection_errors),
            "unexpected": len(self.unexpected),
            "reconnects": self.reconnects,
            "labels": {label: self.figures(by_label[label]) for label in sorted(by_label)},
        }

    def lines(self) -> list[str]:
        """The figures for a terminal: one line per kind of request, then the verdict."""
        summary = self.summary()
        lines = [
            f"load run {self.run}: {summary['all']['requests']} requests in "
            f"{summary['seconds']} s from {self.threads} threads against {self.url}"
        ]
        for kind, figures in summary["kinds"].items():
            lines.append(
                f"  {kind:9} {figures['requests']:6} requests {figures['per_second']:7} req/s"
                f"  p50 {figures['p50_ms']:8} ms  p99 {figures['p99_ms']:8} ms"
                f"  max {figures['max_ms']:8} ms  {figures['statuses']}"
            )
        writes = summary["writes"]
        lines.append(
            f"  writes: {writes['sent']} sent, {writes.get('acknowledged', 0)} acknowledged, "
            f"{writes.get('refused', 0)} refused, {writes.get('unanswered', 0)} unanswered; "
            f"5xx: {summary['server_errors']}, connection errors: "
            f"{summary['connection_errors']}, other unexpected statuses: "
            f"{summary['unexpected'] - summary['server_errors'] - summary['connection_errors']}"
        )
        return lines

    def save(self, path: Path, **more: object) -> None:
        """The summary as JSON, with `more` about the conditions or the checks."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**self.summary(), **more}, indent=2) + "\n")


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values (0 when there are none)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 1)
