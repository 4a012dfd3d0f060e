"""The pair page, /investors/<a>/with/<b>/: the startups and rounds two investors backed
together, each investor's affiliates counted with it."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from dashboards.refresh import refresh_full
from deals import services
from tests.factories import FxRateFactory, StartupFactory

pytestmark = pytest.mark.django_db
ARTICLE = "https://example.com/zhipu-2023"
MOONSHOT_SOURCE = "https://example.com/moonshot-2024"


@pytest.fixture
def world():
    """Alibaba (Zhipu through its affiliate Alibaba Cloud) and Tencent together in one round
    of Zhipu and one of Moonshot; both in MiniMax, but in different rounds; Tencent alone in
    StepFun."""
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba", name_zh="阿里巴巴")
    cloud = services.investor_create(
        slug="alibaba-cloud", name_en="Alibaba Cloud", name_zh="阿里云", parent=alibaba
    )
    tencent = services.investor_create(slug="tencent", name_en="Tencent", name_zh="腾讯")
    hongshan = services.investor_create(slug="hongshan", name_en="HongShan")
    services.investor_create(slug="nobody", name_en="Nobody")
    zhipu = StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")
    moonshot = StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面")
    minimax = StartupFactory(slug="minimax", name_en="MiniMax", name_zh="稀宇科技")
    stepfun = StartupFactory(slug="stepfun", name_en="StepFun")
    FxRateFactory(month=dt.date(2023, 10, 1), currency="CNY", units_per_usd=Decimal("7.3"))
    rounds = {
        "zhipu": services.funding_round_create(
            startup=zhipu,
            announced_on=dt.date(2023, 10, 1),
            date_precision="month",
            round_label="2023 financing",
            amount=Decimal("2500000000"),
            amount_currency="CNY",
            amount_qualifier="at_least",
            confidence="reported",
            source_urls=[ARTICLE],
            participants=[{"investor": cloud}, {"investor": tencent}],
        ),
        "moonshot": services.funding_round_create(
            startup=moonshot,
            announced_on=dt.date(2024, 8, 5),
            round_label="Series B+",
            amount=Decimal("300000000"),
            amount_currency="USD",
            amount_qualifier="at_least",
            confidence="reported",
            source_urls=[MOONSHOT_SOURCE],
            participants=[
                {"investor": hongshan, "is_lead": True},
                {"investor": alibaba},
                {"investor": tencent},
            ],
        ),
    }
    # The rounds of one of them alone (Alibaba leading its own).
    for startup, day, label, investor in [
        (zhipu, dt.date(2024, 5, 15), "Series C", alibaba),
        (minimax, dt.date(2023, 6, 1), "Series A", tencent),
        (minimax, dt.date(2024, 3, 1), "Series B", alibaba),
        (stepfun, dt.date(2024, 12, 1), "Series B", tencent),
    ]:
        services.funding_round_create(
            startup=startup,
            announced_on=day,
            round_label=label,
            confidence="reported",
            participants=[{"investor": investor, "is_lead": investor == alibaba}],
        )
    services.usd_recompute()
    return rounds


def cells(html: str, table: str) -> list[list[str]]:
    """The text of each row's cells in the section with this id, tags stripped."""
    section = html.split(f'id="{table}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section.split("<tbody>", 1)[1], re.S)
    return [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


def facts(html: str) -> dict[str, str]:
    """The pair's summary: each term and its text."""
    summary = html.split('id="pair-summary">', 1)[1].split("</dl>", 1)[0]
    found = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", summary, re.S)
    return {term: text_of(value) for term, value in found}


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_pair_names_each_startup_both_backed_with_the_rounds_together(client, world):
    response = client.get("/investors/alibaba/with/tencent/")

    assert response.status_code == 200
    html = response.content.decode()
    # Most rounds together first, then by name; MiniMax was backed by each in its own round.
    assert cells(html, "pair-startups") == [
        [
            "Moonshot AI",
            "1",
            "1",
            "1",
            "2024-08-05",
            "2024-08-05",
            "≥ $300M 1 of 1 round disclosed",
        ],
        ["Zhipu AI", "2", "1", "1", "2023-10", "2023-10", "≥ $342M 1 of 1 round disclosed"],
        ["MiniMax", "1", "1", "0", "in different rounds"],
    ]
    rounds = cells(html, "pair-rounds")
    # Newest first; Alibaba joined Zhipu's round through Alibaba Cloud.
    assert [row[:7] for row in rounds] == [
        ["2024-08-05", "Moonshot AI", "Series B+", "≥ $300M", "HongShan", "Alibaba", "Tencent"],
        [
            "2023-10",
            "Zhipu AI",
            "2023 financing",
            "≥ CNY 2.5B ≥ $342M",
            "not disclosed",
            "Alibaba Cloud",
            "Tencent",
        ],
    ]
    moonshot, zhipu = world["moonshot"].pk, world["zhipu"].pk
    assert f'<tr id="round-{moonshot}">' in html
    assert html.count(f'href="{MOONSHOT_SOURCE}"') == 2  # its row, and the latest deal together
    assert html.count(f'href="{ARTICLE}"') == 2  # its row, and the first deal together
    assert facts(html) == {
        "Startups both backed": "3",
        "Rounds together": "2",
        "First deal together": "2023-10 · Zhipu AI, 2023 financing · ≥ CNY 2.5B example.com",
        "Latest deal together": "2024-08-05 · Moonshot AI, Series B+ · ≥ $300M example.com",
    }
    assert f'href="#round-{zhipu}">Zhipu AI, 2023 financing</a>' in html
    assert "/rounds/?investor=alibaba&amp;investor=tencent&amp;match=all" in html


def test_the_pair_page_in_chinese(client, world):
    html = client.get("/zh-hans/investors/alibaba/with/tencent/").content.decode()

    assert "阿里巴巴与腾讯的共同投资" in html
    assert [row[0] for row in cells(html, "pair-startups")] == ["月之暗面", "智谱", "稀宇科技"]


def test_the_pair_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    # The data's status (three), the two investors, their families, the startups both
    # backed, the rounds together with their startups, participants and sources, and the
    # claims behind figures the rounds' own sources might not give.
    with django_assert_num_queries(10):
        assert client.get("/investors/alibaba/with/tencent/").status_code == 200


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/investors/alibaba/with/alibaba/", "This compares Alibaba with itself"),
        ("/investors/alibaba-cloud/with/alibaba/", "Alibaba Cloud is an affiliate of Alibaba"),
        ("/investors/alibaba/with/alibaba-cloud/", "Alibaba Cloud is an affiliate of Alibaba"),
        ("/investors/alibaba/with/nobody/", "Alibaba and Nobody backed no startup in common"),
    ],
)
def test_a_pair_with_nothing_to_compare_says_why(client, world, path, message):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="pair-rounds"' not in html


def test_an_unknown_investor_is_a_404(client, world):
    assert client.get("/investors/alibaba/with/no-such-investor/").status_code == 404
    assert client.get("/investors/no-such-investor/with/alibaba/").status_code == 404


def test_each_co_investor_row_links_to_the_pair(client, world):
    refresh_full()

    html = client.get("/investors/alibaba/").content.decode()

    assert 'href="/investors/alibaba/with/tencent/">3</a>' in html
    assert 'href="/investors/alibaba/with/hongshan/">1</a>' in html
