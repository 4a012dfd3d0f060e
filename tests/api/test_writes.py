"""Writes in the import format's names, through the services: USD at the deal's month, partial
dates, participants, sources; bad input refused field by field; protected deletes refused."""

import datetime as dt
from decimal import Decimal

import pytest

from deals.models import FundingRound, Participation
from startups.models import PendingRefresh
from tests.factories import (
    FundingRoundFactory,
    FxRateFactory,
    InvestorFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db
SOURCE = "https://news.example.com/zhipu-series-b"


@pytest.fixture
def zhipu():
    return StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")


@pytest.fixture
def investors():
    return InvestorFactory(slug="alibaba", name_en="Alibaba"), InvestorFactory(slug="meituan")


def a_round(**changes):
    return {
        "startup": "zhipu",
        "announced_on": "2024-Q2",
        "round_label": "Series B",
        "amount": "710000000",
        "amount_currency": "CNY",
        "amount_qualifier": "approx",
        "post_money_valuation": "3000000000",
        "valuation_currency": "USD",
        "valuation_qualifier": "at_least",
        "compute_credit_amount": "71000000",
        "compute_credit_currency": "CNY",
        "compute_credit_qualifier": "at_least",
        "confidence": "confirmed",
        "notes": "Two outlets.",
        "source_urls": [SOURCE, "https://news.example.com/other"],
        "participants": [
            {
                "investor": "alibaba",
                "is_lead": True,
                "amount": "355000000",
                "amount_currency": "CNY",
                "stake_percent": "5.5",
            },
            {"investor": "meituan"},
        ],
        **changes,
    }


def test_a_round_written_with_import_names_reads_back_with_usd_and_the_rate(
    writer, zhipu, investors
):
    FxRateFactory(month=dt.date(2024, 3, 1), currency="CNY", units_per_usd=Decimal("7.1"))
    FxRateFactory(month=dt.date(2024, 4, 1), currency="CNY", units_per_usd=Decimal("7.2"))

    response = writer.post("/api/v1/rounds/", a_round())

    assert response.status_code == 201, response.json()
    body = response.json()
    # 2024-Q2 is stored as 2024-04-01, so April's rate converts it.
    assert (body["announced_on"], body["date_precision"]) == ("2024-04-01", "quarter")
    assert (body["amount"], body["amount_currency"], body["amount_qualifier"]) == (
        "710000000.00",
        "CNY",
        "approx",
    )
    assert (body["amount_usd"], body["fx_rate"]) == ("98611111.11", "7.20000000")
    assert (body["post_money_valuation_usd"], body["valuation_fx_rate"]) == (
        "3000000000.00",
        "1.00000000",
    )
    assert body["compute_credit_amount_usd"] == "9861111.11"
    assert body["source_urls"] == ["https://news.example.com/other", SOURCE]
    assert body["startup_name"] == "Zhipu AI" and body["is_ai"] is True
    lead, other = body["participants"]
    assert lead == {
        "investor": "alibaba",
        "investor_name": "Alibaba",
        "is_lead": True,
        "amount": "355000000.00",
        "amount_currency": "CNY",
        "amount_qualifier": "exact",
        "amount_usd": "49305555.56",
        "stake_percent": "5.5000",
        "stake_qualifier": "exact",
        "compute_credit_amount": None,
        "compute_credit_currency": "",
        "compute_credit_qualifier": "exact",
        "compute_credit_amount_usd": None,
        # A participant written without sources of its own has no claims.
        "claims": [],
        "disputed": [],
    }
    assert (other["investor"], other["is_lead"], other["amount"]) == ("meituan", False, None)
    # The service wrote the outbox row that refreshes the aggregates.
    assert PendingRefresh.objects.exists()


def test_without_a_rate_the_usd_figure_is_unknown_not_zero(writer, zhipu, investors):
    body = writer.post("/api/v1/rounds/", a_round(participants=[])).json()

    assert (body["amount_usd"], body["fx_rate"]) == (None, None)


def test_updating_a_round_replaces_its_participants_and_reprices_at_the_new_date(
    writer, zhipu, investors
):
    FxRateFactory(month=dt.date(2024, 4, 1), currency="CNY", units_per_usd=Decimal("8"))
    FxRateFactory(month=dt.date(2025, 1, 1), currency="CNY", units_per_usd=Decimal("5"))
    created = writer.post("/api/v1/rounds/", a_round()).json()
    InvestorFactory(slug="tencent")

    response = writer.patch(
        f"/api/v1/rounds/{created['id']}/",
        {"announced_on": "2025", "participants": [{"investor": "tencent", "is_lead": True}]},
    )

    body = response.json()
    assert response.status_code == 200, body
    assert (body["announced_on"], body["date_precision"]) == ("2025-01-01", "year")
    assert body["amount_usd"] == "142000000.00"
    assert [p["investor"] for p in body["participants"]] == ["tencent"]
    assert Participation.objects.filter(round_id=created["id"]).count() == 1


def test_changing_only_the_precision_keeps_the_stored_day(writer):
    funding_round = FundingRoundFactory(announced_on=dt.date(2024, 6, 30), date_precision="day")

    body = writer.patch(f"/api/v1/rounds/{funding_round.pk}/", {"date_precision": "quarter"}).json()

    assert (body["announced_on"], body["date_precision"]) == ("2024-06-30", "quarter")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "must not be negative"),
        ({"amount_currency": "XYZ"}, "amount_currency", "is not a valid choice"),
        ({"announced_on": "2024-13"}, "announced_on", "has no month 13"),
        ({"announced_on": "someday"}, "announced_on", "must be a date as"),
        ({"announced_on": "2024", "date_precision": "day"}, "date_precision", "cannot have day"),
        ({"startup": "nobody"}, "startup", "names no known record"),
        ({"source_urls": []}, "source_urls", "every figure needs at least one source"),
        ({"source_urls": ["ftp://example.com/x"]}, "source_urls", "must start with http://"),
        ({"compute_credit_amount": "800000000"}, "compute_credit_amount", "must not exceed"),
        ({"amount_qualifier": "roughly"}, "amount_qualifier", "is not a valid choice"),
        ({"confidence": "sure"}, "confidence", "is not a valid choice"),
    ],
)
def test_bad_rounds_are_refused_with_a_message_on_the_field(
    writer, zhipu, investors, changes, field, message
):
    response = writer.post("/api/v1/rounds/", a_round(**changes))

    assert response.status_code == 400
    assert message in str(response.json()[field]), response.json()
    assert not FundingRound.objects.exists()


