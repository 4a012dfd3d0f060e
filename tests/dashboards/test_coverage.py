"""The coverage report (dashboards.coverage_selectors, `manage.py data_report`): startups by
sector, rounds per year, each giant's tracked deals per year beside its published counts
(affiliates rolled up), and per kind of record those with no source, those resting on copies
alone and the disputed figures; in a fixed number of queries."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from dashboards.coverage_selectors import (
    coverage,
    giant_deals,
    round_counts,
    source_counts,
    startup_counts,
)
from deals.models import FundingRound
from deals.services import investor_ancestry_rebuild
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


def test_startups_are_counted_with_the_ai_ones_and_by_sector():
    StartupFactory(sector="foundation_models")
    StartupFactory(sector="foundation_models")
    StartupFactory(sector="embodied_ai")
    StartupFactory()  # AI, not classified
    StartupFactory(is_ai=False)

    assert startup_counts() == {
        "total": 5,
        "ai": 4,
        "sectors": [
            {"sector": "foundation_models", "startups": 2},
            {"sector": "embodied_ai", "startups": 1},
            {"sector": "not_ai", "startups": 1},
            {"sector": "", "startups": 1},
        ],
    }


def test_rounds_are_counted_per_year_with_those_of_ai_startups():
    outside_ai = StartupFactory(is_ai=False)
    FundingRoundFactory(announced_on=dt.date(2023, 1, 1))
    FundingRoundFactory(announced_on=dt.date(2023, 12, 31), startup=outside_ai)
    FundingRoundFactory(announced_on=dt.date(2024, 6, 1))

    assert round_counts() == {
        "total": 3,
        "ai": 2,
        "years": [{"year": 2023, "rounds": 2, "ai": 1}, {"year": 2024, "rounds": 1, "ai": 1}],
    }


@pytest.fixture
def alibaba():
    """Alibaba and its cloud: three rounds, one of them joined by both, and ITJuzi's count of
    its 2023 deals and its AI share from 2023 to August 2024."""
    parent = InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴")
    cloud = InvestorFactory(slug="alibaba-cloud", parent=parent)
    investor_ancestry_rebuild()
    both = FundingRoundFactory(announced_on=dt.date(2023, 3, 1))
    ParticipationFactory(round=both, investor=parent)
    ParticipationFactory(round=both, investor=cloud)
    ParticipationFactory(
        round=FundingRoundFactory(
            announced_on=dt.date(2023, 9, 1), startup=StartupFactory(is_ai=False)
        ),
        investor=cloud,
    )
    ParticipationFactory(
        round=FundingRoundFactory(announced_on=dt.date(2024, 5, 1)), investor=parent
    )
    ParticipationFactory(investor=InvestorFactory(slug="tencent"))  # no published figure
    itjuzi = SourceFactory(url="https://example.com/itjuzi", publisher="ITJuzi", kind="database")
    counted = ReportedMetricFactory(
        metric="external_investment_deals",
        investor=parent,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        value=Decimal("39"),
        unit="deals",
    )
    share = ReportedMetricFactory(investor=parent)
    counted.sources.add(itjuzi)
    share.sources.add(itjuzi)
    return parent


def test_a_giants_deals_per_year_count_its_affiliates_once_beside_the_published_count(alibaba):
    (giant,) = giant_deals()

    assert (giant["slug"], giant["name_zh"]) == ("alibaba", "阿里巴巴")
    rows = [
        (r["year"], r["deals"], r["ai"], [count["value"] for count in r["published"]])
        for r in giant["years"]
    ]
    assert rows == [(2023, 2, 1, [Decimal("39")]), (2024, 1, 1, [])]
    (count,) = giant["years"][0]["published"]
    assert count["tracked_share"] == Decimal(2) / Decimal(39)
    assert [c.url for c in count["citations"]] == ["https://example.com/itjuzi"]


def test_a_year_lists_every_published_count_when_counters_disagree(alibaba):
    tianyancha = ReportedMetricFactory(
        investor=alibaba,
        metric="external_investment_deals",
        subject="Alibaba (Tianyancha)",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        value=Decimal("33"),
        unit="deals",
    )
    tianyancha.sources.add(SourceFactory(url="https://example.com/tianyancha"))

    (giant,) = giant_deals()

    year_2023 = giant["years"][0]
    assert sorted((count["value"], count["tracked_share"]) for count in year_2023["published"]) == [
        (Decimal("33"), Decimal(2) / Decimal(33)),
        (Decimal("39"), Decimal(2) / Decimal(39)),
    ]
    printed = data_report()
    assert "39 deals (" in printed and "33 deals (Alibaba (Tianyancha))" in printed


def test_a_published_share_over_another_period_gets_the_deals_tracked_in_it(alibaba):
    (giant,) = giant_deals()

    (share,) = giant["published"]
    assert share["metric"] == "share_of_china_deals_in_ai_startups"
    assert (share["period_start"], share["period_end"]) == (
        dt.date(2023, 1, 1),
        dt.date(2024, 8, 21),
    )
    assert (share["value"], share["deals_tracked"], share["deals_ai"]) == (Decimal("40"), 3, 2)
    assert share["ai_share"] == Decimal(2) / Decimal(3)


def test_without_published_counts_no_giant_is_listed():
    ParticipationFactory(investor=InvestorFactory(slug="alibaba"))

    assert giant_deals() == []


def by_kind() -> dict[str, dict]:
    return {row["kind"]: row for row in source_counts()}


def test_records_citing_no_source_are_counted_per_kind():
    StartupFactory().sources.add(SourceFactory())
    StartupFactory()
    InvestorFactory()

    found = by_kind()

    assert (found["startups"]["records"], found["startups"]["unsourced"]) == (2, 1)
    assert (found["investors"]["records"], found["investors"]["unsourced"]) == (1, 1)
    assert found["rounds"] == {
        "kind": "rounds",
        "records": 0,
        "unsourced": 0,
        "copies_only": 0,
        "disputed_records": 0,
        "disputed_figures": 0,
    }


def test_a_record_whose_every_source_is_a_copy_rests_on_copies_only():
    copy = SourceFactory(kind="syndicated", original_publisher="Bloomberg")
    database = SourceFactory(kind="database")
    original = SourceFactory(kind="original_report")
    unknown = SourceFactory(kind="")
    FundingRoundFactory().sources.add(copy)
    FundingRoundFactory().sources.add(copy, database)
    FundingRoundFactory().sources.add(copy, original)
    # A source of unknown kind is not known to be a copy.
    FundingRoundFactory().sources.add(copy, unknown)

    assert (by_kind()["rounds"]["copies_only"], by_kind()["rounds"]["unsourced"]) == (2, 0)


def test_a_stake_citing_no_source_rests_on_its_rounds():
    copy, filing = SourceFactory(kind="syndicated"), SourceFactory(kind="filing")
    on_copies = FundingRoundFactory()
    on_copies.sources.add(copy)
    ParticipationFactory(round=on_copies)  # copies only, through its round
    ParticipationFactory(round=on_copies).sources.add(filing)  # its own filing
    ParticipationFactory(round=FundingRoundFactory())  # no source anywhere

    stakes = by_kind()["participations"]

    assert (stakes["records"], stakes["copies_only"], stakes["unsourced"]) == (3, 1, 1)


def test_disputed_figures_are_counted_from_the_records_that_name_them():
    FundingRoundFactory()
    disputed = [FundingRoundFactory(), FundingRoundFactory()]
    FundingRound.objects.filter(pk=disputed[0].pk).update(disputed_fields="amount")
    FundingRound.objects.filter(pk=disputed[1].pk).update(
        disputed_fields="amount,post_money_valuation"
    )

    rounds = by_kind()["rounds"]

    assert (rounds["disputed_records"], rounds["disputed_figures"]) == (2, 3)
    assert by_kind()["startups"]["disputed_figures"] == 0


def test_the_whole_report_takes_seven_queries_whatever_the_data(alibaba, django_assert_num_queries):
    for year in range(2015, 2025):
        ParticipationFactory(
            round=FundingRoundFactory(announced_on=dt.date(year, 1, 1)), investor=alibaba
        )

    with django_assert_num_queries(7):
        coverage()


def data_report() -> str:
    out = StringIO()
    call_command("data_report", stdout=out)
    return out.getvalue()


def test_the_command_prints_each_part_of_the_report(alibaba):
    printed = data_report()

    lines = printed.splitlines()
    assert lines[:9] == [
        "Startups: 4, of them AI: 3",
        "  sector                     startups",
        "  not AI                            1",
        "  AI, sector not classified         3",
        "",
        "Funding rounds: 4, of AI startups: 3",
        "  year  rounds  AI",
        "  2023       2   1",
        "  2024       2   2",
    ]
    giant = lines.index("Deals of Alibaba Group (alibaba), its affiliates' included, per year")
    assert lines[giant + 1 : giant + 5] == [
        "  year  tracked  AI           published  tracked / published",
        "  2023        2   1  39 deals (Alibaba)                   5%",
        "  2024        1   1                   \N{EN DASH}                    \N{EN DASH}",
        "  2023-01-01 to 2024-08-21: share of its China deals that went to AI startups 40% "
        "(Alibaba); tracked here: 3 deals, 2 of them AI (67%)",
    ]
    sources = lines.index("Sources of each kind of record")
    assert lines[sources + 8] == (
        "  figures published by others             2          0            2                 0"
    )
