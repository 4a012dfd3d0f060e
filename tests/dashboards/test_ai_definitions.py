"""The overview's AI-share chart under a named definition of AI, chosen in the page's URL and
said on the chart, and a published figure compared over its own window (the API's side:
tests/api/test_sectors.py)."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache

from dashboards.refresh import refresh_full
from deals import services
from tests.factories import ReportedMetricFactory, rounds_in_sectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """Alibaba in four rounds: a model maker (2023-05-01), a robot maker (2024-08-21), an
    unclassified AI startup (2024-08-22) and a shop (2024-11-01); ITJuzi's 40% over
    2023-01-01 to 2024-08-21, and a deal count over 2024-01-01 to 2024-08-21."""
    cache.clear()
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba", name_zh="阿里巴巴")
    rounds_in_sectors(
        alibaba,
        [
            ("foundation_models", dt.date(2023, 5, 1)),
            ("embodied_ai", dt.date(2024, 8, 21)),
            ("", dt.date(2024, 8, 22)),
            ("not_ai", dt.date(2024, 11, 1)),
        ],
    )
    for metric, value, start in [
        ("share_of_china_deals_in_ai_startups", "40", dt.date(2023, 1, 1)),
        ("external_investment_deals", "5", dt.date(2024, 1, 1)),
    ]:
        ReportedMetricFactory(
            metric=metric,
            subject="Alibaba",
            investor=alibaba,
            period_start=start,
            period_end=dt.date(2024, 8, 21),
            value=Decimal(value),
            unit="percent" if value == "40" else "deals",
        )
    refresh_full()


def coverage(html: str) -> list[str]:
    found = re.search(r'<section[^>]*id="ai-share".*?</section>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", found, re.S)
    return [unescape(re.sub(r"\s+", " ", item)) for item in items]


def test_the_published_figure_is_compared_over_its_own_window(client, published):
    broad = coverage(client.get("/").content.decode())
    core = coverage(client.get("/?ai=core").content.decode())

    # The window holds the rounds of 2023-05-01 and 2024-08-21, not the two later in 2024.
    published = "Published: 40% of Alibaba's deals in AI startups (2023-01-01 to 2024-08-21)"
    window = "tracked here over the same window, from its first day to its last"
    assert f"{published}; {window}: 100% of 2 deals." in broad
    assert f"{published}; {window}: 50% of 2 deals." in core
    # The deal count's window ends on 2024-08-21 too: one round of 2024, not the year's three.
    assert (
        "Alibaba: 4 deals tracked, 0 with a disclosed amount. Published deal counts: 5 in "
        "2024-01-01 to 2024-08-21 (1 tracked here)." in broad
    )


def test_the_chart_says_which_definition_it_uses_in_both_languages(client, published):
    broad = client.get("/").content.decode()
    core = client.get("/?ai=core").content.decode()
    chinese = client.get("/zh-hans/?ai=core").content.decode()

    assert "AI share of deals (broad AI), by investor" in broad
    assert coverage(broad)[0].startswith("AI here is the broad definition: foundation models")
    assert "AI share of deals (core AI), by investor" in core
    assert coverage(core)[0].startswith("AI here is the core definition: foundation models")
    assert '<option value="core" selected>core AI</option>' in core
    assert "各投资方交易中 AI 的占比（核心 AI）" in chinese  # noqa: RUF001
    assert coverage(chinese)[0].startswith("此处的 AI 采用核心定义：基础模型")  # noqa: RUF001
    # The chart's data says it too, and a link to it keeps the choice.
    assert 'href="/charts/ai-share.csv?ai=core"' in core
    assert (
        client.get("/charts/ai-share.csv?ai=core")
        .content.decode()
        .splitlines()[1]
        .endswith(",core")
    )


def test_an_unknown_definition_is_reported_and_the_default_shown(client, published):
    html = client.get("/?ai=narrow").content.decode()

    refused = "Select a valid choice. narrow is not one of the available choices."
    assert f"AI definition: {refused}" in html
    assert "AI share of deals (broad AI), by investor" in html
