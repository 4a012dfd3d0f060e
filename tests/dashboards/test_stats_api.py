"""The statistics endpoints: from the aggregates, in one envelope, bad input refused."""

import datetime as dt

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

pytestmark = pytest.mark.django_db


def get(client, path, **params):
    return client.get(f"/api/v1/stats/{path}/", params, HTTP_ACCEPT="application/json")


def test_ai_deal_share_per_year_with_its_coverage(client, sample):
    body = get(client, "ai-deal-share", investor="alibaba", period="year").json()
    assert body["refresh_pending"] is False
    assert dt.datetime.fromisoformat(body["computed_at"].replace("Z", "+00:00"))
    assert [
        (r["period_start"], r["deals_total"], r["deals_ai"], r["ai_share"]) for r in body["results"]
    ] == [
        ("2021-01-01", 1, 1, 1.0),
        ("2022-01-01", 3, 0, 0.0),
        ("2023-01-01", 3, 3, 1.0),
        ("2024-01-01", 5, 5, 1.0),
        # Three of 2025's rounds are robot makers' (embodied_ai): AI in the broad definition...
        ("2025-01-01", 7, 6, 0.857143),
        ("2026-01-01", 4, 4, 1.0),
    ]
    core = get(client, "ai-deal-share", investor="alibaba", ai="core").json()["results"]
    # ...not in the core one, nor is Zelos (autonomous driving, 2026).
    assert [(r["period_start"], r["deals_ai"]) for r in core if r["period_start"] >= "2025"] == [
        ("2025-01-01", 3),
        ("2026-01-01", 3),
    ]
    since = get(client, "ai-deal-share", investor="alibaba", since="2024-01-01").json()
    assert [r["period_start"] for r in since["results"]] == [
        "2024-01-01",
        "2025-01-01",
        "2026-01-01",
    ]


def test_compute_share_gives_whole_usd_and_the_credits_part(client, sample):
    rows = get(client, "compute-share", investor="alibaba", period="year").json()["results"]
    year_2024 = next(r for r in rows if r["period_start"] == "2024-01-01")
    # Moonshot's Series B (≈ $800M, ≥ $300M of it in credits) and the Horizon Robotics IPO
    # ($50M as a cornerstone, no credits): at least 300/850, as a sum of a bound and an
    # estimate is.
    assert year_2024["own_contribution_usd"] == 850_000_000
    assert year_2024["compute_credits_usd"] == 300_000_000
    assert year_2024["compute_credits_qualifier"] == "at_least"
    assert year_2024["compute_share"] == pytest.approx(300 / 850)
    assert year_2024["own_contribution_qualifier"] == "approx"
    assert year_2024["compute_share_qualifier"] == "at_least"


def test_unicorns_valuations_co_investments_and_reported_figures(client, sample):
    unicorns = get(client, "unicorns", period="year").json()["results"]
    # By hand from valuations.csv and rounds.csv: AI startups not listed by then whose latest
    # valuation by 2024-12-31 was at least $1B (list-based marks are lower bounds of $1B).
    assert next(u for u in unicorns if u["period_end"] == "2024-12-31")["startups"] == [
        "01ai",
        "baichuan",
        "cidi",
        "cloudminds",
        "deeproute_ai",
        "enflame",
        "geekplus",
        "haomo_ai",
        "keenon_robotics",
        "kunlunxin",
        "manycore",
        "megvii",
        "minimax",
        "mogo_auto",
        "momenta",
        "moonshot",
        "moore_threads",
        "quicktron",
        "stepfun",
        "unisound",
        "xag",
        "yitu",
        "zhipu",
    ]
    moonshot = get(client, "valuations", startup="moonshot").json()["results"]
    series_b = next(p for p in moonshot if p["round"] == "Series B")
    assert (series_b["valuation_usd"], series_b["qualifier"]) == (2_500_000_000, "exact")
    assert series_b["source_urls"]
    pairs = get(client, "co-investments", investor="tencent").json()["results"]
    # Tencent's most shared: eight startups with HongShan, then five with Alibaba (Baichuan,
    # MiniMax, Moonshot, Unitree, Zhipu).
    alibaba = next(p for p in pairs if "alibaba" in (p["investor_a"], p["investor_b"]))
    assert "hongshan" in (pairs[0]["investor_a"], pairs[0]["investor_b"])
    assert (pairs[0]["shared_startups"], alibaba["shared_startups"]) == (8, 5)
    reported = get(client, "reported-vs-computed", investor="alibaba").json()["results"]
    itjuzi = next(r for r in reported if r["metric"] == "share_of_china_deals_in_ai_startups")
    assert (itjuzi["reported_value"], itjuzi["unit"]) == (40.0, "percent")
    # By hand, 2023-01-01 to 2024-08-21: 3 rounds in 2023 and 4 in 2024, all in AI startups;
    # ITJuzi counted every deal, so the tracked share (100%) is shown beside its coverage.
    assert (itjuzi["deals_tracked"], itjuzi["deals_ai"]) == (7, 7)
    assert itjuzi["computed_value"] == 100.0


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("ai-deal-share", {}, 400, "investor"),
        ("ai-deal-share", {"investor": "alibaba", "period": "month"}, 400, "period"),
        ("ai-deal-share", {"investor": "alibaba", "since": "2024-13-01"}, 400, "since"),
        ("ai-deal-share", {"investor": "nobody"}, 404, None),
        ("valuations", {"startup": "nobody"}, 404, None),
        ("valuations", {}, 400, "startup"),
    ],
)
def test_bad_queries_are_refused_with_a_message_per_field(client, path, params, status, field):
    response = get(client, path, **params)
    assert response.status_code == status
    if field:
        assert field in response.json()


def test_a_cache_outage_falls_back_to_the_aggregate_tables(client, sample, monkeypatch):
    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr("dashboards.selectors.cache.get", down)
    monkeypatch.setattr("dashboards.selectors.cache.set", down)
    response = get(client, "unicorns", period="quarter")
    assert response.status_code == 200
    assert response.json()["results"]
