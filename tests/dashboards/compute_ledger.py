"""The compute ledger's test data: five deals, each kind of party and figure the ledger
shows (a fixture registered in conftest.py), and how its tests read a table."""

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

import pytest

from deals.services import compute_deal_create, investor_ancestry_rebuild
from tests.factories import FxRateFactory, InvestorFactory, StartupFactory

WSJ = "https://www.livemint.com/ai/alibaba-tencent-cast-wide-net"
FT = "https://www.ft.com/content/alibaba-moonshot-credits"
CITY = "https://www.shanghai.gov.cn/compute-vouchers"
PAPER = "https://arxiv.org/abs/2501.08313"


@pytest.fixture
def ledger():
    """Given Alibaba and its affiliate Alibaba Cloud, Moonshot and MiniMax, and five deals:
    credits from the affiliate, an H100 purchase through an unnamed affiliate in Singapore, a
    below-market voucher in yuan, and two Hopper training runs, one with a bound quantity."""
    alibaba = InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴")
    cloud = InvestorFactory(
        slug="alibaba-cloud", name_en="Alibaba Cloud", name_zh="阿里云", parent=alibaba
    )
    investor_ancestry_rebuild()
    moonshot = StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面")
    minimax = StartupFactory(slug="minimax", name_en="MiniMax", name_zh="稀宇科技")
    FxRateFactory(month=dt.date(2025, 7, 1), currency="CNY", units_per_usd=Decimal("7.2"))
    deals = {
        "credits": compute_deal_create(
            startup=moonshot,
            buyer="Moonshot AI",
            kind="cloud_credits",
            provider="Alibaba Cloud",
            provider_investor=cloud,
            amount=Decimal("300000000"),
            amount_currency="USD",
            amount_qualifier="at_least",
            announced_on=dt.date(2024, 5, 1),
            date_precision="month",
            source_urls=[FT],
        ),
        "h100": compute_deal_create(
            buyer="unnamed Beijing-based LLM unicorn",
            kind="chip_purchase",
            chip="H100",
            provider="an affiliate of one of its investors, in Singapore",
            announced_on=dt.date(2023, 12, 1),
            date_precision="month",
            source_urls=[WSJ],
        ),
        "voucher": compute_deal_create(
            buyer="Shanghai AI firms",
            kind="compute_voucher",
            provider="Shanghai commission",
            amount=Decimal("600000000"),
            amount_currency="CNY",
            below_market=True,
            announced_on=dt.date(2025, 7, 28),
            source_urls=[CITY],
        ),
        "training": compute_deal_create(
            startup=minimax,
            buyer="MiniMax (MiniMax-01 training)",
            kind="training_run",
            chip="H800",
            quantity=1500,
            quantity_qualifier="at_least",
            provider="Nvidia",
            announced_on=dt.date(2025, 1, 15),
            source_urls=[PAPER],
        ),
        "rental": compute_deal_create(
            startup=minimax,
            buyer="MiniMax (M1 training)",
            kind="cloud_rental",
            chip="H800",
            quantity=512,
            amount=Decimal("534700"),
            amount_currency="USD",
            announced_on=dt.date(2025, 6, 1),
            date_precision="month",
            source_urls=[PAPER],
        ),
    }
    return deals


def text_of(fragment: str) -> str:
    fragment = re.sub(r"<br>", " | ", fragment)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


def table_rows(page: str, table: str = "compute-table") -> list[list[str]]:
    """The rows of a table, each a list of its cells' texts."""
    body = re.search(rf'<table[^>]*id="{table}".*?<tbody>(.*?)</tbody>', page, re.S)[1]
    return [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def links(page: str) -> list[str]:
    return re.findall(r'<a class="source" href="([^"]+)"', page)
