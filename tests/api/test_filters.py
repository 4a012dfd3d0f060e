"""Each list filter, named after what it filters, on a small world built by hand."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from deals import services
from tests.factories import (
    ComputeDealFactory,
    FundingRoundFactory,
    FxRateFactory,
    InvestorFactory,
    ModelProductFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
    TagFactory,
    ValuationMarkFactory,
)

pytestmark = pytest.mark.django_db


def ids(caller, path, **params):
    response = caller.get(f"/api/v1/{path}/", params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def slugs(caller, path, **params):
    response = caller.get(f"/api/v1/{path}/", params)
    assert response.status_code == 200, response.json()
    return sorted(row["slug"] for row in response.json()["results"])


@pytest.fixture
def world():
    """Alibaba with an affiliate; Zhipu (AI, Beijing, dragon) and a robot maker (Shenzhen)."""
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba", name_zh="阿里巴巴")
    cloud = services.investor_create(slug="alibaba-cloud", name_en="Alibaba Cloud", parent=alibaba)
    tencent = services.investor_create(slug="tencent", name_en="Tencent")
    zhipu = StartupFactory(
        slug="zhipu",
        name_en="Zhipu AI",
        name_zh="智谱",
        aliases="GLM; 北京智谱华章",
        city="Beijing",
    )
    zhipu.tags.add(TagFactory(slug="little-ai-dragons"))
    robots = StartupFactory(
        slug="unitree", name_en="Unitree", name_zh="宇树", city="Shenzhen", is_ai=False
    )
    listed = StartupFactory(
        slug="listed",
        name_en="Listed",
        city="beijing",
        status="public",
        ipo_date=dt.date(2025, 1, 1),
    )
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7"))
    r1 = services.funding_round_create(
        startup=zhipu,
        announced_on=dt.date(2024, 4, 1),
        date_precision="quarter",
        round_label="Series B",
        amount=Decimal("700000000"),
        amount_currency="CNY",
        post_money_valuation=Decimal("14000000000"),
        valuation_currency="CNY",
        confidence="confirmed",
        participants=[{"investor": cloud, "is_lead": True}, {"investor": tencent}],
    )
    r2 = services.funding_round_create(
        startup=robots,
        announced_on=dt.date(2024, 12, 31),
        round_label="Series C",
        amount=Decimal("300000000"),
        amount_currency="USD",
        confidence="reported",
        participants=[{"investor": alibaba}, {"investor": tencent, "is_lead": True}],
    )
    r3 = services.funding_round_create(
        startup=listed,
        announced_on=dt.date(2025, 1, 1),
        round_label="series b",
        confidence="estimate",
        participants=[{"investor": tencent}],
    )
    ValuationMarkFactory(startup=robots, valued_on=dt.date(2025, 6, 1), value=Decimal("3e9"))
    services.usd_recompute()  # factories write raw rows: derive their USD figures
    return {"rounds": (r1, r2, r3), "alibaba": alibaba, "cloud": cloud, "tencent": tencent}


def test_startups_by_city_ai_status_and_tag(anonymous, world):
    assert slugs(anonymous, "startups", city="BEIJING") == ["listed", "zhipu"]
    assert slugs(anonymous, "startups", is_ai="false") == ["unitree"]
    assert slugs(anonymous, "startups", status="public") == ["listed"]
    assert slugs(anonymous, "startups", tag="little-ai-dragons") == ["zhipu"]


def test_startups_by_investor_count_deals_of_its_affiliates(anonymous, world):
    # Alibaba joined Unitree itself and Zhipu only through Alibaba Cloud.
    assert slugs(anonymous, "startups", investor="alibaba") == ["unitree", "zhipu"]
    assert slugs(anonymous, "startups", investor="alibaba-cloud") == ["zhipu"]
    assert slugs(anonymous, "startups", investor="tencent") == ["listed", "unitree", "zhipu"]


def test_startups_by_latest_valuation_in_usd(anonymous, world):
    # Zhipu: 14bn CNY at 7 = $2bn (a round); Unitree: $3bn (a mark); Listed: none.
    zhipu = anonymous.get("/api/v1/startups/zhipu/").json()
    assert (zhipu["latest_valuation_usd"], zhipu["latest_valuation_on"]) == (
        "2000000000.00",
        "2024-04-01",
    )
    assert slugs(anonymous, "startups", min_valuation_usd=2_000_000_000) == ["unitree", "zhipu"]
    assert slugs(anonymous, "startups", min_valuation_usd=2_500_000_000) == ["unitree"]
    assert slugs(anonymous, "startups", max_valuation_usd=2_000_000_000) == ["zhipu"]


def test_the_latest_valuation_carries_its_bound_in_json_and_csv(anonymous):
    # Over $2bn at a round, then about $3bn at a later mark; up to $1bn; never valued.
    marked, capped, _ = (StartupFactory(slug=s) for s in ("marked", "capped", "unvalued"))
    FundingRoundFactory(
        startup=marked,
        announced_on=dt.date(2024, 1, 1),
        post_money_valuation=Decimal("2e9"),
        valuation_currency="USD",
        valuation_qualifier="at_least",
    )
    ValuationMarkFactory(
        startup=marked,
        valued_on=dt.date(2024, 6, 1),
        value=Decimal("3e9"),
        value_qualifier="approx",
    )
    FundingRoundFactory(
        startup=capped,
        post_money_valuation=Decimal("1e9"),
        valuation_currency="USD",
        valuation_qualifier="at_most",
    )
    services.usd_recompute()

    listed = anonymous.get("/api/v1/startups/", {"ordering": "slug"}).json()["results"]
    as_csv = anonymous.get("/api/v1/startups/", {"ordering": "slug", "format": "csv"})

    expected = [
        ("capped", "1000000000.00", "at_most"),
        ("marked", "3000000000.00", "approx"),
        ("unvalued", None, None),
    ]
    figures = ("slug", "latest_valuation_usd", "latest_valuation_qualifier")
    assert [tuple(row[name] for name in figures) for row in listed] == expected
    rows = csv.DictReader(io.StringIO(as_csv.getvalue().decode()))
    assert [tuple(row[name] for name in figures) for row in rows] == [
        tuple(value or "" for value in row) for row in expected
    ]
    assert anonymous.get("/api/v1/startups/marked/").json()["latest_valuation_qualifier"] == (
        "approx"
    )


def test_on_the_same_day_a_round_valuation_wins_over_a_mark(anonymous):
    startup = StartupFactory(slug="s")
    ValuationMarkFactory(startup=startup, valued_on=dt.date(2024, 1, 1), value=Decimal("5e9"))
    FundingRoundFactory(
        startup=startup,
        announced_on=dt.date(2024, 1, 1),
        post_money_valuation=Decimal("4e9"),
        valuation_currency="USD",
    )
    FundingRoundFactory(startup=startup, announced_on=dt.date(2024, 2, 1), amount=None)
    services.usd_recompute()

    body = anonymous.get("/api/v1/startups/s/").json()
    assert body["latest_valuation_usd"] == "4000000000.00"


def test_startups_searched_by_english_chinese_names_and_aliases(anonymous, world):
    assert slugs(anonymous, "startups", search="zhipu") == ["zhipu"]
    assert slugs(anonymous, "startups", search="智谱") == ["zhipu"]
    assert slugs(anonymous, "startups", search="华章") == ["zhipu"]
    assert slugs(anonymous, "startups", search="宇树") == ["unitree"]
    assert slugs(anonymous, "investors", search="阿里") == ["alibaba"]


def test_rounds_by_startup_investor_with_affiliates_and_lead(anonymous, world):
    r1, r2, _ = (r.pk for r in world["rounds"])
    assert ids(anonymous, "rounds", startup="zhipu") == [r1]
    assert sorted(ids(anonymous, "rounds", investor="alibaba")) == [r1, r2]
    assert ids(anonymous, "rounds", investor="alibaba-cloud") == [r1]
    # Alibaba led Zhipu's round only through Alibaba Cloud.
    assert ids(anonymous, "rounds", lead_investor="alibaba") == [r1]
    assert ids(anonymous, "rounds", lead_investor="tencent") == [r2]


def test_rounds_by_several_investors_any_of_them_or_all(anonymous, world):
    r1, r2, r3 = (r.pk for r in world["rounds"])
    # Alibaba joined Zhipu's round through Alibaba Cloud; Tencent joined all three.
    both = {"investor": ["alibaba", "tencent"]}

    assert sorted(ids(anonymous, "rounds", **both)) == [r1, r2, r3]
    assert sorted(ids(anonymous, "rounds", **both, match="any")) == [r1, r2, r3]
    assert sorted(ids(anonymous, "rounds", **both, match="all")) == [r1, r2]
    assert ids(anonymous, "rounds", investor=["alibaba-cloud", "tencent"], match="all") == [r1]
    assert ids(anonymous, "rounds", investor="alibaba", match="all") == sorted([r1, r2])[::-1]


def test_a_bad_match_or_too_many_investors_is_a_400_naming_it(anonymous, world):
    bad_match = anonymous.get("/api/v1/rounds/", {"investor": "alibaba", "match": "most"})
    unknown = anonymous.get("/api/v1/rounds/", {"investor": ["alibaba", "nobody"]})
    many = anonymous.get("/api/v1/rounds/", {"investor": [f"i{n}" for n in range(21)]})

    assert bad_match.status_code == unknown.status_code == many.status_code == 400
    assert bad_match.json() == {
        "match": ["Select a valid choice. most is not one of the available choices."]
    }
    assert unknown.json() == {
        "investor": ["Select a valid choice. nobody is not one of the available choices."]
    }
    assert many.json() == {"investor": ["name at most 20 (got 21)"]}


def test_rounds_by_label_dates_amounts_currency_confidence_and_ai(anonymous, world):
    r1, r2, r3 = (r.pk for r in world["rounds"])
    assert sorted(ids(anonymous, "rounds", round_label="Series B")) == [r1, r3]
    # Partial dates as bounds: the whole of 2024, its second half, the day 2025-01-01.
    assert sorted(ids(anonymous, "rounds", announced_after="2024", announced_before="2024")) == [
        r1,
        r2,
    ]
    assert ids(anonymous, "rounds", announced_after="2024-Q3", announced_before="2024-12") == [r2]
    assert ids(anonymous, "rounds", announced_after="2025-01-01") == [r3]
    # 700M CNY at 7 is $100M.
    assert ids(anonymous, "rounds", min_amount_usd=100_000_000, max_amount_usd=100_000_000) == [r1]
    assert ids(anonymous, "rounds", min_amount_usd=200_000_000) == [r2]
    assert ids(anonymous, "rounds", currency="CNY") == [r1]
    assert ids(anonymous, "rounds", confidence="estimate") == [r3]
    assert ids(anonymous, "rounds", is_ai="false") == [r2]
    assert ids(anonymous, "rounds", search="智谱") == [r1]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("rounds", {"investor": "nobody"}, "investor"),
        ("rounds", {"announced_after": "2024-Q5"}, "announced_after"),
        ("rounds", {"min_amount_usd": "lots"}, "min_amount_usd"),
        ("rounds", {"currency": "XYZ"}, "currency"),
        ("startups", {"status": "bankrupt"}, "status"),
        ("startups", {"updated_since": "yesterday"}, "updated_since"),
        ("startups", {"cursor": "not-a-cursor"}, "cursor"),
        ("startups", {"tag": "nothing"}, "tag"),
    ],
)
def test_bad_filters_are_refused_with_a_message_on_the_parameter(anonymous, path, params, field):
    response = anonymous.get(f"/api/v1/{path}/", params)

    assert response.status_code == 400
    assert field in response.json()


def test_every_list_syncs_what_changed_since_a_moment(anonymous, world):
    factories = {
        "startups": StartupFactory,
        "investors": InvestorFactory,
        "rounds": FundingRoundFactory,
        "participations": ParticipationFactory,
        "valuation-marks": ValuationMarkFactory,
        "products": ModelProductFactory,
        "compute-deals": ComputeDealFactory,
        "sources": SourceFactory,
        "fx-rates": lambda: FxRateFactory(month=dt.date(2020, 1, 1)),
        "reported-metrics": ReportedMetricFactory,
    }
    from django.utils import timezone

    moment = timezone.now()
    fresh = {path: make() for path, make in factories.items()}

    for path, record in fresh.items():
        since = moment.isoformat().replace("+00:00", "Z")
        assert record.pk in ids(anonymous, path, updated_since=since), path
        later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
        assert ids(anonymous, path, updated_since=later) == [], path


def test_other_resources_filter_by_their_subject(anonymous, world):
    r1 = world["rounds"][0]
    assert len(ids(anonymous, "participations", startup="zhipu")) == 2
    assert len(ids(anonymous, "participations", investor="alibaba")) == 2
    assert len(ids(anonymous, "participations", round=r1.pk, is_lead="true")) == 1
    assert len(ids(anonymous, "valuation-marks", startup="unitree")) == 1
    assert ids(anonymous, "investors", parent="alibaba") == [world["cloud"].pk]
    product = ModelProductFactory(startup=r1.startup, kind="app")
    assert ids(anonymous, "products", startup="zhipu", kind="app") == [product.pk]
    deal = ComputeDealFactory(startup=None, buyer="Shanghai", provider_investor=world["cloud"])
    assert ids(anonymous, "compute-deals", provider_slug="alibaba-cloud") == [deal.pk]
    metric = ReportedMetricFactory(investor=world["alibaba"])
    assert ids(anonymous, "reported-metrics", investor="alibaba") == [metric.pk]
    assert len(ids(anonymous, "fx-rates", currency="CNY")) == 1


def test_ordering_by_a_field_either_way(anonymous, world):
    r1, r2, r3 = (r.pk for r in world["rounds"])
    assert ids(anonymous, "rounds") == [r3, r2, r1]
    assert ids(anonymous, "rounds", ordering="announced_on") == [r1, r2, r3]
    assert slugs(anonymous, "startups", ordering="-name_en") == ["listed", "unitree", "zhipu"]
    names = [
        row["name_en"]
        for row in anonymous.get("/api/v1/startups/", {"ordering": "-name_en"}).json()["results"]
    ]
    assert names == ["Zhipu AI", "Unitree", "Listed"]


def test_a_list_naming_no_filter_builds_no_filterset(anonymous, world, monkeypatch):
    from deals.api.filters import FundingRoundFilter

    built = []
    original = FundingRoundFilter.__init__
    monkeypatch.setattr(
        FundingRoundFilter,
        "__init__",
        lambda self, *a, **k: built.append(1) or original(self, *a, **k),
    )

    everything = ids(anonymous, "rounds", page_size=50, ordering="id")
    assert built == []
    assert ids(anonymous, "rounds", page_size=50, ordering="id", currency="") == everything
    assert anonymous.get("/api/v1/rounds/", {"currency": "XXX"}).status_code == 400
    assert len(built) == 2
