"""`make run` as a newcomer runs it, driven as a person would drive it.

The README's command starts in a subprocess exactly as typed (DEBUG on, a SQLite file, tasks
in-process, `runserver`); then, through Chromium, a staff member signs in to the admin, adds a
round with a participant, edits a startup, uploads an import and makes an API token, with which
a client POSTs, PATCHes and DELETEs rounds. Every step succeeds, and the overview and the
statistics API then show figures that include every change, with no refresh pending. The same
flow runs with `REDIS_URL` set, where `make run` starts a real Celery worker beside the server.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.servers import PROJECT, AppProcess, PrivateRedis, free_port, port_open, wait_for

pytestmark = pytest.mark.browser

# make run installs (a no-op once .venv is current), migrates a new SQLite file, loads the
# sample data and refreshes; on this 2-core machine under the suite's load that takes 40-90 s.
START_SECONDS = 300
REFRESH_SECONDS = 60
PASSWORD = "a newcomer's password"
STATS = "/api/v1/stats/ai-deal-share/?investor=alibaba&period=year&since=2026-01-01"
CAPITAL_CAPTION = re.compile(r"disclosed capital, from (\d+) of (\d+) rounds")
TOKEN = re.compile(r"cait_[0-9a-f]+")
UPLOADED_ROUNDS = (
    "startup_slug,announced_on,date_precision,round_label,amount,amount_currency,"
    "lead_investors,source_url,confidence\n"
    "zhipu,2026-11,month,Series Z (uploaded),20000000,USD,alibaba,"
    "https://news.example.com/zhipu-series-z,reported\n"
)


@dataclass
class Site:
    """The site `make run` serves, and the environment of its manage.py."""

    url: str
    environment: dict[str, str]
    server: AppProcess
    log: Path

    def manage(self, *args: str, **environment: str) -> str:
        return subprocess.run(
            [str(PROJECT / ".venv" / "bin" / "python"), "manage.py", *args],
            cwd=PROJECT,
            env={**self.environment, **environment},
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout

    def get_json(self, path: str, token: str | None = None) -> dict:
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Token {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def api(self, method: str, path: str, token: str, body: dict | None = None) -> dict | None:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            content = response.read()
        return json.loads(content) if content else None


def make_run(tmp_path: Path, extra: dict[str, str] | None = None) -> Site:
    """`make run` on a free port with a SQLite file of its own, and nothing else set."""
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
        and not key.startswith("MAKE")
    }
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    environment.update(extra or {})
    log = tmp_path / "make-run.log"
    server = AppProcess(["make", "run", f"PORT={port}"], environment, log)
    server.start()
    if not wait_for(lambda: port_open(port), START_SECONDS, every=0.5):
        server.stop()
        pytest.fail(f"make run did not serve within {START_SECONDS}s:\n{log.read_text()}")
    return Site(f"http://127.0.0.1:{port}", environment, server, log)


def sign_in(page, site: Site) -> None:
    """A superuser made on the command line, as the README says, signed in."""
    site.manage(
        "createsuperuser",
        "--noinput",
        "--username=newcomer",
        "--email=newcomer@example.com",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site.url + "/admin/")


def choose(page, select_id: str, typed: str, option: str = "") -> None:
    """Pick `option` (or the first match) in an admin autocomplete (select2) after typing."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    matches = page.locator(".select2-results__option[role=option]", has_text=option)
    matches.first.click()


def saved(page) -> None:
    """The admin's page after a save says it succeeded, and nothing else."""
    expect(page.locator(".messagelist li")).to_have_count(1)
    expect(page.locator(".messagelist li.success")).to_have_count(1)


def admin_adds_a_round_with_a_participant(page, site: Site) -> None:
    page.goto(site.url + "/admin/deals/fundinground/add/")
    choose(page, "id_startup", "MiniMax", "MiniMax")
    page.fill("#id_round_label", "Series E (admin)")
    page.fill("#id_announced_on", "2026-10-15")
    page.fill("#id_amount", "50000000")
    page.select_option("#id_amount_currency", "USD")
    choose(page, "id_sources", "livemint")
    choose(page, "id_participations-0-investor", "Alibaba", "Alibaba Group")
    page.check("#id_participations-0-is_lead")
    page.click("input[name=_save]")
    saved(page)


def admin_edits_a_startup(page, site: Site) -> None:
    page.goto(site.url + "/admin/startups/startup/?q=minimax")
    page.locator("#result_list a", has_text="MiniMax").first.click()
    page.fill("#id_city", "Shanghai (edited)")
    page.click("input[name=_save]")
    saved(page)