def test_a_round_needs_a_source(writer, zhipu):
    payload = a_round(participants=[])
    del payload["source_urls"]

    response = writer.post("/api/v1/rounds/", payload)

    assert response.status_code == 400
    assert response.json() == {
        "source_urls": ["is required: every figure needs at least one source"]
    }


def test_a_bad_participant_is_named_by_its_position(writer, zhipu, investors):
    participants = [
        {"investor": "alibaba"},
        {"investor": "meituan", "stake_percent": "120"},
        {"investor": "nobody"},
    ]

    response = writer.post("/api/v1/rounds/", a_round(participants=participants))

    errors = response.json()["participants"]
    assert response.status_code == 400
    assert errors[0] == {}
    assert "between 0 and 100" in errors[1]["stake_percent"][0]
    assert "names no known record" in errors[2]["investor"][0]


def test_the_same_investor_twice_is_refused(writer, zhipu, investors):
    participants = [{"investor": "alibaba"}, {"investor": "alibaba", "is_lead": True}]

    response = writer.post("/api/v1/rounds/", a_round(participants=participants))

    assert response.status_code == 400
    assert "twice" in response.json()["participants"][0]


def test_a_duplicate_round_is_refused_by_the_model_rules(writer, zhipu, investors):
    assert writer.post("/api/v1/rounds/", a_round()).status_code == 201

    response = writer.post("/api/v1/rounds/", a_round())

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This startup already has this round on this date."]
    }


