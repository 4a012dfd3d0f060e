"""Measurements taken inside Django, against the database DATABASE_URL names; each prints one
JSON object. The driver (benchmarks.run) runs them in subprocesses, one database each.

    python -m benchmarks.probes floor|incremental|pages|alerts
"""

import json
import os
import statistics
import sys
import time
from urllib.parse import urlencode

# The scale's (benchmarks.run sets it); 15 when a probe is run by hand.
PAGE_REPEATS = int(os.environ.get("BENCH_PAGE_REPEATS", "15"))


def floor() -> dict:
    from . import floor_sql

    parts = floor_sql.run()
    return {"seconds": sum(parts.values()), "parts": parts}


def round_like(model, label: str):
    """A new round like `model`: its startup, date, amount, a source and its participants."""
    from deals.models import Participation
    from deals.services import funding_round_create

    participants = [
        {"investor_id": p.investor_id, "is_lead": p.is_lead}
        for p in Participation.objects.filter(round=model)
    ]
    return funding_round_create(
        startup_id=model.startup_id,
        announced_on=model.announced_on,
        round_label=label,
        amount=model.amount,
        amount_currency=model.amount_currency,
        source_urls=[model.sources.first().url],
        participants=participants,
    )


def incremental() -> dict:
    """One new round, like a typical one (the participants of an existing round picked at a
    fixed place), then the refresh of what it touched; deleting it again is a second sample."""
    from django.db import transaction

    from dashboards.refresh import refresh_pending
    from deals.models import FundingRound
    from startups.changes import data_changed
    from startups.services import record_delete

    # The benchmark applies the outbox itself, at a moment it times; alerts are another bench.
    data_changed.disconnect(dispatch_uid="dashboards.queue_refresh")
    data_changed.disconnect(dispatch_uid="dashboards.queue_alert_matching")
    while refresh_pending() is not None:
        pass
    model = FundingRound.objects.order_by("id")[FundingRound.objects.count() // 2]
    with transaction.atomic():
        new = round_like(model, "Benchmark round")
    participants = new.participations.count()
    started = time.perf_counter()
    refresh_pending()
    after_create = time.perf_counter() - started
    record_delete(new)
    started = time.perf_counter()
    refresh_pending()
    after_delete = time.perf_counter() - started
    return {
        "seconds": after_create,
        "after_delete": after_delete,
        "participants": participants,
    }


def _server_time(client, url: str) -> float:
    return statistics.median(_server_times(client, url))


def _server_times(client, url: str) -> list[float]:
    for _ in range(2):
        client.get(url)
    samples = []
    for _ in range(PAGE_REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def pages() -> dict:
    """Median server time of the overview page, the ai-deal-share endpoint (for the
    investor with the most deals in a quarter, by quarter) and a search by a startup's name,
    with the cache off, so that the figure is the aggregate tables' work, not a cache hit."""
    from django.test import Client, override_settings

    from dashboards.models import InvestorPeriodStat
    from startups.models import Startup

    busiest = InvestorPeriodStat.objects.order_by("-deals_total").values_list(
        "investor__slug", flat=True
    )[0]
    # A company searched for by the word of its name that is its own, as one types a real
    # name ("moonshot"): the newest startup's number ("Synthetic Startup 196" at 1k rounds:
    # "196"; an older one's number begins newer ones' names). "Synthetic" and "Startup" are
    # in every synthetic name, as no word is in every real one (docs/benchmarks.md).
    newest = Startup.objects.order_by("-pk").values_list("name_en", flat=True)[0].split()[-1]

    dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    with override_settings(CACHES={"default": dummy, "local": dummy}):
        client = Client()
        return {
            "overview": _server_time(client, "/"),
            "stats": _server_time(
                client, f"/api/v1/stats/ai-deal-share/?investor={busiest}&period=quarter"
            ),
            "search": _server_time(client, "/api/v1/search/?" + urlencode({"q": newest})),
        }


def changes() -> dict:
    """Server time of one page of the change feed (100 rows) read from a cursor in the middle
    of the feed, as a client polling it holds one: the median, and the fastest read."""
    from base64 import b64encode

    from django.test import Client

    from startups.change_models import Change

    middle = Change.objects.order_by("txid", "id")[Change.objects.count() // 2]
    cursor = json.dumps([False, str(middle.txid), middle.pk]).encode()
    url = "/api/v1/changes/?" + urlencode({"cursor": b64encode(cursor).decode(), "page_size": 100})
    client = Client()
    read = len(client.get(url).json()["results"])
    assert read == 100, f"a page of the feed read {read} rows, not 100"
    samples = _server_times(client, url)
    return {"page": statistics.median(samples), "fastest": min(samples)}


def alerts() -> dict:
    from . import alerts_fanout

    return alerts_fanout.run()


PROBES = {
    "floor": floor,
    "incremental": incremental,
    "pages": pages,
    "changes": changes,
    "alerts": alerts,
}


def main() -> None:
    import django

    django.setup()
    print(json.dumps(PROBES[sys.argv[1]]()))


if __name__ == "__main__":
    main()
