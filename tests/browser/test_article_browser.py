"""The article, as a test: each of its six questions answered from one page of the bundled
sample data, in English and in Chinese. Every figure is asserted exactly, and its source is one
click away: a link on the same page to the outlet's own address.

(a) the six Little AI Dragons' valuations over time; (b) Alibaba's and Tencent's AI share
beside ITJuzi's 40% and 30%, with coverage over the same window; (c) Alibaba's ≈ $800M for
≈ 36% of Moonshot, ≥ $300M of it in credits; (d) the 190+ products and the national count over
time; (e) the Singapore H100 and the Chongqing A100 in the compute ledger; (f) Alibaba and
Tencent both in Zhipu, Moonshot and Baichuan, named on their pair page."""

import pytest

pytestmark = pytest.mark.browser

# The page prefix of each language: English unprefixed, Chinese under /zh-hans/.
LANGUAGES = {"en": "", "zh-hans": "/zh-hans"}


def source_link(page, selector: str, url: str):
    """The link to `url` inside `selector`: there, visible, and pointing at the source itself
    (one click from the figure)."""
    link = page.locator(f'{selector} a[href="{url}"]').first
    assert link.is_visible(), (selector, url)
    return link


ITJUZI_VIA_WSJ = (
    "https://www.livemint.com/ai/artificial-intelligence/"
    "alibaba-tencent-cast-wide-net-for-ai-upstarts-11724226095605.html"
)
# ITJuzi's shares as the overview states them, beside the deals tracked here over the same
# window (the broad definition of AI, the overview's default).
PUBLISHED_SHARES = {
    "en": [
        "Published: 40% of Alibaba Group's deals in AI startups (2023-01-01 to 2024-08-21); "
        "tracked here over the same window, from its first day to its last: 100% of 7 deals.",
        "Published: 30% of Tencent Holdings's deals in AI startups (2023-01-01 to 2024-08-21); "
        "tracked here over the same window, from its first day to its last: 71% of 7 deals.",
    ],
    "zh-hans": [
        "公开数据：阿里巴巴 的交易中 40% 投向 AI 初创公司（2023-01-01 至 2024-08-21）；"  # noqa: RUF001
        "本站在同一时间窗口（从首日到末日）内追踪：7 笔交易中 100%。",  # noqa: RUF001
        "公开数据：腾讯 的交易中 30% 投向 AI 初创公司（2023-01-01 至 2024-08-21）；"  # noqa: RUF001
        "本站在同一时间窗口（从首日到末日）内追踪：7 笔交易中 71%。",  # noqa: RUF001
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_article_question_b_ai_share_beside_itjuzi(site, watched, language):
    watched.goto(f"{site}{LANGUAGES[language]}/")

    card = "section#ai-share"
    coverage = watched.locator(f"{card} ul.coverage li").all_text_contents()
    for line in PUBLISHED_SHARES[language]:
        assert line in coverage
    assert watched.locator(f"{card} #chart-ai-share[data-drawn=true]").count() == 1
    source_link(watched, card, ITJUZI_VIA_WSJ)
    assert watched.errors == []