def admin_uploads_an_import(page, site: Site, folder: Path) -> None:
    rounds = folder / "rounds.csv"
    rounds.write_text(UPLOADED_ROUNDS)
    page.goto(site.url + "/admin/data/import/")
    page.set_input_files("input[type=file]", str(rounds))
    page.click("input[type=submit][value=Preview]")
    page.click("input[type=submit][value='Confirm and import']")
    saved(page)


def admin_makes_a_token(page, site: Site) -> str:
    """A token for the signed-in user, read off the page that shows it once."""
    page.goto(site.url + "/admin/knox/authtoken/add/")
    choose(page, "id_user", "newcomer", "newcomer")
    page.click("input[name=_save]")
    token = page.locator("#new-token").inner_text()
    assert TOKEN.fullmatch(token), page.locator("#content").inner_text()
    return token


def client_writes_rounds(site: Site, token: str) -> None:
    """POST two rounds, PATCH the first one's amount in, DELETE the second."""
    new_round = {
        "startup": "moonshot",
        "announced_on": "2026-11",
        "round_label": "Series F (API)",
        "amount_currency": "USD",
        "source_urls": ["https://news.example.com/moonshot-series-f"],
        "participants": [{"investor": "alibaba", "is_lead": True}],
    }
    kept = site.api("POST", "/api/v1/rounds/", token, new_round)
    dropped = site.api(
        "POST", "/api/v1/rounds/", token, {**new_round, "round_label": "Series G (API)"}
    )
    patched = site.api("PATCH", f"/api/v1/rounds/{kept['id']}/", token, {"amount": "30000000"})
    assert patched["amount"] == "30000000.00"
    assert site.api("DELETE", f"/api/v1/rounds/{dropped['id']}/", token) is None


def capital_caption(page, site: Site) -> tuple[int, int]:
    page.goto(site.url + "/")
    found = CAPITAL_CAPTION.search(page.locator(".headline").inner_text())
    assert found, page.locator(".headline").inner_text()
    return int(found[1]), int(found[2])


def refreshed(site: Site, expected_deals: int) -> dict:
    """The 2026 figures of Alibaba once the refresh has applied every change."""
    latest: dict = {}

    def done() -> bool:
        nonlocal latest
        latest = site.get_json(STATS)
        return not latest["refresh_pending"] and latest["results"][0]["deals_total"] == (
            expected_deals
        )

    assert wait_for(done, REFRESH_SECONDS, every=0.5), latest
    return latest


def newcomer_session(page, site: Site, folder: Path) -> None:
    """Every write a newcomer makes, then the figures that must include each of them."""
    disclosed, rounds = capital_caption(page, site)
    deals = site.get_json(STATS)["results"][0]["deals_total"]

    sign_in(page, site)
    admin_adds_a_round_with_a_participant(page, site)
    admin_edits_a_startup(page, site)
    admin_uploads_an_import(page, site, folder)
    client_writes_rounds(site, admin_makes_a_token(page, site))

    # Three rounds of Alibaba's in 2026 (admin, upload, API), each disclosing an amount.
    figures = refreshed(site, deals + 3)
    assert figures["refresh_pending"] is False
    assert capital_caption(page, site) == (disclosed + 3, rounds + 3)
    served = site.log.read_text()
    assert "Traceback" not in served
    assert not re.search(r'" 5\d\d ', served), served


def stop(site: Site) -> None:
    site.server.stop()


def test_make_run_serves_every_write_of_a_newcomer(page, tmp_path):
    site = make_run(tmp_path)
    try:
        newcomer_session(page, site, tmp_path)
    finally:
        stop(site)

    # make run again on the same database keeps every edit: the sample is loaded only once.
    again = make_run(tmp_path)
    try:
        page.goto(again.url + "/startups/minimax/")
        assert "Shanghai (edited)" in page.locator("main").inner_text()
        assert "The database already holds" in again.log.read_text()
    finally:
        stop(again)


@pytest.mark.redis
@pytest.mark.worker
def test_make_run_with_redis_refreshes_through_a_real_worker(page, tmp_path, migrated_sqlite):
    migrated_sqlite(tmp_path / "db.sqlite3")  # make run still loads the sample into it
    redis = PrivateRedis()
    redis.start()
    try:
        site = make_run(tmp_path, {"REDIS_URL": redis.url})
        try:
            newcomer_session(page, site, tmp_path)
            assert "celery@" in site.log.read_text()
            assert "refresh_pending_task" in site.log.read_text()
        finally:
            stop(site)
    finally:
        redis.stop()