def test_deleting_a_startup_with_rounds_is_refused_with_a_reason(writer):
    funding_round = FundingRoundFactory()

    response = writer.delete(f"/api/v1/startups/{funding_round.startup.slug}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot delete: 1 funding round refer to it. Delete or move those first."
    }
    assert FundingRound.objects.filter(pk=funding_round.pk).exists()


def test_deleting_an_investor_with_affiliates_or_stakes_is_refused(writer):
    parent = InvestorFactory(slug="alibaba")
    InvestorFactory(slug="alibaba-cloud", parent=parent)
    stake = ParticipationFactory()

    assert writer.delete("/api/v1/investors/alibaba/").status_code == 409
    assert writer.delete(f"/api/v1/investors/{stake.investor.slug}/").status_code == 409


def test_deleting_a_source_an_fx_rate_rests_on_is_refused(writer):
    source = SourceFactory()
    FxRateFactory(source=source)

    response = writer.delete(f"/api/v1/sources/{source.pk}/")

    assert response.status_code == 409
    assert "FX rate" in response.json()["detail"]


def test_an_unknown_slug_or_id_is_a_404(anonymous, writer):
    assert anonymous.get("/api/v1/startups/nobody/").status_code == 404
    assert anonymous.get("/api/v1/investors/nobody/").status_code == 404
    assert anonymous.get("/api/v1/rounds/999999/").status_code == 404
    assert writer.patch("/api/v1/startups/nobody/", {"city": "X"}).status_code == 404
    assert writer.delete("/api/v1/rounds/999999/").status_code == 404


def test_a_startup_in_import_names_with_tags_aliases_and_a_partial_founding_date(writer):
    response = writer.post(
        "/api/v1/startups/",
        {
            "slug": "moonshot",
            "name_en": "Moonshot AI",
            "name_zh": "月之暗面",
            "aliases": ["Kimi", "北京月之暗面科技"],
            "founded": "2023-03",
            "products": "Kimi chatbot",
            "tags": ["little-ai-dragons"],
            "status": "private",
            "source_urls": [SOURCE],
        },
    )

    body = response.json()
    assert response.status_code == 201, body
    assert (body["founded"], body["founded_precision"]) == ("2023-03-01", "month")
    assert body["aliases"] == ["Kimi", "北京月之暗面科技"]
    assert body["tags"] == ["little-ai-dragons"]
    assert body["products"] == "Kimi chatbot"
    assert (body["latest_valuation_usd"], body["latest_valuation_on"]) == (None, None)


def test_a_public_startup_needs_an_ipo_date(writer):
    response = writer.post(
        "/api/v1/startups/", {"slug": "zhipu", "name_en": "Zhipu", "status": "public"}
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["A public company needs its IPO date."]}


def test_an_investor_cannot_become_its_own_ancestor(writer):
    alibaba = InvestorFactory(slug="alibaba")
    InvestorFactory(slug="alibaba-cloud", parent=alibaba)

    response = writer.patch("/api/v1/investors/alibaba/", {"parent": "alibaba-cloud"})

    assert response.status_code == 400
    assert "cycle" in response.json()["parent"][0]


def test_an_affiliate_written_through_the_api_counts_for_its_parent(writer, anonymous):
    InvestorFactory(slug="alibaba")
    writer.post(
        "/api/v1/investors/", {"slug": "cloud", "name_en": "Alibaba Cloud", "parent": "alibaba"}
    )
    funding_round = FundingRoundFactory()
    writer.post(
        "/api/v1/participations/", {"round": funding_round.pk, "investor": "cloud", "is_lead": True}
    )

    rounds = anonymous.get("/api/v1/rounds/", {"investor": "alibaba"}).json()["results"]

    assert [r["id"] for r in rounds] == [funding_round.pk]


def test_a_metric_period_given_by_years_spans_them(writer):
    InvestorFactory(slug="alibaba")
    response = writer.post(
        "/api/v1/reported-metrics/",
        {
            "metric": "share_of_china_deals_in_ai_startups",
            "subject": "Alibaba",
            "investor": "alibaba",
            "period_start": "2023",
            "period_end": "2024-Q3",
            "value": "40",
            "value_qualifier": "approx",
            "unit": "percent",
            "source_urls": [SOURCE],
        },
    )

    body = response.json()
    assert response.status_code == 201, body
    assert (body["period_start"], body["period_end"]) == ("2023-01-01", "2024-09-30")


