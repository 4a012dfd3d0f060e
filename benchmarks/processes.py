"""Child processes of the benchmarks: run one and read its peak memory, serve HTTP on a free
loopback port, and drive it with wrk."""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Finished:
    seconds: float
    peak_mib: float
    output: str


def run_measured(command: list[str], env: dict[str, str]) -> Finished:
    """Run to the end; wall time and the child's peak resident memory (ru_maxrss)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{output}")
    return Finished(seconds, usage.ru_maxrss / 1024, output)


@contextlib.contextmanager
def until_stopped(command: list[str], env: dict[str, str]) -> Iterator[Finished]:
    """Run while the block runs, then stop it (SIGTERM) and fill in what it used."""
    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        finished = Finished(0, 0, "")
        try:
            yield finished
        finally:
            child.terminate()
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            log.seek(0)
            finished.seconds = time.perf_counter() - started
            finished.peak_mib, finished.output = usage.ru_maxrss / 1024, log.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, child: subprocess.Popen, timeout: float = 90) -> None:
    """Until a GET of `url` succeeds: a listening socket is not yet a booted worker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"{child.args[0]} exited with {child.returncode} before serving")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=10):
            return
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], port: int, ready: str) -> Iterator[str]:
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + ready, child)
        yield base
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def gunicorn(env: dict[str, str], ready: str) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(os.cpu_count() or 2),
        "--preload",
    ]
    return serving(command, env, port, ready)


def datasette(database: Path, ready: str) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    # Datasette at its fastest: immutable (-i), counting rows once at start-up, and no facet
    # suggestions (by default they take seconds per page of a 100k-row table).
    command = [
        str(BIN / "datasette"),
        "serve",
        "-i",
        str(database),
        "--port",
        str(port),
        "--setting",
        "suggest_facets",
        "off",
    ]
    return serving(command, dict(os.environ), port, ready)


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx responses and socket errors


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("the HTTP benchmarks need wrk: apt-get install wrk")
    return path


def wrk(url: str, seconds: int, connections: int = 8) -> Load:
    command = [
        wrk_path(),
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    # A second of warm-up: connections, worker imports, PostgreSQL's caches.
    subprocess.run([*command[:3], "-d1s", url], capture_output=True, check=True)
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    load = Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        p99_ms=_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        bad=_bad(out),
    )
    if load.bad or not load.requests:
        raise SystemExit(f"{url}: {load.bad} failed of {load.requests} requests; no figure\n{out}")
    return load


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _bad(out: str) -> int:
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
