"""Admin data entry for investors, rounds, stakes, valuations, compute deals, metrics and FX:
every page answers in a bounded number of queries, money is saved through the services with
its USD value, and bad input is refused in words on the field it concerns."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib import admin

from deals.models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    InvestorAncestry,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from startups.models import Startup
from tests.factories import (
    ComputeDealFactory,
    FundingRoundFactory,
    FxRateFactory,
    InvestorFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
    ValuationMarkFactory,
)
from tests.startups.test_admin import (
    admin_form_data,
    admin_url,
    check_admin_pages,
    fields_left_off_the_form,
    form_errors,
)

pytestmark = pytest.mark.django_db


def make_round(i: int) -> FundingRound:
    funding_round = FundingRoundFactory(
        announced_on=dt.date(2023 + i % 2, 1 + i % 12, 1),
        post_money_valuation=Decimal(10**9),
        valuation_currency="USD",
    )
    funding_round.sources.add(SourceFactory())
    ParticipationFactory(round=funding_round, is_lead=True)
    ParticipationFactory(round=funding_round)
    return funding_round


def make_investor(i: int) -> Investor:
    parent = InvestorFactory(slug=f"group-{i % 2}")
    investor = InvestorFactory(parent=parent)
    ParticipationFactory(investor=investor, is_lead=True)
    return investor


DEALS_MODELS = {
    Investor: make_investor,
    FxRate: lambda i: FxRateFactory(month=dt.date(2020 + i // 12, 1 + i % 12, 1)),
    FundingRound: make_round,
    Participation: lambda i: ParticipationFactory(
        is_lead=i % 2 == 0, amount=Decimal(i), amount_currency="USD"
    ),
    ValuationMark: lambda i: ValuationMarkFactory(),
    ComputeDeal: lambda i: ComputeDealFactory(provider_investor=InvestorFactory()),
    ReportedMetric: lambda i: ReportedMetricFactory(
        subject=f"Investor {i}", investor=InvestorFactory(), startup=StartupFactory()
    ),
}


@pytest.mark.parametrize("model", DEALS_MODELS, ids=lambda model: model.__name__)
def test_every_page_answers_in_a_bounded_number_of_queries(
    model, admin_client, django_assert_max_num_queries
):
    check_admin_pages(admin_client, model, DEALS_MODELS[model], django_assert_max_num_queries)


@pytest.mark.parametrize("model", DEALS_MODELS, ids=lambda model: model.__name__)
def test_every_editable_field_can_be_entered(model, rf, admin_user):
    assert fields_left_off_the_form(model, rf, admin_user) == set()


def test_every_model_is_in_the_admin_with_its_history_but_the_derived_closure():
    for model in (*DEALS_MODELS, Startup):
        assert hasattr(admin.site._registry[model], "history_form_view"), model
    assert InvestorAncestry not in admin.site._registry


def test_the_round_list_shows_qualified_usd_figures_partial_dates_and_leads(admin_client):
    funding_round = FundingRoundFactory(
        announced_on=dt.date(2024, 4, 1),
        date_precision="quarter",
        amount=Decimal("1000000000"),
        amount_qualifier="at_least",
        amount_usd=Decimal("1000000000"),
        post_money_valuation=Decimal("800000000"),
        valuation_currency="USD",
        valuation_qualifier="approx",
        post_money_valuation_usd=Decimal("800000000"),
    )
    ParticipationFactory(
        round=funding_round, investor=InvestorFactory(name_en="Alibaba"), is_lead=True
    )
    ParticipationFactory(round=funding_round, investor=InvestorFactory(name_en="Tencent"))

    response = admin_client.get(admin_url(FundingRound, "changelist"))

    assert "≥ $1.0B" in response.text
    assert "≈ $800M" in response.text
    assert "2024-Q2" in response.text
    assert '<td class="field-lead_investors">Alibaba</td>' in response.text


def test_a_figure_without_a_rate_says_so_instead_of_a_usd_value(admin_client):
    FundingRoundFactory(amount=Decimal("500000000"), amount_currency="CNY", amount_usd=None)

    response = admin_client.get(admin_url(FundingRound, "changelist"))

    assert "CNY 500M" in response.text
    assert "no FX rate" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"announced_on_year": "2023"}, ["Series 2023"]),
        ({"round_label": "Series 2024"}, ["Series 2024"]),
        ({"amount_currency": "CNY"}, ["Series 2024"]),
        ({"confidence__exact": "estimate"}, ["Series 2024"]),
        ({"startup__is_ai__exact": "0"}, ["Series 2023"]),
        ({"q": "月之暗面"}, ["Series 2024"]),
        ({"q": "Kimi"}, ["Series 2024"]),
    ],
)
def test_round_filters_and_search(admin_client, query, expected):
    moonshot = StartupFactory(name_en="Moonshot AI", name_zh="月之暗面", aliases="Kimi")
    FundingRoundFactory(
        startup=moonshot,
        round_label="Series 2024",
        announced_on=dt.date(2024, 2, 1),
        amount_currency="CNY",
        confidence="estimate",
    )
    FundingRoundFactory(
        startup=StartupFactory(is_ai=False),
        round_label="Series 2023",
        announced_on=dt.date(2023, 5, 1),
    )

    response = admin_client.get(admin_url(FundingRound, "changelist"), query)

    assert [r.round_label for r in response.context["cl"].result_list] == expected


def test_the_lead_investor_filter_lists_leaders_and_keeps_their_rounds(admin_client):
    alibaba = InvestorFactory(name_en="Alibaba")
    led = ParticipationFactory(investor=alibaba, is_lead=True).round
    ParticipationFactory(investor=alibaba, is_lead=False)
    changelist = admin_url(FundingRound, "changelist")

    response = admin_client.get(changelist, {"lead": str(alibaba.pk)})

    assert list(response.context["cl"].result_list) == [led]
    lead_filter = next(
        f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "lead"
    )
    assert lead_filter.lookup_choices == [(str(alibaba.pk), "Alibaba")]


def round_add_data(admin_client, **fields: str) -> dict:
    data = admin_form_data(admin_client.get(admin_url(FundingRound, "add")))
    data.update(
        {
            "startup": str(StartupFactory().pk),
            "round_label": "Series B",
            "announced_on": "2024-02-20",
            "sources": [str(SourceFactory().pk)],
            **fields,
        }
    )
    return data


def test_a_negative_amount_is_refused_on_its_field_and_nothing_is_saved(admin_client):
    data = round_add_data(admin_client, amount="-5", amount_currency="USD")

    response = admin_client.post(admin_url(FundingRound, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"] == ["must not be negative (got -5)"]
    assert "must not be negative (got -5)" in response.text
    assert not FundingRound.objects.exists()


def test_credits_above_the_amount_are_refused_on_the_credits_field(admin_client):
    data = round_add_data(
        admin_client,
        amount="100",
        amount_currency="USD",
        compute_credit_amount="150",
        compute_credit_currency="USD",
    )

    response = admin_client.post(admin_url(FundingRound, "add"), data)

    assert response.context["adminform"].form.errors["compute_credit_amount"] == [
        "must not exceed the amount 100 (got 150)"
    ]
    assert not FundingRound.objects.exists()


def test_a_round_with_a_participant_is_saved_through_the_services_with_usd(
    admin_client, admin_user
):
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7.1"))
    investor = InvestorFactory(name_en="Alibaba")
    data = round_add_data(
        admin_client,
        amount="1000000000",
        amount_currency="CNY",
        **{
            "participations-0-investor": str(investor.pk),
            "participations-0-is_lead": "on",
            "participations-0-amount": "500000000",
            "participations-0-amount_currency": "CNY",
        },
    )

    response = admin_client.post(admin_url(FundingRound, "add"), data)

    assert response.status_code == 302, form_errors(response)
    funding_round = FundingRound.objects.get()
    cent = Decimal("0.01")
    expected = (Decimal("1000000000") / Decimal("7.1")).quantize(cent, rounding=ROUND_HALF_UP)
    assert (funding_round.amount_usd, funding_round.amount_fx_rate) == (
        expected,
        Decimal("7.1"),
    )
    assert funding_round.amount_usd == Decimal("140845070.42")
    participation = funding_round.participations.get()
    assert (participation.investor, participation.is_lead) == (investor, True)
    assert participation.amount_usd == Decimal("70422535.21")
    # The round, then its sources (a second history row), saved by whoever saved the form.
    assert {row.history_user for row in funding_round.history.all()} == {admin_user}
    assert participation.history.get().history_user == admin_user


def test_moving_a_round_to_another_month_reconverts_its_participants(admin_client):
    FxRateFactory(month=dt.date(2024, 1, 1), currency="CNY", units_per_usd=Decimal("7.1"))
    FxRateFactory(month=dt.date(2024, 3, 1), currency="CNY", units_per_usd=Decimal("7.2"))
    funding_round = FundingRoundFactory(announced_on=dt.date(2024, 2, 1))
    funding_round.sources.add(SourceFactory())
    ParticipationFactory(round=funding_round, amount=Decimal("72"), amount_currency="CNY")
    change = admin_url(FundingRound, "change", funding_round.pk)
    data = admin_form_data(admin_client.get(change))
    data["announced_on"] = "2024-03-15"

    response = admin_client.post(change, data)

    assert response.status_code == 302, form_errors(response)
    assert funding_round.participations.get().amount_usd == Decimal("10.00")


def test_a_participant_removed_in_the_inline_is_deleted(admin_client):
    funding_round = FundingRoundFactory()
    funding_round.sources.add(SourceFactory())
    kept = ParticipationFactory(round=funding_round, investor=InvestorFactory(name_en="Kept"))
    gone = ParticipationFactory(round=funding_round, investor=InvestorFactory(name_en="Gone"))
    change = admin_url(FundingRound, "change", funding_round.pk)
    data = admin_form_data(admin_client.get(change))
    row = next(key for key, value in data.items() if key.endswith("-id") and value == str(gone.pk))
    data[row.replace("-id", "-DELETE")] = "on"

    response = admin_client.post(change, data)

    assert response.status_code == 302, form_errors(response)
    assert list(funding_round.participations.all()) == [kept]


def test_a_participation_stake_above_100_is_refused_in_words(admin_client):
    participation = ParticipationFactory()
    change = admin_url(Participation, "change", participation.pk)
    data = admin_form_data(admin_client.get(change))
    data["stake_percent"] = "120"

    response = admin_client.post(change, data)

    assert response.context["adminform"].form.errors["stake_percent"] == [
        "must be a percentage between 0 and 100 (got 120)"
    ]


def test_an_investor_parent_cycle_is_refused_with_a_clear_message(admin_client):
    alibaba = InvestorFactory(name_en="Alibaba")
    alibaba_cloud = InvestorFactory(name_en="Alibaba Cloud", parent=alibaba)
    change = admin_url(Investor, "change", alibaba.pk)
    data = admin_form_data(admin_client.get(change))
    data["parent"] = str(alibaba_cloud.pk)

    response = admin_client.post(change, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "This parent would make a cycle: Alibaba is already below it."
    ]
    alibaba.refresh_from_db()
    assert alibaba.parent is None


def test_the_investor_list_counts_rounds_joined_and_led_and_shows_the_parent(admin_client):
    alibaba = InvestorFactory(name_en="Alibaba")
    cloud = InvestorFactory(name_en="Alibaba Cloud", parent=alibaba)
    ParticipationFactory(investor=cloud, is_lead=True)
    ParticipationFactory(investor=cloud)

    response = admin_client.get(admin_url(Investor, "changelist"), {"q": "Cloud"})

    assert '<td class="field-rounds_joined">2</td>' in response.text
    assert '<td class="field-rounds_led">1</td>' in response.text
    assert '<td class="field-parent nowrap">Alibaba</td>' in response.text


def test_an_investor_saved_in_the_admin_keeps_the_affiliate_closure(admin_client):
    alibaba = InvestorFactory(name_en="Alibaba")
    data = admin_form_data(admin_client.get(admin_url(Investor, "add")))
    data.update({"slug": "alibaba-cloud", "name_en": "Alibaba Cloud", "parent": str(alibaba.pk)})

    response = admin_client.post(admin_url(Investor, "add"), data)

    assert response.status_code == 302, form_errors(response)
    cloud = Investor.objects.get(slug="alibaba-cloud")
    assert set(cloud.ancestry.values_list("ancestor__slug", "depth")) == {
        ("alibaba-cloud", 0),
        (alibaba.slug, 1),
    }
    assert "Alibaba Cloud" in admin_client.get(admin_url(Investor, "change", alibaba.pk)).text


def test_a_rate_saved_or_deleted_in_the_admin_reconverts_figures(admin_client):
    funding_round = FundingRoundFactory(
        announced_on=dt.date(2024, 2, 1), amount=Decimal("71"), amount_currency="CNY"
    )
    data = admin_form_data(admin_client.get(admin_url(FxRate, "add")))
    data.update({"currency": "CNY", "month": "2024-01-01", "units_per_usd": "7.1"})

    response = admin_client.post(admin_url(FxRate, "add"), data)

    assert response.status_code == 302, form_errors(response)
    funding_round.refresh_from_db()
    assert funding_round.amount_usd == Decimal("10.00")

    rate = FxRate.objects.get()
    admin_client.post(admin_url(FxRate, "delete", rate.pk), {"post": "yes"})

    funding_round.refresh_from_db()
    assert (funding_round.amount_usd, funding_round.amount_fx_rate) == (None, None)


def test_a_rate_month_not_on_the_first_day_is_refused_in_words(admin_client):
    data = admin_form_data(admin_client.get(admin_url(FxRate, "add")))
    data.update({"currency": "CNY", "month": "2024-01-15", "units_per_usd": "7.1"})

    response = admin_client.post(admin_url(FxRate, "add"), data)

    assert response.status_code == 200
    assert "first day" in response.text
    assert not FxRate.objects.exists()


def test_the_startup_page_lists_its_rounds_with_a_link_to_each(admin_client):
    funding_round = FundingRoundFactory(round_label="Series C")
    ParticipationFactory(
        round=funding_round, investor=InvestorFactory(name_en="Tencent"), is_lead=True
    )

    response = admin_client.get(admin_url(Startup, "change", funding_round.startup.pk))

    assert admin_url(FundingRound, "change", funding_round.pk) in response.text
    assert "Series C" in response.text
    assert "Tencent" in response.text


def test_saving_the_startup_page_leaves_its_listed_rounds_alone(admin_client):
    funding_round = FundingRoundFactory()
    change = admin_url(Startup, "change", funding_round.startup.pk)
    data = admin_form_data(admin_client.get(change))
    data["city"] = "Hangzhou"

    response = admin_client.post(change, data)

    assert response.status_code == 302, form_errors(response)
    assert Startup.objects.get().city == "Hangzhou"
    assert funding_round.history.count() == 1


def test_the_round_change_page_shows_the_derived_usd_values(admin_client):
    funding_round = FundingRoundFactory(
        amount_usd=Decimal("140845070.42"), amount_fx_rate=Decimal("7.1")
    )

    response = admin_client.get(admin_url(FundingRound, "change", funding_round.pk))

    assert "140845070.42" in response.text
    assert "Derived from the FX rate of the month" in response.text
