"""The native import names startups and investors by any reference the resolver takes: slug,
identifier, or a name or alias in either language; a name fitting several is an error of its
file, line and column naming the candidates, and nothing is written."""

import pytest

from deals.importing import import_paths
from deals.models import ComputeDeal, FundingRound, Investor, Participation
from tests.deals.import_files import ROUND_HEADER, problems_of, write
from tests.factories import InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db
USCC = "91110108MA01ABCD5T"
PARTICIPATION_HEADER = "startup_slug,announced_on,round_label,investor_slug,is_lead,confidence\n"


@pytest.fixture
def tracked():
    return {
        "moonshot": StartupFactory(
            slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面", aliases="Kimi", uscc=USCC
        ),
        "alibaba": InvestorFactory(
            slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴", aliases="Alibaba"
        ),
        "tencent": InvestorFactory(slug="tencent", name_en="Tencent Holdings", name_zh="腾讯"),
    }


def round_row(
    startup: str, leads: str = "", participants: str = "", on: str = "2024-02", label="Series B"
) -> str:
    return (
        f'"{startup}",{on},month,{label},1000000000,USD,,,,"{leads}","{participants}",'
        "https://a.example/1,reported\n"
    )


def test_rounds_name_their_startup_and_investors_by_legal_name_alias_or_identifier(
    tracked, tmp_path
):
    folder = write(
        tmp_path,
        {
            "rounds.csv": ROUND_HEADER
            + round_row("Beijing Moonshot Technology Co., Ltd.", "阿里巴巴集团", "TENCENT")
            + round_row(f"uscc:{USCC}", "alibaba", on="2023-06", label="Series A"),
        },
    )

    report = import_paths([folder])

    assert report.problems == []
    rounds = FundingRound.objects.filter(startup=tracked["moonshot"]).order_by("announced_on")
    assert [r.round_label for r in rounds] == ["Series A", "Series B"]
    assert sorted(
        Participation.objects.filter(round=rounds[1]).values_list("investor__slug", "is_lead")
    ) == [("alibaba", True), ("tencent", False)]


def test_participations_name_the_investor_in_chinese(tracked, tmp_path):
    write(tmp_path, {"rounds.csv": ROUND_HEADER + round_row("moonshot")})
    assert import_paths([tmp_path]).ok
    (tmp_path / "rounds.csv").unlink()
    write(
        tmp_path,
        {
            "participations.csv": PARTICIPATION_HEADER
            + "月之暗面科技有限公司,2024-02,Series B,腾讯控股有限公司,true,reported\n"
        },
    )

    assert import_paths([tmp_path]).problems == []
    assert Participation.objects.get(investor=tracked["tencent"]).is_lead is True


def test_an_ambiguous_name_is_an_error_naming_file_line_column_and_candidates(tracked, tmp_path):
    InvestorFactory(slug="alibaba-cloud", name_en="Alibaba Cloud", aliases="Alibaba")
    folder = write(tmp_path, {"rounds.csv": ROUND_HEADER + round_row("Kimi", "Alibaba")})

    assert problems_of(folder) == [
        "rounds.csv line 2, column lead_investors: could be any of alibaba (Alibaba Group / "
        "阿里巴巴), alibaba-cloud (Alibaba Cloud): name one by its slug (got 'Alibaba')"
    ]


def test_a_name_matching_nothing_is_named_as_before(tracked, tmp_path):
    folder = write(tmp_path, {"rounds.csv": ROUND_HEADER + round_row("Zhipu AI")})

    assert problems_of(folder) == [
        "rounds.csv line 2, column startup_slug: names no known startup (got 'Zhipu AI')"
    ]


def test_a_bad_identifier_is_an_error_of_its_column(tracked, tmp_path):
    folder = write(tmp_path, {"rounds.csv": ROUND_HEADER + round_row("uscc:91110108MA01ABCD5U")})

    (problem,) = problems_of(folder)
    assert problem.startswith("rounds.csv line 2, column startup_slug: the identifier")
    assert "should be 'T' per GB 32100" in problem


def test_startups_written_earlier_in_the_run_are_found_by_name(tmp_path):
    folder = write(
        tmp_path,
        {
            "startups.csv": "slug,name_en,name_zh,city,is_ai\nzhipu,Zhipu AI,智谱,Beijing,true\n",
            "investors.csv": "slug,name_en,name_zh,parent_slug\n"
            "alibaba,Alibaba Group,阿里巴巴,\naliyun,Alibaba Cloud,阿里云,阿里巴巴集团\n",
            "rounds.csv": ROUND_HEADER + round_row("北京智谱科技有限公司", "Alibaba Group Holding"),
        },
    )

    assert import_paths([folder]).problems == []
    assert FundingRound.objects.get().startup.slug == "zhipu"
    assert Investor.objects.get(slug="aliyun").parent.slug == "alibaba"


def test_a_compute_deal_by_startup_name_keys_its_buyer_by_slug(tracked, tmp_path):
    folder = write(
        tmp_path,
        {
            "compute.csv": "startup_slug,buyer,kind,provider,provider_slug,announced_on,"
            "date_precision,source_url,confidence\n"
            "Moonshot AI,,cloud_credits,,Alibaba,2024-05,month,https://a.example/2,reported\n"
        },
    )

    assert import_paths([folder]).problems == []
    deal = ComputeDeal.objects.get()
    assert (deal.startup.slug, deal.buyer, deal.provider, deal.provider_investor.slug) == (
        "moonshot",
        "moonshot",
        "alibaba",
        "alibaba",
    )