def test_a_compute_deal_of_a_tracked_startup_is_bought_by_it(writer, zhipu):
    InvestorFactory(slug="alibaba-cloud")

    body = writer.post(
        "/api/v1/compute-deals/",
        {
            "startup": "zhipu",
            "kind": "cloud_credits",
            "provider_slug": "alibaba-cloud",
            "announced_on": "2024-05",
            "source_urls": [SOURCE],
        },
    ).json()

    assert (body["buyer"], body["provider_slug"], body["chip"]) == ("zhipu", "alibaba-cloud", "")


def test_a_compute_deal_without_a_startup_needs_a_buyer(writer):
    response = writer.post(
        "/api/v1/compute-deals/",
        {"kind": "chip_purchase", "announced_on": "2024", "source_urls": [SOURCE]},
    )

    assert response.status_code == 400
    assert response.json() == {"buyer": ["is required when there is no startup"]}


def test_a_new_fx_rate_reprices_the_figures_in_its_currency(writer):
    funding_round = FundingRoundFactory(
        amount=Decimal("700000000"), amount_currency="CNY", announced_on=dt.date(2024, 6, 15)
    )
    assert funding_round.amount_usd is None

    response = writer.post(
        "/api/v1/fx-rates/",
        {"month": "2024-06", "currency": "CNY", "units_per_usd": "7", "source_url": SOURCE},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["source_url"] == SOURCE
    funding_round.refresh_from_db()
    assert funding_round.amount_usd == Decimal("100000000.00")
    rate = response.json()["id"]
    assert writer.patch(f"/api/v1/fx-rates/{rate}/", {"currency": "HKD"}).status_code == 200
    funding_round.refresh_from_db()
    assert funding_round.amount_usd is None


def test_a_month_before_the_year_1000_reads_back_as_written(writer):
    # strftime("%Y") on glibc writes 995, not 0995: found by schemathesis.
    payload = {"month": "0995-10", "currency": "CNY", "units_per_usd": "7", "source_url": SOURCE}

    response = writer.post("/api/v1/fx-rates/", payload)

    assert response.status_code == 201, response.json()
    assert response.json()["month"] == "0995-10"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"month": "2024-6", "currency": "CNY", "units_per_usd": "7"}, "month"),
        ({"month": "2024-06", "currency": "CNY", "units_per_usd": "0"}, "units_per_usd"),
        ({"month": "2024-06", "currency": "cny", "units_per_usd": "7"}, "currency"),
    ],
)
def test_bad_fx_rates_are_refused(writer, payload, field):
    response = writer.post("/api/v1/fx-rates/", payload)

    assert response.status_code == 400
    assert field in response.json()


def test_a_put_replaces_the_record(writer, zhipu):
    funding_round = FundingRoundFactory(startup=zhipu)
    payload = a_round(participants=[], amount="5", amount_currency="USD")

    response = writer.put(f"/api/v1/rounds/{funding_round.pk}/", payload)

    assert response.status_code == 200, response.json()
    assert response.json()["amount_usd"] == "5.00"


def test_a_round_delete_takes_its_participants_with_it(writer):
    stake = ParticipationFactory()

    assert writer.delete(f"/api/v1/rounds/{stake.round_id}/").status_code == 204

    assert not Participation.objects.filter(pk=stake.pk).exists()


def test_a_metric_can_be_renamed(writer):
    metric = ReportedMetricFactory(metric="deals")

    response = writer.patch(f"/api/v1/reported-metrics/{metric.pk}/", {"metric": "ai_deals"})

    assert response.status_code == 200
    assert response.json()["metric"] == "ai_deals"


def test_a_metric_period_must_be_in_order(writer):
    metric = ReportedMetricFactory()

    response = writer.patch(
        f"/api/v1/reported-metrics/{metric.pk}/", {"period_start": "2025", "period_end": "2024"}
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The period must start before it ends."]}
